"""The storyboard's scripts: demo customers (docs/demo-data.md) through every step of every
flow and the branches that show a different screen, with the simulators' scripted faults and
the sandbox's. Each journey runs on a kiosk of its own, so the demo data is always fresh.

Every step a journey enters, and every failure a step shows, is photographed by itself (once
per run, unless the journey `shows` that step again with its own data); `board.shoot(name)`
takes the screens that are not steps (home, dialogs, supervisor).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from kiosk.sandbox.seed import STAFF_CARD_PINS
from ui.supervisor import TABS

WANG_PIN, CHEN_PIN = "147258", "741852"
ZHAO_PHONE, SMS_CODE, NEW_PIN = "13500135000", "246810", "802413"


@dataclass(frozen=True)
class Journey:
    name: str
    flow: str  # the flow it is about, or "kiosk" for the screens around the flows
    script: Callable[[Any, Any], None]  # (Customer, Board)
    shows: tuple[str, ...] = ()  # steps shot again here although an earlier journey had them


JOURNEYS: list[Journey] = []


def journey(flow: str, *shows: str):
    def register(script):
        JOURNEYS.append(Journey(script.__name__, flow, script, shows))
        return script

    return register


# --- around the flows ----------------------------------------------------------------------


@journey("kiosk")
def home_and_dialogs(c, board) -> None:
    c.window.show_attract()  # the kiosk's own language and theme between customers ...
    board.dress()  # ... shown here in the run's
    board.shoot("attract")
    c.window.show_home()
    board.shoot("home")
    c.tap("language")
    board.shoot("dialog_language")
    c.tap(f"language_{c.kiosk.language}")
    c.start("bill_payment")
    c.at("insert_card")
    c.devices.card_reader.insert("wang")
    c.at("pin")
    c.pin_pad(WANG_PIN)
    c.at("biller")
    c.tap("cancel")  # the customer showed a card: the kiosk asks before throwing it away
    board.shoot("dialog_cancel")
    c.tap("cancel_no")
    c.engine.need_more_time.emit(c.engine.timeouts.answer_s)  # what the idle clock sends
    board.shoot("dialog_more_time")
    c.tap("more_time_yes")
    c.tap("call_staff")
    board.shoot("call_staff")


WEEK_FLOWS = {  # service -> where its visits were left, and the errors they were shown
    "bill_payment": (("pin", "biller", "review"), ("backend.declined.pin_wrong",)),
    "appointment_checkin": (("method", "scan_qr"), ("appointment.problem.not_found",)),
    "account_opening": (("face", "otp", "review"), ("backend.declined.otp_wrong",
                                                     "devices.error.timeout")),
}  # fmt: skip


def a_week_of_figures(figures) -> None:
    """The branch's last week as the figures store would hold it (the charts and tables have
    something to draw): visits per service, where they were left, the errors shown, handling
    times, ratings and the counters' tickets."""
    store = figures.store
    for ago in range(7):
        day = figures.today - timedelta(days=ago)
        for n, (flow, (stages, errors)) in enumerate(WEEK_FLOWS.items()):
            busy = 6 + (ago * 3 + n * 5) % 7
            for i in range(busy):
                outcome = "abandoned" if i % 5 == 4 else "referred" if i % 7 == 6 else "completed"
                stage = stages[(i + ago) % len(stages)] if outcome == "abandoned" else "rating"
                store.visit(day, flow, outcome, stage, 45.0 + 40 * n + 17 * ((i + ago) % 6))
                if outcome == "completed":
                    store.answer(day, flow, "rating", str(3 + (i + n + ago) % 3))
                if i % 3 == n % 3:
                    store.error(day, flow, errors[i % len(errors)])
        store.counter_tickets(day, 40 + ago % 3 * 5)


