"""The fault matrix: every journaled call the kiosk makes to the bank × every fault the line
and the bank can produce. Each cell must end safe: the kiosk gets a typed error whose message
key the catalogs carry (never a traceback), and once reconciled the journal and the bank
agree — nothing open, nothing paid twice, nothing paid that the journal calls failed."""

from __future__ import annotations

import pytest

from kiosk.backend import BackendError
from kiosk.i18n import Catalog
from kiosk.journal import journaled, reconcile

from .conftest import PAN, PIN, TIMEOUT_S

# from the line (the proxy) and from the bank (the sandbox's fault hook)
LINE_FAULTS = ("refused", "reset_before", "reset_after", "slow", "hold")
BANK_FAULTS = (
    "500",
    "503",
    "garbage",
    "wrong_shape",
    "delay",
    "drop_before_commit",
    "drop_after_commit",
)
FAULTS = LINE_FAULTS + BANK_FAULTS


def _pay_bill(line, client):
    return line.pay(client, line.new_bill(1234), line.card_token())


def _take_queue_ticket(line, client):
    return journaled(
        line.journal,
        "appointment_checkin",
        "ticket",
        "take_queue_ticket",
        {"service": "general"},
        lambda k: client.take_queue_ticket("general", idempotency_key=k),
    )


def _authorise_by_staff(line, client):
    return journaled(
        line.journal,
        "supervisor",
        "sign_in",
        "authorise_by_staff",
        {"staff_id": "800102"},
        lambda k: client.authorise_by_staff(
            "800102", "913579", "supervisor_mode", idempotency_key=k
        ),
    )


def _verify_card_pin(line, client):
    from hardware.pinpad.iso9564 import encode_pin_block

    return journaled(
        line.journal,
        "bill_payment",
        "pin",
        "verify_card_pin",
        {"card": "622848*********8010"},
        lambda k: client.verify_card_pin(PAN, encode_pin_block(PIN, PAN), idempotency_key=k),
    )


STEPS = {
    "pay_bill": _pay_bill,
    "take_queue_ticket": _take_queue_ticket,
    "authorise_by_staff": _authorise_by_staff,
    "verify_card_pin": _verify_card_pin,
}
CATALOG = Catalog("en")
CELLS = [(step, fault) for step in STEPS for fault in FAULTS]


@pytest.mark.parametrize("step, fault", CELLS, ids=[f"{s}-{f}" for s, f in CELLS])
def test_every_cell_ends_safe_and_the_journal_agrees_with_the_bank(line, step, fault):
    client = line.kiosk
    if fault == "refused":
        client = line.dead_line()
    elif fault in LINE_FAULTS:
        line.proxy.arm(fault, count=5)  # the client's own retries (reads only) meet it too
    else:
        line.sandbox.arm_fault(step, fault, count=5, delay_s=TIMEOUT_S * 2)
    before = line.balance()
    try:
        STEPS[step](line, client)
    except BackendError as exc:
        assert CATALOG.has(exc.message_key), exc.message_key  # a clear message to show
    line.proxy.clear()
    line.sandbox.faults.clear()
    reconcile(line.journal, line.back_office)
    line.proxy.settle()  # a request held on the line lands at the bank after the kiosk gave up
    assert line.disagreements() == []
    assert line.journal.open_intents() == []
    assert line.journal.verify().ok
    if step == "pay_bill":  # the money moved exactly as the journal says, to the fen
        [intent] = [e for e in line.journal.entries() if e.operation == "pay_bill"]
        done = any(
            e.outcome == "done"
            for e in line.journal.entries()
            if e.idempotency_key == intent.idempotency_key
        )
        assert line.balance() == before - (1234 if done else 0)


def test_the_matrix_covers_every_fault_the_line_and_the_bank_offer():
    from kiosk.sandbox.faulty_proxy import FAULTS as PROXY_FAULTS
    from kiosk.sandbox.server import FAULTS as SANDBOX_FAULTS

    assert set(FAULTS) == set(PROXY_FAULTS) | set(SANDBOX_FAULTS) | {"refused"}
