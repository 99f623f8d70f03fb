"""A bank call run under the journal (kiosk/journal/journaled.py): the intent before it, the
outcome after it; unknown outcomes settled by asking the bank, never by paying again; a killed
kiosk recovers; a reversal is sent again until the bank has it."""

import base64
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hardware.pinpad.iso9564 import encode_pin_block
from kiosk.backend import BackendUnavailable, CoreBankingClient, Declined, OutcomeUnknown
from kiosk.backend import new_idempotency_key as key
from kiosk.journal import Journal, journaled, reconcile
from kiosk.masking import mask_pan
from kiosk.sandbox import SANDBOX_KIOSK_TOKEN

KEY = bytes(range(32))  # the kiosk's journal MAC key, fixed for the test

PAN = "6228480012345678010"
DEMO_SECRETS = [
    "6228480012345678010",
    "6228480012345678028",
    "6228480012345678036",
    "6228480012345678044",
    "110105198805120237",
    "222401195003080469",
    "310104197811200176",
    "440305199207150382",
    "320102199403250527",
    "147258",
]
ROOT = Path(__file__).resolve().parents[3]


def _token(client):
    return client.verify_card_pin(
        PAN, encode_pin_block("147258", PAN), idempotency_key=key()
    ).card_token


def _pay(journal, client, token, bill=("water", "1001234567", 8650)):
    masked = {"card": mask_pan(PAN), "bill": f"{bill[0]}/{bill[1]}", "amount_fen": bill[2]}
    return journaled(
        journal,
        "bill_payment",
        "pay",
        "pay_bill",
        masked,
        lambda k: client.pay_bill(*bill, token, idempotency_key=k),
    )


def _payments(sandbox, bill_number="1001234567"):
    with sandbox.database.transaction() as tx:
        return tx.all("SELECT reference FROM payments WHERE bill_number = ?", bill_number)


def test_dropped_line_after_commit_is_reconciled_without_paying_twice(sandbox, client, tmp_path):
    journal = Journal(tmp_path / "ej.sqlite3", KEY)
    sandbox.arm_fault("pay_bill", "drop_after_commit")
    with pytest.raises(OutcomeUnknown):
        _pay(journal, client, _token(client))
    [left_open] = journal.open_intents()
    settled = reconcile(journal, client)
    assert [(s.intent.idempotency_key, s.outcome) for s in settled] == [
        (left_open.idempotency_key, "done")
    ]
    [payment] = _payments(sandbox)
    assert settled[0].reference == payment["reference"]
    assert journal.open_intents() == [] and reconcile(journal, client) == []
    assert journal.verify().ok


def test_request_that_never_arrived_is_closed_as_failed(sandbox, client, tmp_path):
    journal = Journal(tmp_path / "ej.sqlite3", KEY)
    sandbox.arm_fault("pay_bill", "drop_before_commit")
    with pytest.raises(OutcomeUnknown):
        _pay(journal, client, _token(client))
    assert [s.outcome for s in reconcile(journal, client)] == ["failed"]
    assert _payments(sandbox) == []  # and reconciling did not send it again


def test_entries_stay_open_while_the_bank_is_unreachable(sandbox, client, tmp_path):
    journal = Journal(tmp_path / "ej.sqlite3", KEY)
    sandbox.arm_fault("pay_bill", "drop_after_commit")
    with pytest.raises(OutcomeUnknown):
        _pay(journal, client, _token(client))
    sandbox.arm_fault("look_up_transaction", "503", count=3)
    assert [s.outcome for s in reconcile(journal, client)] == ["unknown"]
    assert len(journal.open_intents()) == 1
    assert [s.outcome for s in reconcile(journal, client)] == ["done"]


def test_declines_and_unreachable_bank_close_the_entry_at_once(sandbox, client, tmp_path):
    journal = Journal(tmp_path / "ej.sqlite3", KEY)
    with pytest.raises(Declined):
        _pay(journal, client, _token(client), ("property", "5005678901", 156000))
    sandbox.arm_fault("pay_bill", "503")
    with pytest.raises(BackendUnavailable):
        _pay(journal, client, _token(client))
    assert [e.outcome for e in journal.entries() if e.kind == "outcome"] == ["declined", "failed"]
    assert journal.open_intents() == []