@journey("kiosk")
def supervisor(c, board) -> None:
    a_week_of_figures(c.window.engine.services.figures)
    c.window.open_supervisor()
    board.shoot("supervisor_sign_in")
    for staff_id, password, shot in (
        ("800104", "135791", "supervisor_refused"),  # has left the bank
        ("800102", "913579", None),
    ):
        c.digits(staff_id)
        c.tap("next")
        c.digits(password)
        c.tap("confirm")
        if shot:
            c.wait(lambda: bool(c.window.supervisor.message.text()), "the refusal")
            board.shoot(shot)
    c.wait(lambda: bool(c._buttons("sign_out")), "the dashboard")
    board.shoot("supervisor_dashboard")
    for tab in TABS[1:]:
        c.window.supervisor.show_tab(tab)
        board.shoot(f"supervisor_{tab}")
    c.window.supervisor.show_tab("service")
    c.digits("12")
    c.tap("exit_app")  # not the exit code
    board.shoot("supervisor_wrong_exit_code")
    c.tap("service_toggle")
    c.wait(lambda: not c.kiosk.in_service, "out of service")
    board.shoot("supervisor_out_of_service")
    c.tap("sign_out")
    board.dress()
    board.shoot("attract_out_of_service")


# --- the guide -----------------------------------------------------------------------------


@journey("guide")
def guide(c, board) -> None:
    for answers in (
        ("cash", "large"),
        ("cash", "small"),
        ("lost_card", "yes"),
        ("lost_card", "no"),
        ("other",),
        ("no_ticket", "cash", "large"),  # the bank cannot give a counter ticket just now
        ("no_ticket", "lost_card", "yes"),
    ):
        no_ticket = answers[0] == "no_ticket"
        if no_ticket:
            c.sandbox.faults.clear()
            c.sandbox.arm_fault("take_queue_ticket", "503", count=10)
        c.tap("service_guide")
        c.at("need")
        for answer in answers[1:] if no_ticket else answers:
            c.tap(f"choice_{answer}")
        c.wait(lambda: c.engine.view.step.id.startswith(("to_", "report")), "the guide's answer")
        c.tap("choice_done")
        c.wait(lambda: c.window.current_screen() in ("home", "attract"), "the end")
        c.window.show_home()
        board.dress()


# --- bill payment --------------------------------------------------------------------------


def card_and_pin(c, card: str = "wang", pin: str = WANG_PIN) -> None:
    c.start("bill_payment")
    c.at("insert_card")
    c.devices.card_reader.insert(card)
    c.at("pin")
    c.pin_pad(pin)


def bill_by_keypad(c, biller: str, number: str) -> None:
    c.at("biller")
    c.tap(f"choice_{biller}")
    c.tap("choice_keypad")
    c.at("bill_number")
    c.keyed(number)


def rate_and_leave(c) -> None:
    c.tap("choice_done")
    c.at("rating")
    c.tap("choice_5")
    c.wait(lambda: c.engine.view is None or c.engine.view.step.id == "offer", "the offer")
    if c.engine.view is not None:
        c.tap("choice_no_thanks")


@journey("bill_payment")
def water_bill_paid(c, board) -> None:
    c.start("bill_payment")
    c.at("insert_card")
    c.devices.card_reader.insert("wang")
    c.at("pin")
    for key in WANG_PIN[:3]:
        c.devices.pin_pad.press(key)
    c.wait(lambda: c.pin_boxes_filled() == 3, "three keys counted")
    board.shoot("pin_keyed", step="pin")
    for key in (*WANG_PIN[3:], "enter"):
        c.devices.pin_pad.press(key)
    bill_by_keypad(c, "water", "1001234567")
    c.at("review")
    c.tap("confirm")
    c.at("paid")
    rate_and_leave(c)


@journey("bill_payment")
def paper_bill_scanned(c, board) -> None:
    card_and_pin(c)
    c.at("biller")
    c.tap("choice_water")
    c.tap("choice_scan")
    c.at("scan_bill")
    c.then_fails(lambda: c.devices.camera.show_code("APPT:APT-7F3K9Q"))  # not a bill
    c.tap("retry")
    c.at("scan_bill")
    c.devices.camera.show_code("BILL:electricity:2002345678")
    c.at("review")


@journey("bill_payment")
def wrong_pins_lock_the_card(c, board) -> None:
    card_and_pin(c, pin="111111")
    c.fails()
    for pin in ("222222", "333333"):
        c.tap("retry")
        c.at("pin")
        c.pin_pad(pin)
    c.at("not_done")


