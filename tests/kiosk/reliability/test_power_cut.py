"""kill -9 of a real kiosk process at each journaled step, at both bad moments — the intent
on disk but the bank not yet asked, and the bank done but the outcome not yet written — then
the kiosk's own start-up (build_kiosk: open and prove the journal, check the bank's anchor,
reconcile) settles every entry, and the journal and the bank agree."""

from __future__ import annotations

import ast
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.app import build_kiosk
from kiosk.config import load_config
from kiosk.journal.journaled import SENT_UNTIL_ANSWERED
from kiosk.runtime import InlineRunner, ManualClock

from .conftest import KIOSK, PAN, PIN

ROOT = Path(__file__).resolve().parents[3]
# the kiosk process: the real composition root, what the step needs from the bank first (not
# journaled: the customer's earlier steps), then the one journaled call of the step
_KIOSK = """
import base64, sys
from kiosk.app import build_kiosk
from kiosk.backend.client import new_idempotency_key as new
from kiosk.config import load_config
from kiosk.journal import journaled
from hardware.id_card_reader.simulated import placeholder_photo
from hardware.pinpad.iso9564 import encode_pin_block
from kiosk.runtime import InlineRunner, ManualClock
from tests.sandbox_bank import ZHAO_ID, ZHAO_PHONE, open_account_without_card
config_path, step, token, bill = sys.argv[1:5]
kiosk = build_kiosk(load_config(config_path), InlineRunner(), ManualClock())
services = kiosk.engine.services
bank = services.backend
PHOTO = base64.b64encode(placeholder_photo()).decode()
NEW_PIN = "802413"

def identified():
    return bank.verify_identity(ZHAO_ID, "赵丽", PHOTO, idempotency_key=new())

def opening():
    v = identified()
    otp = bank.send_otp(ZHAO_PHONE, "account_opening", idempotency_key=new())
    bank.verify_otp(otp.otp_id, "246810", idempotency_key=new())
    return ("account_opening", {"account_class": "II"}, lambda k: bank.open_account(
        verification_id=v.verification_id, otp_id=otp.otp_id, id_number=ZHAO_ID, name="赵丽",
        phone=ZHAO_PHONE, address="南京", account_class="II", product="standard_debit",
        idempotency_key=k))

def issuing(serial):
    account = open_account_without_card(bank)
    block = encode_pin_block(NEW_PIN, account)
    return lambda k: bank.issue_card(account, serial, block, idempotency_key=k)

def reversing():
    bound = new()
    issuing("SN-REVERSE-1")(bound)
    return ("card_issue", {"original": bound, "reason": "card_retained"},
            lambda k: bank.reverse_card_binding(bound, "card_retained", idempotency_key=k))

def new_pin():
    v, number = identified(), "6228480000000000017"
    first, again = encode_pin_block(NEW_PIN, number), encode_pin_block(NEW_PIN, number)
    return ("account_opening", {"for": "****0017"}, lambda k: bank.check_new_pin(
        v.verification_id, number, first, again, idempotency_key=k))

def checking_in():
    [booking] = bank.find_appointments(qr_token="APT-7F3K9Q")
    return ("appointment_checkin", {"appointment": booking.appointment_id},
            lambda k: bank.check_in(booking.appointment_id, idempotency_key=k))

calls = {
    "pay_bill": lambda: ("bill_payment", {"bill": "water/" + bill, "amount_fen": 4321},
                 lambda k: bank.pay_bill("water", bill, 4321, token, idempotency_key=k)),
    "take_queue_ticket": lambda: ("appointment_checkin", {"service": "general"},
                          lambda k: bank.take_queue_ticket("general", idempotency_key=k)),
    "authorise_by_staff": lambda: ("supervisor", {"staff_id": "800102"},
                           lambda k: bank.authorise_by_staff("800102", "913579",
                                                             "supervisor_mode", idempotency_key=k)),
    "verify_card_pin": lambda: ("bill_payment", {"card": "622848*********8010"},
                        lambda k: bank.verify_card_pin(
                            "%(pan)s", encode_pin_block("%(pin)s", "%(pan)s"), idempotency_key=k)),
    "verify_identity": lambda: ("account_opening", {"name": "赵*"}, lambda k: bank.verify_identity(
        ZHAO_ID, "赵丽", PHOTO, idempotency_key=k)),
    "check_new_pin": new_pin,
    "open_account": opening,
    "issue_card": lambda: ("card_issue", {"card_serial": "SN-ISSUE-1"}, issuing("SN-ISSUE-1")),
    "reverse_card_binding": reversing,
    "check_in": checking_in,
}
flow, masked, call = calls[step]()
print("ready", flush=True)
sys.stdin.readline()  # the test sets the trap on the line first, then says go
journaled(services.journal, flow, step, step, masked, call)
print("outcome written", flush=True)
""".replace("%(pan)s", PAN).replace("%(pin)s", PIN)
STEPS = (
    "pay_bill",
    "take_queue_ticket",
    "authorise_by_staff",
    "verify_card_pin",
    "verify_identity",
    "check_new_pin",
    "open_account",
    "issue_card",
    "reverse_card_binding",
    "check_in",
)
MOMENTS = ("before_the_bank", "after_the_bank")
CELLS = [(s, m) for s in STEPS for m in MOMENTS]