def test_a_bug_after_the_request_left_is_kept_open_for_the_bank_to_settle(client, tmp_path):
    journal = Journal(tmp_path / "ej.sqlite3", KEY)
    token = _token(client)

    def pay_then_break(k: str):
        client.pay_bill("water", "1001234567", 8650, token, idempotency_key=k)
        raise KeyError("a bug of ours, after the bank paid")

    with pytest.raises(KeyError):
        journaled(
            journal, "bill_payment", "pay", "pay_bill", {"bill": "water/1001234567"}, pay_then_break
        )
    [entry] = [e for e in journal.entries() if e.kind == "outcome"]
    assert entry.outcome == "unknown" and entry.data == {"error": "KeyError"}
    [settled] = reconcile(journal, client)
    assert settled.outcome == "done" and journal.open_intents() == []  # paid once, and known


def test_a_reversal_the_bank_refused_to_take_stays_open_and_is_sent_again(
    sandbox, client, tmp_path
):
    journal = Journal(tmp_path / "ej.sqlite3", KEY)
    original = key()
    sandbox.arm_fault("reverse_card_binding", "503")
    with pytest.raises(BackendUnavailable):
        journaled(
            journal,
            "card_issue",
            "not_issued",
            "reverse_card_binding",
            {"original": original, "reason": "card_retained"},
            lambda k: client.reverse_card_binding(original, "card_retained", idempotency_key=k),
        )
    assert [e.outcome for e in journal.entries() if e.kind == "outcome"] == ["unknown"]
    [settled] = reconcile(journal, client)  # the bank never saw it: sent again, same key
    # the bank answered this time (it holds no binding under that key): closed, not "failed"
    assert settled.outcome == "declined" and journal.open_intents() == []
    last = journal.entries()[-1]
    assert last.kind == "outcome" and last.data["reconciled"] == "sent_again"


_KIOSK_PROCESS = """
import sys
from kiosk.backend import CoreBankingClient
from kiosk.journal import Journal, journaled
url, token, path = sys.argv[1:4]
client = CoreBankingClient(url, "STM-0101-01", "{kiosk_token}", timeout=60)
journal = Journal(path, bytes(range(32)))
journaled(journal, "bill_payment", "pay", "pay_bill",
          {{"card": "622848*********8010", "bill": "water/1001234567"}},
          lambda k: client.pay_bill("water", "1001234567", 8650, token, idempotency_key=k))
print("outcome written", flush=True)
"""


def test_kiosk_killed_between_intent_and_outcome_is_reconciled_on_restart(
    sandbox, client, tmp_path
):
    path = tmp_path / "ej.sqlite3"
    sandbox.arm_fault("pay_bill", "delay", delay_s=60)  # the bank pays, then is slow to answer
    kiosk = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _KIOSK_PROCESS.format(kiosk_token=SANDBOX_KIOSK_TOKEN),
            sandbox.url,
            _token(client),
            str(path),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not _payments(sandbox) and time.monotonic() < deadline and kiosk.poll() is None:
            time.sleep(0.05)
        assert _payments(sandbox), "the kiosk process never reached the bank"
        os.kill(kiosk.pid, signal.SIGKILL)  # power cut: intent on disk, no outcome
    finally:
        kiosk.kill()
        out, _ = kiosk.communicate()
    assert b"outcome written" not in out
    restarted = Journal(path, KEY)  # the kiosk starts again
    assert len(restarted.open_intents()) == 1
    settled = reconcile(
        restarted, CoreBankingClient(sandbox.url, "STM-0101-01", SANDBOX_KIOSK_TOKEN)
    )
    [payment] = _payments(sandbox)
    assert [(s.outcome, s.reference) for s in settled] == [("done", payment["reference"])]
    assert restarted.verify().ok


def test_journal_file_never_holds_a_card_number_id_number_or_pin(sandbox, client, tmp_path):
    journal = Journal(tmp_path / "ej.sqlite3", KEY)
    face = base64.b64encode(b"\xff\xd8\xff" + bytes(200)).decode()
    journaled(
        journal,
        "account_opening",
        "identity",
        "verify_identity",
        {"id": "110105********0237", "note": "reader gave 110105198805120237"},
        lambda k: client.verify_identity("110105198805120237", "王小明", face, idempotency_key=k),
    )
    _pay(journal, client, _token(client))
    sandbox.arm_fault("pay_bill", "drop_after_commit")
    with pytest.raises(OutcomeUnknown):
        _pay(journal, client, _token(client), ("electricity", "2002345678", 21308))
    reconcile(journal, client)
    journal.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("ej."))
    assert raw, "the journal wrote nothing"
    for secret in DEMO_SECRETS:
        assert secret.encode() not in raw, secret
    assert b"622848*********8010" in raw