@journey("bill_payment", "not_done")
def frozen_card(c, board) -> None:
    card_and_pin(c, "chen", CHEN_PIN)
    c.at("not_done")


@journey("bill_payment", "not_done")
def bill_not_found_then_too_dear(c, board) -> None:
    card_and_pin(c)
    c.at("biller")
    c.tap("choice_water")
    c.tap("choice_keypad")
    c.at("bill_number")
    c.then_fails(lambda: c.keyed("1000000000"))  # no such bill
    c.tap("key_clear")
    c.then_fails(lambda: c.keyed("1009999999"))  # nothing due
    c.tap("back")
    c.tap("back")
    c.at("biller")
    bill_by_keypad(c, "property", "5005678901")  # 1,560.00: more than 王小明 has
    c.at("review")
    c.tap("confirm")
    c.at("not_done")


@journey("bill_payment", "take_card_reminder", "paid")
def card_left_in_the_slot(c, board) -> None:
    c.devices.card_reader.inject("walk_away", times=2)  # not taken after the reminder either
    card_and_pin(c)
    bill_by_keypad(c, "water", "1001234567")
    c.at("review")
    c.tap("confirm")
    c.at("paid")


@journey("bill_payment", "take_card")
def cancelled_with_the_card_in(c, board) -> None:
    card_and_pin(c)
    c.at("biller")
    c.tap("cancel")
    c.tap("cancel_yes")  # the card comes back before the visit ends
    takes_back_and_leaves(c, "take_card")


@journey("bill_payment", "insert_card")
def card_jammed(c, board) -> None:
    c.devices.card_reader.inject("jam")
    c.start("bill_payment")
    c.at("insert_card")
    c.then_fails(lambda: c.devices.card_reader.insert("wang"))


@journey("bill_payment", "not_done")
def line_dropped_while_paying(c, board) -> None:
    c.sandbox.arm_fault("pay_bill", "drop_after_commit")
    card_and_pin(c)
    bill_by_keypad(c, "water", "1001234567")
    c.at("review")
    c.tap("confirm")
    c.at("not_done")


@journey("bill_payment", "paid_no_receipt")
def paper_runs_out(c, board) -> None:
    c.devices.printer.inject("paper_out")
    card_and_pin(c)
    bill_by_keypad(c, "phone", "13800138000")
    c.at("review")
    c.tap("confirm")
    c.at("paid_no_receipt")


# --- appointment check-in ------------------------------------------------------------------


def by_qr(c, payload: str) -> None:
    c.start("appointment_checkin")
    c.at("method")
    c.tap("choice_qr")
    c.at("scan_qr")
    c.devices.camera.show_code(payload)


def by_phone(c, phone: str, code: str) -> None:
    c.start("appointment_checkin")
    c.at("method")
    c.tap("choice_phone")
    c.at("phone")
    c.keyed(phone)
    c.at("booking_code")
    c.keyed(code)


@journey("appointment_checkin")
def checked_in_by_qr(c, board) -> None:
    by_qr(c, "APPT:APT-7F3K9Q")
    c.at("ticket")
    c.tap("choice_done")
    c.at("rating")
    c.tap("choice_4")


@journey("appointment_checkin", "already_checked_in", "reprinted")
def checked_in_twice(c, board) -> None:
    by_qr(c, "APPT:APT-7F3K9Q")
    c.at("ticket")
    c.tap("choice_done")
    c.at("rating")
    c.tap("choice_skip")
    c.wait(lambda: c.window.current_screen() in ("home", "attract"), "the end")
    c.window.show_home()
    board.dress()  # the same customer comes back: the paper ticket was lost
    by_qr(c, "APPT:APT-7F3K9Q")
    c.at("already_checked_in")
    c.tap("choice_reprint")
    c.at("reprinted")


@journey("appointment_checkin", "ticket")
def senior_by_phone(c, board) -> None:
    by_phone(c, "13900139000", "5678")
    c.at("ticket")


def by_id_card(c, person: str) -> None:
    c.start("appointment_checkin")
    c.at("method")
    c.tap("choice_id_card")
    c.at("read_id")
    c.devices.id_card_reader.insert(person)
    c.at("ticket")


