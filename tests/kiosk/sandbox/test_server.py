"""The sandbox bank as a process that outlives a kiosk's visits: its database is seeded once
and kept across restarts, a sandbox kept from an earlier day books today's demo appointments,
the faults a test arms are used up in order, and a stopped sandbox lets go of its port and its
scratch folder. Real HTTP on loopback, the kiosk's own client."""

from __future__ import annotations

import math
import socket
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

import pytest

from kiosk.backend import BackendUnavailable, CoreBankingClient
from kiosk.sandbox.server import SANDBOX_KIOSK_TOKEN, start_sandbox

KIOSK = "STM-0101-01"


def client_of(server, retries: int = 2) -> CoreBankingClient:
    return CoreBankingClient(server.url, KIOSK, SANDBOX_KIOSK_TOKEN, timeout=5.0, retries=retries)


def test_a_sandbox_on_a_kept_database_is_seeded_once_and_remembers(tmp_path):
    url = f"sqlite:///{tmp_path / 'bank.db'}"
    with start_sandbox(database_url=url) as first, first.database.transaction() as tx:
        tx.run("UPDATE bills SET status = 'paid' WHERE bill_number = '1001234567'")
    with start_sandbox(database_url=url) as again:
        bank = client_of(again)
        try:
            bill = bank.look_up_bill("water", "1001234567")
        finally:
            bank.close()
        with again.database.transaction() as tx:
            assert tx.one("SELECT COUNT(*) AS n FROM persons")["n"] == 5  # not seeded twice
    assert bill.status == "paid"  # what happened before the restart is still so


def test_a_sandbox_kept_from_an_earlier_day_books_todays_appointments(tmp_path):
    url = f"sqlite:///{tmp_path / 'bank.db'}"
    with start_sandbox(database_url=url) as first, first.database.transaction() as tx:
        tx.run("UPDATE meta SET value = '2020-01-01' WHERE name = 'demo_day'")
        tx.run("UPDATE appointments SET scheduled_at = '2020-01-01T10:00:00+08:00'")
    with start_sandbox(database_url=url) as again, again.database.transaction() as tx:
        today = datetime.now().astimezone().date().isoformat()
        assert tx.one("SELECT value FROM meta WHERE name = 'demo_day'")["value"] == today
        days = {r["scheduled_at"][:10] for r in tx.all("SELECT scheduled_at FROM appointments")}
    assert "2020-01-01" not in days


def test_armed_faults_are_used_up_in_order_then_the_bank_answers(sandbox):
    sandbox.arm_fault("list_billers", "503", count=2)
    bank = client_of(sandbox, retries=0)
    try:
        for _ in range(2):
            with pytest.raises(BackendUnavailable):
                bank.list_billers()
        assert {b.biller_id for b in bank.list_billers()} >= {"water", "electricity"}
    finally:
        bank.close()


@pytest.mark.parametrize(
    ("operation", "fault", "count", "delay_s", "problem"),
    [
        ("pay_the_moon", "503", 1, 2.0, "unknown operation"),
        ("pay_bill", "flood", 1, 2.0, "unknown operation"),
        ("pay_bill", "503", 0, 2.0, "count"),
        ("pay_bill", "503", 101, 2.0, "count"),
        ("pay_bill", "delay", 1, math.nan, "delay_s"),
        ("pay_bill", "delay", 1, 61.0, "delay_s"),
    ],
)
def test_a_fault_the_sandbox_cannot_do_is_refused(
    sandbox, operation, fault, count, delay_s, problem
):
    with pytest.raises(ValueError, match=problem):
        sandbox.arm_fault(operation, fault, count=count, delay_s=delay_s)
    assert sandbox.faults.take(operation) is None


def test_a_stopped_sandbox_lets_go_of_its_port_and_its_scratch_folder():
    server = start_sandbox()
    port = urlparse(server.url).port
    scratch = Path(server.database.url.removeprefix("sqlite:///")).parent
    assert scratch.is_dir()
    server.stop()
    assert not scratch.exists()
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass
