"""Appointment check-in on the core: where finding a booking leads, what the flow keeps, and the
local ticket when the bank cannot be reached."""

from __future__ import annotations

from kiosk.flows.appointment_checkin import CheckinState
from kiosk.session import CustomerSession


def _by_qr(visit, payload: str) -> CustomerSession:
    visit.devices.camera.show_code(payload)
    visit.kiosk.begin("appointment_checkin")
    visit.answer("qr")
    return visit.engine.session


def test_an_on_time_booking_is_checked_in_and_its_ticket_kept(visit):
    state = _by_qr(visit, "APPT:APT-7F3K9Q").state(CheckinState)
    assert visit.step == "ticket" and state.found_by == "qr"
    assert state.ticket is not None and not state.offline
    assert visit.engine.view.params["number"] == state.ticket.ticket_number
    assert visit.stages == [0, 0, 1, 2, 2, 2]  # method, scan, check in, print, take back, ticket


def test_phone_and_code_are_kept_apart_from_the_booking_found(visit):
    visit.kiosk.begin("appointment_checkin")
    visit.answer("phone", "13800138000", "9999")  # the loan consultation is tomorrow
    state = visit.engine.session.state(CheckinState)
    assert state.phone == "13800138000" and state.found_by == "phone"
    assert visit.step == "off_time" and state.problem == "appointment.problem.early"
    visit.answer("ticket")
    assert visit.step == "queue_ticket" and state.ticket is not None and not state.checked_in


def test_a_code_that_is_no_booking_is_explained_and_may_be_shown_again(visit):
    _by_qr(visit, "BILL:water:1001234567")
    assert visit.error_keys == ["appointment.error.not_a_booking"] and visit.step == "scan_qr"


def test_the_bank_away_gives_a_local_ticket(visit, core_kiosk):
    core_kiosk.sandbox.arm_fault("find_appointments", "503", count=3)
    state = _by_qr(visit, "APPT:APT-7F3K9Q").state(CheckinState)
    assert visit.step == "ticket_offline" and state.offline
    assert state.ticket is not None and state.ticket.ticket_number.startswith("L")


def test_a_booking_checked_in_before_gets_its_ticket_again(visit):
    _by_qr(visit, "APPT:APT-7F3K9Q")
    first = visit.engine.session.state(CheckinState).ticket
    visit.engine.cancel()
    state = _by_qr(visit, "APPT:APT-7F3K9Q").state(CheckinState)
    assert visit.step == "already_checked_in"
    visit.answer("reprint")
    assert visit.step == "reprinted" and state.reprint and not state.checked_in
    assert first is not None and state.ticket is not None
    assert state.ticket.ticket_number == first.ticket_number  # the same number, not a new one