@journey("appointment_checkin", "ticket")
def vip_by_id_card(c, board) -> None:
    by_id_card(c, "li")
    rate_and_leave(c)  # a bank customer who agreed to offers: one is shown


@journey("appointment_checkin", "ticket")
def id_card_left_on_the_reader(c, board) -> None:
    # the card is not lifted: the take-back step, its two reminders (sound and words), staff
    c.devices.id_card_reader.inject("timeout", times=3, after=1)
    by_id_card(c, "li")


@journey("appointment_checkin", "off_time", "queue_ticket")
def too_early(c, board) -> None:
    by_phone(c, "13800138000", "9999")  # the loan consultation is tomorrow
    c.at("off_time")
    c.tap("choice_ticket")  # a walk-in queue number instead: not checked in
    c.at("queue_ticket")


@journey("appointment_checkin", "off_time")
def too_late(c, board) -> None:
    by_qr(c, "APPT:APT-LATE77")
    c.at("off_time")
    c.tap("choice_counter")
    c.at("to_counter")


@journey("appointment_checkin", "off_time")
def no_booking_found(c, board) -> None:
    by_qr(c, "BILL:water:1001234567")  # a paper bill, not a booking
    c.fails()
    c.tap("cancel")
    c.tap("cancel_yes")
    c.window.show_home()
    board.dress()
    by_phone(c, "13800138000", "0000")
    c.at("off_time")


@journey("appointment_checkin")
def bank_down_fallback_ticket(c, board) -> None:
    c.sandbox.arm_fault("find_appointments", "503", count=3)  # the first try and 2 retries
    by_qr(c, "APPT:APT-7F3K9Q")
    c.at("ticket_offline")


# --- account opening and card issue --------------------------------------------------------


def open_up_to_the_id_card(
    c, person: str = "zhao", product: str = "standard_debit", klass: str = "II", board=None
) -> None:
    """From the home screen past the agreement and the consent, each read to its end; with
    `board`, the agreement is photographed again once read (its "I agree" enabled)."""
    c.devices.id_card_reader.insert(person)
    c.devices.camera.set_face(True)
    c.start("account_opening")
    for step, choice in (("product", product), ("account_class", klass)):
        c.at(step)
        c.tap(f"choice_{choice}")
    for step in ("agreement", "consent"):
        c.at(step)
        c.reads_to_the_end()
        if board is not None and step == "agreement":
            board.shoot("agreement_read", step="agreement")
        c.tap("choice_agree")


def phone_and_code(c, phone: str = ZHAO_PHONE) -> None:
    c.at("phone")
    c.keyed(phone)
    c.at("otp")
    c.keyed(SMS_CODE)
    c.at("review")
    c.tap("confirm")


def new_pin(c, first: str = NEW_PIN, again: str | None = None) -> None:
    c.at("set_pin")
    c.pin_pad(first)
    c.pin_pad(again or first)


def card_pin_if_asked(c, outcome: str) -> None:
    """A card for an account opened in the same visit may take the account's PIN."""
    c.wait(lambda: c.engine.view.step.id in ("set_pin", outcome), f"the card's PIN or {outcome}")
    if c.engine.view.step.id == "set_pin":
        new_pin(c, "590317")
    c.at(outcome)


def staff_sign_in(c, staff_id: str, retry: bool = False) -> None:
    """Staff authorise out of the customer's sight: staff card in the reader, PIN on the pad."""
    c.at("staff")
    if retry:
        c.tap("retry")
    c.devices.card_reader.insert_staff_card(staff_id)
    c.pin_pad(STAFF_CARD_PINS[staff_id])


@journey("account_opening")
def account_then_card(c, board) -> None:
    open_up_to_the_id_card(c, board=board)
    phone_and_code(c)
    new_pin(c)
    c.at("opened")
    # straight on: the same visit, no second ID card read, and the account's one card type
    # is taken without a screen
    c.tap("choice_card_issue")
    card_pin_if_asked(c, "issued")
    rate_and_leave(c)


@journey("account_opening", "refused")
def agreement_refused(c, board) -> None:
    c.start("account_opening")
    c.at("product")
    c.tap("choice_standard_debit")
    c.at("account_class")
    c.tap("choice_II")
    c.at("agreement")
    c.tap("choice_refuse")  # refusing needs no reading
    c.at("refused")


