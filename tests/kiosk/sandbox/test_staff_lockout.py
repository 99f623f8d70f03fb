"""The sandbox bank locks a staff number after five wrong passwords, with a typed decline, and
counts the branch's counter tickets for the kiosk's share of the business."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.backend.client import new_idempotency_key
from kiosk.backend.errors import Declined


def authorise(client, staff_id: str, password: str):
    return client.authorise_by_staff(
        staff_id, password, "supervisor_mode", idempotency_key=new_idempotency_key()
    )


def refusal(client, staff_id: str, password: str) -> Declined:
    with pytest.raises(Declined) as declined:
        authorise(client, staff_id, password)
    return declined.value


def test_five_wrong_passwords_lock_that_staff_number_for_15_minutes(client, sandbox):
    assert [refusal(client, "800102", "000000").reason_code for _ in range(4)] == [
        "staff_refused"
    ] * 4
    locked = refusal(client, "800102", "000000")
    assert locked.reason_code == "staff_locked" and locked.message_key == (
        "backend.declined.staff_locked"
    )
    assert locked.params == {"minutes": 15}
    assert refusal(client, "800102", "913579").reason_code == "staff_locked"  # right, too late
    # another staff number is not locked: its right password gets past the check (a lobby
    # manager may not enter supervisor mode, which is a different refusal)
    assert refusal(client, "800101", "802468").reason_code == "staff_not_permitted"
    with sandbox.database.transaction() as tx:  # fifteen minutes later
        tx.run("UPDATE staff_failures SET locked_until = 0 WHERE staff_id = '800102'")
    assert authorise(client, "800102", "913579").staff_id == "800102"


def test_a_right_password_starts_the_count_again(client):
    for _ in range(4):
        refusal(client, "800102", "000000")
    authorise(client, "800102", "913579")
    for _ in range(4):
        assert refusal(client, "800102", "000000").reason_code == "staff_refused"


def test_the_bank_counts_the_branchs_counter_tickets(client):
    today = date.today().isoformat()
    assert client.count_counter_tickets("0101", today) == 0
    client.take_queue_ticket("general", idempotency_key=new_idempotency_key())
    assert client.count_counter_tickets("0101", today) == 1
    assert client.count_counter_tickets("0102", today) == 0