def _open_intent(journal_path: Path, step: str) -> bool:
    if not journal_path.exists():
        return False
    db = sqlite3.connect(f"file:{journal_path}?mode=ro", uri=True)
    try:
        rows = db.execute(
            "SELECT idempotency_key FROM entries WHERE operation = ? AND kind = 'intent'", (step,)
        ).fetchall()
    except sqlite3.OperationalError:
        return False
    finally:
        db.close()
    return bool(rows)


def _bank_count(line, step: str) -> int:
    """How many calls of the step the bank has carried out (its idempotency records)."""
    operation = "".join(w.title() for w in step.split("_"))
    operation = operation[0].lower() + operation[1:]
    with line.sandbox.database.transaction() as tx:
        return tx.one("SELECT COUNT(*) AS n FROM idempotency WHERE operation = ?", operation)["n"]


@pytest.mark.parametrize("step, moment", CELLS, ids=[f"{s}-{m}" for s, m in CELLS])
def test_a_power_cut_at_a_journaled_step_is_settled_at_the_next_start(line, tmp_path, step, moment):
    data = tmp_path / "kiosk"
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[kiosk]\ndata_dir = "{data}"\n[backend]\nurl = "{line.proxy.url}"\n'
        f'kiosk_token = "{line.sandbox.token_for(KIOSK)}"\ntimeout_s = 60\n'
    )
    bill = line.new_bill(4321)[1]
    kiosk = subprocess.Popen(
        [sys.executable, "-c", _KIOSK, str(config), step, line.card_token(), bill],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert kiosk.stdout.readline() == b"ready\n"  # started up, about to make the call
        if moment == "before_the_bank":
            line.proxy.slow_s = 60
            line.proxy.arm("hold")  # the request waits on the line; the bank has not seen it
        else:
            line.sandbox.arm_fault(step, "delay", delay_s=60)  # the bank commits, answers late
        kiosk.stdin.write(b"go\n")  # only now: a call made before the trap would race it
        kiosk.stdin.flush()
        before = _bank_count(line, step)
        reached = (
            (lambda: _open_intent(data / "journal.sqlite", step))
            if moment == "before_the_bank"
            else (lambda: _bank_count(line, step) > before)
        )
        deadline = time.monotonic() + 60
        while not reached() and kiosk.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert reached(), f"the kiosk never reached the {moment} moment"
        os.kill(kiosk.pid, signal.SIGKILL)  # the power cut
    finally:
        kiosk.kill()
        out, _ = kiosk.communicate()
    assert b"outcome written" not in out
    line.proxy.clear()
    line.sandbox.faults.clear()
    # the next start, as the kiosk makes it (straight to the bank now the line is mended)
    restarted = load_config(config)
    restarted.backend.url = line.sandbox.url
    k = build_kiosk(restarted, InlineRunner(), ManualClock())
    try:
        journal = k.engine.services.journal
        assert k.journal_trouble is None and k.in_service
        assert journal.open_intents() == []
        line.proxy.settle(timeout_s=0)  # the held request stays held: it is sealed anyway
        assert line.disagreements(journal) == []
        [intent] = [e for e in journal.entries() if e.operation == step]
        settled = [
            e.outcome for e in journal.entries() if e.idempotency_key == intent.idempotency_key
        ]
        # a reversal the bank never got is sent again until it answers (store-and-forward)
        again = step in SENT_UNTIL_ANSWERED
        assert settled[-1] == ("failed" if moment == "before_the_bank" and not again else "done")
    finally:
        k.close()


def _journaled_operations() -> set[str]:
    """Every operation the kiosk's code journals: the `operation` of each journaled() call."""
    found = set()
    for path in (ROOT / "kiosk").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "journaled":
                operation = node.args[3]
                assert isinstance(operation, ast.Constant), f"{path}: operation not a literal"
                found.add(operation.value)
    return found


def test_every_journaled_operation_has_its_power_cut():
    assert _journaled_operations() <= set(STEPS)
