"""Bill payments under seeded random faults on the line and at the bank, reconciled as the
kiosk does at start-up: the bank's ledger and the journal agree to the fen, no bill is paid
twice, no payment is lost. The quick form runs 60 payments; the full proof is
  PAYMENTS=1000 isolated .venv/bin/python -m pytest -s \
      tests/kiosk/reliability/test_randomized_payments.py
"""

from __future__ import annotations

import os
import random

from kiosk.backend import BackendError
from kiosk.journal import reconcile

from .conftest import TIMEOUT_S
from .test_fault_matrix import BANK_FAULTS, LINE_FAULTS

PAYMENTS = int(os.environ.get("PAYMENTS", "60"))
SEED = int(os.environ.get("PAYMENTS_SEED", "20261202"))


def test_randomized_bill_payments_settle_exactly_once(line):
    rng = random.Random(SEED)
    with line.sandbox.database.transaction() as tx:  # enough money for every bill
        tx.run("UPDATE accounts SET balance_fen = 1000000000")
    start = line.balance()
    token = line.card_token()
    faults_seen: dict[str, int] = {}
    refused = 0
    for n in range(PAYMENTS):
        fault = rng.choice((None, None, None, *LINE_FAULTS, *BANK_FAULTS))
        faults_seen[fault or "none"] = faults_seen.get(fault or "none", 0) + 1
        client = line.kiosk
        if fault == "refused":
            client = line.dead_line()
        elif fault in LINE_FAULTS:
            line.proxy.arm(fault)
        elif fault:
            line.sandbox.arm_fault("pay_bill", fault, delay_s=TIMEOUT_S * 2)
        try:
            line.pay(client, line.new_bill(rng.randint(1, 500_00)), token)
        except BackendError:
            refused += 1
        line.proxy.clear()
        line.sandbox.faults.clear()
        if n % 10 == 9:  # a restart now and then settles what was left open
            reconcile(line.journal, line.back_office)
    reconcile(line.journal, line.back_office)
    line.proxy.settle()  # requests held on the line have landed (and met their sealed keys)
    assert line.disagreements() == []
    outcomes = [e for e in line.journal.entries() if e.kind == "outcome"]
    done = {e.idempotency_key for e in outcomes if e.outcome == "done"}
    intents = [e for e in line.journal.entries() if e.kind == "intent"]
    paid_fen = sum(e.data["amount_fen"] for e in intents if e.idempotency_key in done)
    assert line.balance() == start - paid_fen  # to the fen
    with line.sandbox.database.transaction() as tx:
        ledger = tx.one("SELECT COUNT(*) AS n, COALESCE(SUM(amount_fen), 0) AS fen FROM payments")
    assert (ledger["n"], ledger["fen"]) == (len(done), paid_fen)
    print(
        f"\n{PAYMENTS} payments (seed {SEED}): {len(done)} paid, {PAYMENTS - len(done)} not"
        f" ({refused} refused at the kiosk); ledger {ledger['fen']} fen = journal {paid_fen}"
        f" fen; 0 double, 0 lost; faults {dict(sorted(faults_seen.items()))}"
    )
