"""Round-trip times of backend calls against the embedded sandbox, with and without the journal.

.venv/bin/python bench/backend_calls.py [--calls 200] [--database-url postgresql://...]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from hardware.pinpad.iso9564 import encode_pin_block
from kiosk.backend import CoreBankingClient, new_idempotency_key
from kiosk.journal import Journal, journaled
from kiosk.sandbox import SANDBOX_KIOSK_TOKEN, start_sandbox

KEY = bytes(range(32))  # a journal MAC key for the benchmark

PAN = "6228480012345678036"


def _timed(call: Callable[[], object], n: int) -> list[float]:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with (
        start_sandbox(database_url=args.database_url) as sandbox,
        tempfile.TemporaryDirectory() as scratch,
    ):
        client = CoreBankingClient(sandbox.url, "STM-0101-01", SANDBOX_KIOSK_TOKEN)
        journal = Journal(Path(scratch) / "ej.sqlite3", KEY)
        block = encode_pin_block("369147", PAN)
        rows = {
            "list_billers (GET)": lambda: client.list_billers(),
            "look_up_bill (GET)": lambda: client.look_up_bill("water", "1001234567"),
            "verify_card_pin": lambda: client.verify_card_pin(
                PAN, block, idempotency_key=new_idempotency_key()
            ),
            "take_queue_ticket": lambda: client.take_queue_ticket(
                "general", idempotency_key=new_idempotency_key()
            ),
            "take_queue_ticket, journaled": lambda: journaled(
                journal,
                "queue",
                "ticket",
                "take_queue_ticket",
                {"service": "general"},
                lambda k: client.take_queue_ticket("general", idempotency_key=k),
            ),
        }
        print(
            f"{args.calls} calls each, {'PostgreSQL' if sandbox.database.postgres else 'SQLite'}"
            " sandbox on loopback"
        )
        print(f"{'operation':32s} {'median ms':>10s} {'p95 ms':>8s} {'max ms':>8s}")
        for name, call in rows.items():
            times = sorted(_timed(call, args.calls))
            print(
                f"{name:32s} {statistics.median(times):10.2f}"
                f" {times[int(len(times) * 0.95) - 1]:8.2f} {times[-1]:8.2f}"
            )
        journal.close()


if __name__ == "__main__":
    main()
