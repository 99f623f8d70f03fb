"""预约签到 on the whole kiosk: the booking found by the phone's QR code (simulated camera), by
mobile number + booking code (on-screen keypad) or by the ID card, checked in at the sandbox
bank over HTTP, the queue ticket printed; off-time bookings and a bank that cannot be reached.
Appointments are seeded relative to the sandbox database's creation (docs/demo-data.md)."""

from __future__ import annotations

from kiosk.flows.fallback_tickets import pending_fallback_tickets


def bank(k, sql: str, *args):
    with k.sandbox.database.transaction() as tx:
        return tx.one(sql, *args)


def booking_status(k, token: str) -> str:
    return bank(k, "SELECT status FROM appointments WHERE qr_token = ?", token)["status"]


def tickets(k) -> int:
    return bank(k, "SELECT COUNT(*) AS n FROM tickets")["n"]


def outcomes(k, operation: str) -> list[str | None]:
    keys = {e.idempotency_key for e in k.journal.entries() if e.operation == operation}
    return [
        e.outcome for e in k.journal.entries() if e.idempotency_key in keys and e.kind == "outcome"
    ]


def by_phone(k, phone: str, code: str) -> None:
    k.start("appointment_checkin")
    k.tap("choice_phone")
    k.type_digits(phone)
    k.tap("confirm")
    k.type_digits(code)
    k.tap("confirm")


def by_qr(k, payload: str) -> None:
    k.start("appointment_checkin")
    k.tap("choice_qr")
    k.wait_until(lambda: k.step() == "scan_qr")
    k.devices.camera.show_code(payload)


def test_checked_in_by_the_phones_qr_code(kiosk_app):
    k = kiosk_app
    by_qr(k, "APPT:APT-7F3K9Q")
    k.sees_message("appointment.ticket.title", number="B001")
    k.sees_message("backend.service.wealth_advice")
    k.sees_message("appointment.wait.none")  # nobody ahead: no "约 0 分钟"
    zero_minutes = k.message("appointment.ticket.minutes", minutes=0)
    assert not k.shows_message("appointment.ticket.minutes", minutes=0)
    assert zero_minutes not in "\n".join(k.devices.printer.printed[-1].rows)
    k.sees_message("receipt.note.printed")
    assert booking_status(k, "APT-7F3K9Q") == "checked_in"
    assert outcomes(k, "check_in") == ["done"]
    ticket = k.devices.printer.printed[-1]
    assert ticket.complete and "B001" in "\n".join(ticket.rows)
    assert ticket.receipt.qr == bank(k, "SELECT reference FROM tickets")["reference"]
    k.tap("choice_done")
    k.tap("choice_4")
    k.wait_for_screen("attract")  # no bank customer identified: no offer


def test_a_senior_checks_in_by_phone_and_code_and_keeps_priority(kiosk_app):
    k = kiosk_app
    by_qr(k, "APPT:APT-7F3K9Q")  # somebody booked on time is already waiting
    k.sees("B001")
    k.tap("choice_done")
    k.tap("choice_skip")
    k.wait_for_screen("attract")
    by_phone(k, "13900139000", "5678")
    k.sees_message("appointment.ticket.title", number="C001")
    k.sees_message("appointment.priority.senior")
    assert booking_status(k, "APT-2M8X4R") == "checked_in"
    assert k.message("appointment.priority.senior") in k.devices.printer.printed[-1].receipt.notes


def test_a_vip_checks_in_with_the_id_card(kiosk_app):
    k = kiosk_app
    k.start("appointment_checkin")
    k.tap("choice_id_card")
    k.wait_until(lambda: k.step() == "read_id")
    k.devices.id_card_reader.insert("li")
    k.takes_id_card_back()
    k.sees_message("appointment.ticket.title", number="V001")
    k.sees_message("appointment.priority.vip")
    assert booking_status(k, "APT-9VIP01") == "checked_in"
    # nothing of the ID card reaches the journal
    assert "310104197811200176" not in str([e.data for e in k.journal.entries()])


