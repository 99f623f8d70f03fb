"""kill -9 of a real kiosk process at each journaled step, at both bad moments — the intent
on disk but the bank not yet asked, and the bank done but the outcome not yet written — then
the kiosk's own start-up (build_kiosk: open and prove the journal, check the bank's anchor,
reconcile) settles every entry, and the journal and the bank agree."""

from __future__ import annotations

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
from kiosk.runtime import InlineRunner, ManualClock

from .conftest import KIOSK, PAN, PIN

ROOT = Path(__file__).resolve().parents[3]
# the kiosk process: the real composition root, then one journaled call of the step
_KIOSK = """
import sys
from kiosk.app import build_kiosk
from kiosk.config import load_config
from kiosk.journal import journaled
from hardware.pinpad.iso9564 import encode_pin_block
from kiosk.runtime import InlineRunner, ManualClock
config_path, step, token, bill = sys.argv[1:5]
kiosk = build_kiosk(load_config(config_path), InlineRunner(), ManualClock())
services = kiosk.engine.services
bank = services.backend
calls = {
    "pay_bill": ("bill_payment", {"bill": "water/" + bill, "amount_fen": 4321},
                 lambda k: bank.pay_bill("water", bill, 4321, token, idempotency_key=k)),
    "take_queue_ticket": ("appointment_checkin", {"service": "general"},
                          lambda k: bank.take_queue_ticket("general", idempotency_key=k)),
    "authorise_by_staff": ("supervisor", {"staff_id": "800102"},
                           lambda k: bank.authorise_by_staff("800102", "913579",
                                                             "supervisor_mode", idempotency_key=k)),
    "verify_card_pin": ("bill_payment", {"card": "622848*********8010"},
                        lambda k: bank.verify_card_pin(
                            "%(pan)s", encode_pin_block("%(pin)s", "%(pan)s"), idempotency_key=k)),
}
flow, masked, call = calls[step]
print("ready", flush=True)
journaled(services.journal, flow, step, step, masked, call)
print("outcome written", flush=True)
""".replace("%(pan)s", PAN).replace("%(pin)s", PIN)
STEPS = ("pay_bill", "take_queue_ticket", "authorise_by_staff", "verify_card_pin")
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
        stdout=subprocess.PIPE,
    )
    try:
        assert kiosk.stdout.readline() == b"ready\n"  # started up, about to make the call
        if moment == "before_the_bank":
            line.proxy.slow_s = 60
            line.proxy.arm("hold")  # the request waits on the line; the bank has not seen it
        else:
            line.sandbox.arm_fault(step, "delay", delay_s=60)  # the bank commits, answers late
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
        assert settled[-1] == ("failed" if moment == "before_the_bank" else "done")
    finally:
        k.close()