@journey("account_opening", "agreement")
def e_account_has_one_class(c, board) -> None:
    c.start("account_opening")
    c.at("product")
    c.tap("choice_e_account")
    c.at("agreement")  # class II, its only one, taken without a screen: the agreement says so


def takes_back_and_leaves(c, step: str = "take_back") -> None:
    """A visit that ended with something still in a reader: asked for it, the customer takes
    it, and the visit is over."""
    c.at(step)
    c.wait(lambda: not c.engine.active, "the end of the visit")


@journey("account_opening", "stopped", "take_back")
def identity_rejected(c, board) -> None:
    open_up_to_the_id_card(c, "chen")  # her ID card is reported lost
    c.at("stopped")
    c.tap("choice_done")
    takes_back_and_leaves(c)  # the ID card read before the refusal (no receipt)


@journey("account_opening", "staff", "opened")
def class_i_needs_staff(c, board) -> None:
    open_up_to_the_id_card(c, klass="I")
    phone_and_code(c)
    new_pin(c)
    staff_sign_in(c, "800103")  # a teller may not authorise it
    c.fails()
    staff_sign_in(c, "800101", retry=True)
    c.at("opened")
    rate_and_leave(c)


@journey("account_opening", "staff_password", "opened")
def class_i_by_staff_password(c, board) -> None:
    """Where the bank allows it, staff key their number and password on the screen instead of
    their staff card: a wrong password first, then the lobby manager's."""
    c.kiosk.config.supervisor.staff_authorisation = "password"
    open_up_to_the_id_card(c, klass="I")
    phone_and_code(c)
    new_pin(c)
    for staff_id, password in (("800101", "000000"), ("800101", "802468")):
        c.at("staff_password")
        c.digits(staff_id)
        c.tap("next")
        c.digits(password)
        if password == "000000":  # refused: the form is shown again with the bank's words
            c.then_fails(lambda: c.tap("confirm"))
        else:
            c.tap("confirm")
    c.at("opened")


@journey("account_opening", "staff")
def senior_offered_care_mode(c, board) -> None:
    open_up_to_the_id_card(c, "jin", product="senior_debit")
    c.wait(lambda: c.engine.view.step.id in ("care_offer", "phone"), "the care-mode offer")
    if c.engine.view.step.id == "care_offer":
        c.tap("choice_no")  # keeps the run's theme; the care run shows care mode already on
    phone_and_code(c, "13900139000")
    new_pin(c)
    c.at("staff")


@journey("account_opening", "otp", "set_pin", "face")
def mistakes_on_the_way(c, board) -> None:
    c.devices.camera.inject("timeout")  # nobody in front of the camera the first time
    open_up_to_the_id_card(c)
    c.at("face")
    c.fails()
    c.tap("retry")
    c.at("phone")
    c.keyed(ZHAO_PHONE)
    c.at("otp")
    c.then_fails(lambda: c.keyed("000000"))  # a wrong SMS code
    c.tap("key_clear")
    c.keyed(SMS_CODE)
    c.at("review")
    c.tap("confirm")
    new_pin(c, "123456")  # too simple
    c.fails()


@journey("card_issue", "not_issued")
def card_jams_in_the_dispenser(c, board) -> None:
    c.devices.card_dispenser.inject("jam")
    open_up_to_the_id_card(c)
    phone_and_code(c)
    new_pin(c)
    c.at("opened")
    c.tap("choice_card_issue")  # its one card type: no screen
    card_pin_if_asked(c, "not_issued")


@journey("card_issue", "take_back")
def nobody_waiting_for_a_card(c, board) -> None:
    c.devices.id_card_reader.insert("jin")  # a senior whose one account has its card already
    c.devices.camera.set_face(True)
    c.start("card_issue")
    c.wait(lambda: c.engine.view.step.id in ("care_offer", "no_account"), "the care offer")
    if c.engine.view.step.id == "care_offer":
        c.tap("choice_no")
    c.at("no_account")
    c.tap("choice_done")
    takes_back_and_leaves(c)