def test_too_early_offers_a_normal_ticket(kiosk_app):
    k = kiosk_app
    by_phone(k, "13800138000", "9999")  # the loan consultation is tomorrow
    k.sees_message("appointment.problem.early")
    k.tap("choice_ticket")
    k.sees_message("appointment.queue_ticket.title", number="A001")
    assert not k.shows_message("appointment.ticket.title")  # a walk-in ticket, not a check-in
    k.sees_message("backend.service.loan_consultation")
    assert booking_status(k, "APT-EARLY1") == "booked"
    assert outcomes(k, "take_queue_ticket") == ["done"] and outcomes(k, "check_in") == []


def test_too_late_can_go_to_the_counter(kiosk_app):
    k = kiosk_app
    by_qr(k, "APPT:APT-LATE77")
    k.sees_message("appointment.problem.late")
    k.tap("choice_counter")
    k.sees_message("appointment.to_counter.title")
    assert booking_status(k, "APT-LATE77") == "booked" and tickets(k) == 0


def test_an_unknown_booking_and_a_wrong_code(kiosk_app):
    k = kiosk_app
    by_qr(k, "BILL:water:1001234567")  # a paper bill, not a booking
    k.sees_message("appointment.error.not_a_booking")
    k.tap("cancel")
    k.tap("cancel_yes")  # "you will lose what you entered": yes
    k.wait_for_screen("attract")
    by_phone(k, "13800138000", "0000")
    k.sees_message("appointment.problem.not_found")
    k.tap("choice_ticket")
    k.sees_message("appointment.queue_ticket.title", number="A001")
    k.sees_message("backend.service.general")


def test_bank_down_prints_a_fallback_ticket_sent_on_later(kiosk_app):
    k = kiosk_app
    k.sandbox.arm_fault("find_appointments", "503", count=3)  # the first try and 2 retries
    # and the queue too, so a heartbeat in between cannot hand the ticket over yet
    k.sandbox.arm_fault("take_queue_ticket", "503", count=50)
    by_qr(k, "APPT:APT-7F3K9Q")
    k.sees_message("appointment.ticket_offline.title", number="L001")
    printed = k.devices.printer.printed[-1]
    assert "L001" in "\n".join(printed.rows)
    assert k.message("appointment.ticket.offline_note") in printed.receipt.notes
    assert tickets(k) == 0  # the bank knows nothing of it yet ...
    events = [e for e in k.journal.entries() if e.operation == "fallback_ticket"]
    assert [e.data["ticket"] for e in events] == ["L001"]  # ... but the journal does
    assert len(pending_fallback_tickets(k.journal)) == 1
    k.tap("choice_done")
    k.tap("choice_skip")
    k.wait_for_screen("attract")

    # the bank answers again: the next check-in hands it the fallback ticket first
    k.sandbox.faults.clear()
    by_qr(k, "APPT:APT-7F3K9Q")
    k.sees_message("appointment.ticket.title")
    assert pending_fallback_tickets(k.journal) == []
    # a heartbeat may have tried while the queue was still down: refused, then handed over
    assert outcomes(k, "take_queue_ticket")[-1] == "done"
    assert tickets(k) == 2  # the fallback one and the check-in's, once each


def test_a_customer_already_checked_in_gets_their_ticket_again(kiosk_app):
    k = kiosk_app
    by_qr(k, "APPT:APT-7F3K9Q")
    k.sees_message("appointment.ticket.title", number="B001")
    k.tap("choice_done")
    k.tap("choice_skip")
    k.wait_for_screen("attract")
    by_qr(k, "APPT:APT-7F3K9Q")  # they lost the paper and come back
    k.wait_for_step("already_checked_in")
    assert [c.id for c in k.engine.view.choices if c.primary] == ["reprint"]
    k.tap("choice_reprint")
    k.sees_message("appointment.reprinted.title", number="B001")
    assert not k.shows_message("appointment.ticket.title")
    assert tickets(k) == 1  # the same ticket, not a new number
    assert "B001" in "\n".join(k.devices.printer.printed[-1].rows)
