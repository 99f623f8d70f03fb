"""A branch's kiosks on one bank: the sandbox on PostgreSQL, N kiosks at once, whole visits
back to back (no think time: the worst case), each kiosk with its own token.

Two sandbox processes share one scratch PostgreSQL 15 (as two front ends of a branch's bank
might); the kiosks run in a few client processes of their own (one thread per kiosk, each its
own CoreBankingClient, so the clients' GIL is not what is measured). Each kiosk alternates a
bill payment (list billers, look up the bill, PIN check, pay, offer) and a check-in (find the
booking, check in), every visit for a visitor the sandbox seeded for it, so no bill or booking
is used twice; every third payment is sent a second time under the same idempotency key, as a
kiosk does when an answer was lost. After the run the database is asked what it holds: every
payment a kiosk was told of is there once, no bill is paid twice, each account lost exactly its
bill's amount, and each repeated payment got the first one's reference back.

    .venv/bin/python bench/branch_load.py [--kiosks 50] [--visits 10]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.postgres import scratch_postgres  # noqa: E402 (after the path)
from hardware.pinpad.iso9564 import DEMO_PIN_KEY, encode_pin_block  # noqa: E402
from kiosk.backend import CoreBankingClient, new_idempotency_key  # noqa: E402
from kiosk.backend.errors import BackendError  # noqa: E402
from kiosk.sandbox.db import Database  # noqa: E402
from kiosk.sandbox.seed import VISITOR_BALANCE_FEN, VISITOR_BILLER, Visitor  # noqa: E402
from kiosk.sandbox.server import (  # noqa: E402
    SANDBOX_SECRET,
    SandboxServer,
    kiosk_token_for,
    seed_more_visitors,
)

SERVERS = 2
CLIENT_PROCESSES = 5
REPLAY_EVERY = 3  # every third payment is sent again under its key


def kiosk_ids(count: int) -> list[str]:
    return [f"STM-0101-{i + 1:02d}" for i in range(count)]


# --- one client process: some of the kiosks ------------------------------------------------


class Timed:
    """Wraps a client so that every call's wall time is kept, by operation."""

    def __init__(self, client: CoreBankingClient, calls: list[tuple[str, float]]):
        self._client, self._calls = client, calls

    def __getattr__(self, name: str):
        method = getattr(self._client, name)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                self._calls.append((name, (time.perf_counter() - started) * 1000))

        return timed


def pay(bank, v: Visitor, replay: bool, out: dict) -> None:
    bank.list_billers()
    bill = bank.look_up_bill(VISITOR_BILLER, v.bill_number)
    block = encode_pin_block(v.pin, v.pan, DEMO_PIN_KEY)
    card = bank.verify_card_pin(v.pan, block, idempotency_key=new_idempotency_key())
    key = new_idempotency_key()
    paid = bank.pay_bill(
        VISITOR_BILLER, v.bill_number, bill.amount_due_fen, card.card_token, idempotency_key=key
    )
    out["paid"][v.bill_number] = paid.reference
    if replay:
        again = bank.pay_bill(
            VISITOR_BILLER, v.bill_number, bill.amount_due_fen, card.card_token, idempotency_key=key
        )
        out["replays"].append([paid.reference, again.reference])
    bank.find_offer(card.customer_id)


def check_in(bank, v: Visitor, out: dict) -> None:
    found = bank.find_appointments(phone=v.phone, booking_code=v.booking_code)
    done = bank.check_in(found[0].appointment_id, idempotency_key=new_idempotency_key())
    out["checked_in"].append(done.ticket.ticket_number)


