"""The sandbox bank's demo data: secrets stored only salted and hashed, every demo card and
bill where docs/demo-data.md says, and bookings that move to the day the sandbox runs, so a
sandbox kept from an earlier day still has appointments to check in to."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kiosk.sandbox.db import Database
from kiosk.sandbox.seed import (
    APPOINTMENTS,
    BILLS,
    CUSTOMERS,
    book_demo_appointments,
    secret_hash,
    secret_matches,
    seed,
)

NOW = datetime(2031, 5, 1, 10, 0).astimezone()
DEMO_DATA = (Path(__file__).resolve().parents[3] / "docs" / "demo-data.md").read_text()


@pytest.fixture
def bank(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'bank.db'}")
    with database.transaction() as tx:
        seed(tx, NOW)
    yield database
    database.close()


def test_a_secret_is_kept_salted_and_hashed_and_still_matches():
    stored = secret_hash("correct horse")
    assert "correct horse" not in stored
    assert secret_matches("correct horse", stored)
    assert not secret_matches("correct hors", stored)
    assert secret_hash("correct horse") != stored  # a new salt each time


def test_no_secret_is_stored_as_it_was_given(bank):
    with bank.transaction() as tx:
        stored = [r["pin_hash"] for r in tx.all("SELECT pin_hash FROM cards")]
    pins = {row[10] for row in CUSTOMERS}
    assert len(stored) == len(CUSTOMERS)
    assert all("$" in s and not any(pin in s for pin in pins) for s in stored)


def test_the_seeded_bank_holds_what_the_demo_data_page_describes(bank):
    with bank.transaction() as tx:
        cards = {r["pan"]: r["status"] for r in tx.all("SELECT pan, status FROM cards")}
        bills = tx.all("SELECT bill_number, amount_due_fen, status FROM bills")
    assert cards == {row[7]: row[9] for row in CUSTOMERS}
    assert len(bills) == len(BILLS)
    for pan in cards:
        assert pan in DEMO_DATA, f"card {pan} is not on docs/demo-data.md"
    for _biller, number, *_ in BILLS:
        assert number in DEMO_DATA, f"bill {number} is not on docs/demo-data.md"


def _bookings(bank) -> dict[str, tuple[str, str]]:
    with bank.transaction() as tx:
        rows = tx.all("SELECT appointment_id, scheduled_at, status FROM appointments")
    return {r["appointment_id"]: (r["scheduled_at"], r["status"]) for r in rows}


def test_bookings_are_made_relative_to_the_sandboxs_start(bank):
    bookings = _bookings(bank)
    for token, *_, minutes, _priority in APPOINTMENTS:
        at = (NOW + timedelta(minutes=minutes)).isoformat(timespec="seconds")
        assert bookings[token] == (at, "booked")


def test_a_later_day_rebooks_every_appointment_once_and_unused(bank):
    with bank.transaction() as tx:
        tx.run("UPDATE appointments SET status = 'checked_in'")
    tomorrow = NOW + timedelta(days=1)
    with bank.transaction() as tx:
        book_demo_appointments(tx, tomorrow)
    bookings = _bookings(bank)
    assert len(bookings) == len(APPOINTMENTS)
    assert {status for _at, status in bookings.values()} == {"booked"}
    token, *_, minutes, _priority = APPOINTMENTS[0]
    assert bookings[token][0] == (tomorrow + timedelta(minutes=minutes)).isoformat(
        timespec="seconds"
    )
    with bank.transaction() as tx:
        assert tx.one("SELECT value FROM meta WHERE name = 'demo_day'")["value"] == (
            tomorrow.date().isoformat()
        )
