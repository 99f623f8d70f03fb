"""Records from the bank's answers: nested records are built too, optional fields may be
left out, a missing required field is an error rather than a silent None."""

from __future__ import annotations

import pytest

from kiosk.backend.models import CheckIn, QueueTicket, build

TICKET = {
    "ticket_number": "A012",
    "reference": "T-20260307-0001",
    "branch_id": "0101",
    "service": "general",
    "priority": "normal",
    "people_ahead": 3,
    "estimated_wait_min": 12,
    "issued_at": "2026-03-07T09:30:00+08:00",
}
APPOINTMENT = {
    "appointment_id": "AP1001",
    "branch_id": "0101",
    "service": "general",
    "scheduled_at": "2026-03-07T09:30:00+08:00",
    "status": "checked_in",
    "timing": "on_time",
    "priority": "normal",
    "customer_name_masked": "王**",
}


def test_a_check_in_builds_its_appointment_and_ticket_records():
    check_in = build(CheckIn, {"reference": "C1", "appointment": APPOINTMENT, "ticket": TICKET})
    assert check_in.ticket == QueueTicket(**TICKET)
    assert check_in.appointment.appointment_id == "AP1001"


def test_an_optional_field_left_out_takes_its_default_and_one_given_is_kept():
    assert build(QueueTicket, TICKET).reason is None
    assert build(QueueTicket, {**TICKET, "reason": "lost_card"}).reason == "lost_card"


def test_a_required_field_left_out_is_an_error():
    answer = dict(TICKET)
    del answer["people_ahead"]
    with pytest.raises(KeyError):
        build(QueueTicket, answer)