def run_kiosk(kiosk: str, url: str, visitors: list[Visitor], out: dict, start_at: float) -> None:
    client = CoreBankingClient(url, kiosk, kiosk_token_for(SANDBOX_SECRET, kiosk), timeout=30)
    client.list_billers()  # a kiosk's first call (its connection made) is not the load's
    time.sleep(max(0.0, start_at - time.time()))  # every kiosk starts at the same moment
    out["started"] = time.time()
    bank = Timed(client, out["calls"])
    for i, v in enumerate(visitors):
        try:
            if i % 2 == 0:
                pay(bank, v, replay=(i // 2) % REPLAY_EVERY == 0, out=out)
            else:
                check_in(bank, v, out)
            out["visits"] += 1
        except BackendError as exc:
            out["errors"].append(f"{kiosk}: {type(exc).__name__}: {exc}"[:200])
    client.close()


def client_process(job: dict) -> dict:
    results = []
    threads = []
    for kiosk, url, visitors in job["kiosks"]:
        out = {"calls": [], "paid": {}, "replays": [], "checked_in": [], "errors": [], "visits": 0}
        results.append(out)
        people = [Visitor(**v) for v in visitors]
        threads.append(
            threading.Thread(target=run_kiosk, args=(kiosk, url, people, out, job["start_at"]))
        )
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    merged: dict = {"calls": [], "paid": {}, "replays": [], "checked_in": [], "errors": []}
    for out in results:
        merged["calls"] += out["calls"]
        merged["paid"].update(out["paid"])
        merged["replays"] += out["replays"]
        merged["checked_in"] += out["checked_in"]
        merged["errors"] += out["errors"]
    merged["visits"] = sum(out["visits"] for out in results)
    merged["started"] = min(out.get("started", time.time()) for out in results)
    merged["ended"] = time.time()
    return merged


# --- the parent: the database, the sandboxes, the kiosks, the checks ------------------------


def _sandbox_process(url: str, log_file) -> tuple[subprocess.Popen, str]:
    code = (
        "import logging, sys; from kiosk.sandbox.cli import main; "
        "logging.disable(logging.INFO); "  # a line per request is not what is measured
        "sys.exit(main(['--port', '0', '--no-seed', '--database-url', sys.argv[1]]))"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, url],
        stdout=subprocess.PIPE,
        stderr=log_file,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("sandbox bank on "):
            return proc, line.split()[3]
    raise RuntimeError("the sandbox process did not start")


def _check(database_url: str, visitors: list[Visitor], told: dict[str, str]) -> dict:
    """What the database holds against what the kiosks were told."""
    db = Database(database_url)
    numbers = [v.bill_number for v in visitors]
    with db.transaction() as tx:
        payments = tx.all(
            "SELECT bill_number, reference FROM payments WHERE biller_id = ?", VISITOR_BILLER
        )
        paid_bills = {
            r["bill_number"]
            for r in tx.all("SELECT bill_number FROM bills WHERE status = 'paid'")
            if r["bill_number"] in set(numbers)
        }
        balances = {
            r["account_number"]: r["balance_fen"]
            for r in tx.all("SELECT account_number, balance_fen FROM accounts")
        }
    db.close()
    ours = [p for p in payments if p["bill_number"] in set(numbers)]
    per_bill: dict[str, list[str]] = {}
    for p in ours:
        per_bill.setdefault(p["bill_number"], []).append(p["reference"])
    doubled = sum(len(refs) - 1 for refs in per_bill.values())
    lost = sum(1 for bill, ref in told.items() if ref not in per_bill.get(bill, []))
    unknown = len(set(per_bill) - set(told))  # paid in the bank, never told to a kiosk
    wrong_balance = sum(
        1
        for v in visitors
        if balances[v.account_number]
        != VISITOR_BALANCE_FEN - (v.amount_due_fen if v.bill_number in per_bill else 0)
    )
    return {
        "payments": len(ours),
        "paid_bills": len(paid_bills),
        "doubled": doubled,
        "lost": lost,
        "unknown": unknown,
        "wrong_balance": wrong_balance,
    }


def branch_load(kiosks: int = 50, visits: int = 10) -> dict:
    ids = kiosk_ids(kiosks)
    with scratch_postgres(max_connections=kiosks * 2 + 50) as url:
        SandboxServer(database_url=url).stop()  # the schema and the demo data, once
        everyone = seed_more_visitors(Database(url), kiosks * visits)
        with open(os.devnull, "w") as quiet:
            servers = [_sandbox_process(url, quiet) for _ in range(SERVERS)]
            try:
                jobs: list[dict] = [{"kiosks": []} for _ in range(CLIENT_PROCESSES)]
                for i, kiosk in enumerate(ids):
                    mine = everyone[i * visits : (i + 1) * visits]
                    jobs[i % CLIENT_PROCESSES]["kiosks"].append(
                        (kiosk, servers[i % SERVERS][1], [asdict(v) for v in mine])
                    )
                start_at = time.time() + 5.0 + kiosks * 0.1  # after every kiosk's first call
                procs = []
                for job in jobs:
                    job["start_at"] = start_at
                    p = subprocess.Popen(
                        [sys.executable, __file__, "--client"],
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        text=True,
                    )
                    assert p.stdin is not None
                    p.stdin.write(json.dumps(job))
                    p.stdin.close()
                    procs.append(p)
                outs = []
                for p in procs:
                    assert p.stdout is not None
                    outs.append(json.loads(p.stdout.read().strip().splitlines()[-1]))
                    p.wait()
            finally:
                for proc, _url in servers:
                    proc.terminate()
                    proc.wait(timeout=30)
        told: dict[str, str] = {}
        for out in outs:
            told.update(out["paid"])
        checks = _check(url, everyone, told)
    calls = [ms for out in outs for _name, ms in out["calls"]]
    seconds = max(o["ended"] for o in outs) - min(o["started"] for o in outs)
    replays = [pair for out in outs for pair in out["replays"]]
    by_operation: dict[str, list[float]] = {}
    for out in outs:
        for name, ms in out["calls"]:
            by_operation.setdefault(name, []).append(ms)
    return {
        "kiosks": kiosks,
        "servers": SERVERS,
        "visits": sum(o["visits"] for o in outs),
        "calls": len(calls),
        "seconds": seconds,
        "p50_ms": statistics.median(calls),
        "p99_ms": _percentile(calls, 0.99),
        "max_ms": max(calls),
        "p99_by_operation": {k: round(_percentile(v, 0.99), 1) for k, v in by_operation.items()},
        "errors": [e for out in outs for e in out["errors"]][:5],
        "error_count": sum(len(o["errors"]) for o in outs),
        "told_paid": len(told),
        "checked_in": sum(len(o["checked_in"]) for o in outs),
        "replays": len(replays),
        "replays_differing": sum(1 for a, b in replays if a != b),
        **checks,
    }


def _percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kiosks", type=int, default=50)
    parser.add_argument("--visits", type=int, default=10, help="visits per kiosk")
    parser.add_argument("--client", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        print(json.dumps(client_process(json.loads(sys.stdin.read()))))
        return 0
    print(json.dumps(branch_load(args.kiosks, args.visits), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
