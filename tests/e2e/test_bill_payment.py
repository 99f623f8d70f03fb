"""生活缴费 on the whole kiosk: the bank card read over PC/SC from the virtual card (happy path)
or by the simulated reader, the PIN on the simulated PIN pad, the sandbox bank over HTTP, the
journal on disk. Each journey checks what the customer sees, what the bank holds and what the
journal holds."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest
import qrcode
from PySide6.QtWidgets import QFrame, QLabel

from kiosk.flows import bank_card
from kiosk.journal import reconcile
from tests.e2e.test_supervisor import hold_kiosk_number, sign_in

WANG_PAN = "6228480012345678010"
WANG_PAN_MASKED = "622848*********8010"
WANG_BALANCE = 100_000
PCSC_READER = {"driver": "pcsc", "reader": "Virtual PCD"}


# --- what a customer does --------------------------------------------------------------------


def key_pin(k, pin: str) -> None:
    k.wait_until(lambda: k.step() == "pin")
    for digit in pin:
        k.devices.pin_pad.press(digit)
    k.devices.pin_pad.press("enter")


def insert_and_key_pin(k, pin: str = "147258", card: str = "wang") -> None:
    k.start("bill_payment")
    k.wait_until(lambda: k.step() == "insert_card")
    k.devices.card_reader.insert(card)
    key_pin(k, pin)


def choose_bill(k, biller: str, number: str) -> None:
    k.tap(f"choice_{biller}")
    k.tap("choice_keypad")
    k.type_digits(number)
    k.tap("confirm")


def finish_with_rating(k, rating: str = "5") -> None:
    k.tap("choice_done")
    k.tap(f"choice_{rating}")


# --- what the bank and the journal hold ------------------------------------------------------


def bank(k, sql: str, *args):
    with k.sandbox.database.transaction() as tx:
        return tx.one(sql, *args)


def bill_status(k, biller: str, number: str) -> str:
    return bank(
        k, "SELECT status FROM bills WHERE biller_id = ? AND bill_number = ?", biller, number
    )["status"]


def balance(k, account: str = "0101200000000011") -> int:
    return bank(k, "SELECT balance_fen FROM accounts WHERE account_number = ?", account)[
        "balance_fen"
    ]


def payments(k) -> int:
    return bank(k, "SELECT COUNT(*) AS n FROM payments")["n"]


def journal_of(k, operation: str) -> list[tuple[str, str | None]]:
    """(kind, outcome) of the journal entries of one operation, in order."""
    keys = {e.idempotency_key for e in k.journal.entries() if e.operation == operation}
    return [(e.kind, e.outcome) for e in k.journal.entries() if e.idempotency_key in keys]


def no_full_card_number_anywhere(k) -> None:
    journal = json.dumps([e.data for e in k.journal.entries()], ensure_ascii=False)
    printed = "\n".join(row for p in k.devices.printer.printed for row in p.rows)
    assert WANG_PAN not in journal and WANG_PAN not in printed


# --- the happy path over PC/SC ---------------------------------------------------------------


@pytest.mark.slow
def test_water_bill_paid_with_a_chip_card_over_pcsc(make_kiosk, virtual_card):
    k = make_kiosk(card_reader=PCSC_READER)
    k.start("bill_payment")
    k.sees_message("bank_card.insert.title")
    virtual_card.insert()
    k.wait_until(lambda: k.step() == "pin", timeout_ms=20_000)
    k.sees_message("bank_card.pin.title")
    for digit in "147":
        k.devices.pin_pad.press(digit)
    # the screen counts the keys in its PIN boxes, never shows them
    k.wait_until(lambda: k.window.step_screen.body.pin.filled == 3)
    for digit in "258":
        k.devices.pin_pad.press(digit)
    k.devices.pin_pad.press("enter")

    k.tap("choice_water")
    k.tap("choice_keypad")
    k.type_digits("1001234567")
    k.tap("confirm")
    k.sees_message("bill_payment.review.title")
    k.sees("王**")  # the holder, masked
    k.sees_amount(8_650)
    k.sees(WANG_PAN_MASKED)
    k.tap("confirm")

    k.wait_until(lambda: k.step() == bank_card.TAKE_CARD)
    k.sees_message("bank_card.take.title")
    virtual_card.remove()
    k.sees_message("bill_payment.paid.title", timeout_ms=20_000)
    k.sees_message("receipt.note.printed")

    assert bill_status(k, "water", "1001234567") == "paid"
    assert balance(k) == WANG_BALANCE - 8_650 and payments(k) == 1
    assert journal_of(k, "pay_bill") == [("intent", None), ("outcome", "done")]
    receipt = k.devices.printer.printed[-1]
    text = "\n".join(receipt.rows)
    assert receipt.complete and "86.50" in text and WANG_PAN_MASKED in text
    reference = bank(k, "SELECT reference FROM payments")["reference"]
    assert receipt.receipt.qr == reference
    no_full_card_number_anywhere(k)

    finish_with_rating(k, "5")
    k.sees_message("feedback.offers.savings_plan")  # 王小明 consented to offers: one is shown
    k.tap("choice_no_thanks")
    k.wait_for_screen("attract")
    assert k.services.figures.snapshot()["rating.5"] == 1


# --- the PIN ---------------------------------------------------------------------------------


def test_a_wrong_pin_can_be_keyed_again(kiosk_app):
    k = kiosk_app
    insert_and_key_pin(k, "111111")
    k.sees_message("backend.declined.pin_wrong", tries_left=2)
    k.tap("retry")
    key_pin(k, "147258")
    k.sees_message("bill_payment.biller.title")
    assert bank(k, "SELECT pin_tries FROM cards WHERE pan = ?", WANG_PAN)["pin_tries"] == 0


def test_three_wrong_pins_lock_the_card_and_hand_it_back(kiosk_app):
    k = kiosk_app
    insert_and_key_pin(k, "111111")
    k.sees_message("backend.declined.pin_wrong", tries_left=2)
    k.tap("retry")
    key_pin(k, "222222")
    k.sees_message("backend.declined.pin_wrong", tries_left=1)
    k.tap("retry")
    key_pin(k, "333333")
    k.sees_message("bill_payment.not_done.title")
    k.sees_message("backend.declined.card_locked")
    assert bank(k, "SELECT status FROM cards WHERE pan = ?", WANG_PAN)["status"] == "locked"
    assert k.devices.card_reader.status().supplies["retained"] == 0  # the card came back
    assert journal_of(k, "pay_bill") == [] and payments(k) == 0


# --- the card --------------------------------------------------------------------------------


def test_an_unreadable_card_can_be_inserted_again(kiosk_app):
    k = kiosk_app
    k.devices.card_reader.inject("unreadable")
    k.start("bill_payment")
    k.wait_until(lambda: k.step() == "insert_card")
    k.devices.card_reader.insert("wang")
    k.sees_message("devices.error.card_unreadable")
    k.tap("retry")
    k.devices.card_reader.insert("wang")
    key_pin(k, "147258")
    k.sees_message("bill_payment.biller.title")


def test_a_card_jammed_on_its_way_in_brings_staff(kiosk_app):
    k = kiosk_app
    k.devices.card_reader.inject("jam")
    k.start("bill_payment")
    k.wait_until(lambda: k.step() == "insert_card")
    k.devices.card_reader.insert("wang")
    k.sees_message("devices.error.card_jammed")
    k.sees_message("ui.staff.called")  # the top bar too: nobody needs to press "call staff"
    k.wait_until(lambda: k.staff_calls() == ["device_fault"])


def test_a_card_jammed_on_its_way_out_brings_staff_and_the_receipt_says_so(kiosk_app):
    k = kiosk_app
    insert_and_key_pin(k)
    k.devices.card_reader.inject("jam")  # the payment goes through; the card sticks
    choose_bill(k, "water", "1001234567")
    k.tap("confirm")
    k.sees_message("bill_payment.paid.title")
    k.sees_message("bank_card.returned.jammed")
    k.wait_until(lambda: k.staff_calls() == ["device_fault"])
    notes = k.devices.printer.printed[-1].receipt.notes
    assert k.message("bank_card.returned.jammed") in notes
    events = [e for e in k.journal.entries() if e.operation == "card_not_returned"]
    assert [e.data for e in events] == [{"card": WANG_PAN_MASKED, "reason": "jammed"}]


def test_a_frozen_card_is_handed_back_with_the_reason(kiosk_app):
    k = kiosk_app
    insert_and_key_pin(k, "741852", card="chen")
    k.sees_message("backend.declined.card_frozen")
    k.tap("choice_done")
    k.wait_for_screen("attract")  # refused: no rating, no offer after it


# --- the bill --------------------------------------------------------------------------------


def test_unknown_bill_and_nothing_due_are_explained_and_can_be_corrected(kiosk_app):
    k = kiosk_app
    insert_and_key_pin(k)
    choose_bill(k, "water", "1000000000")
    k.sees_message("backend.declined.bill_not_found")
    k.tap("key_clear")
    k.type_digits("1009999999")
    k.tap("confirm")
    k.sees_message("bill_payment.error.nothing_due")
    k.tap("key_clear")
    k.type_digits("1001234567")
    k.tap("confirm")
    k.sees_amount(8_650)
    assert payments(k) == 0 and journal_of(k, "pay_bill") == []


def test_the_paper_bills_qr_code_shown_to_the_camera(kiosk_app):
    k = kiosk_app
    insert_and_key_pin(k)
    k.tap("choice_water")  # the paper bill knows better: it is an electricity bill
    k.tap("choice_scan")
    k.sees_message("bill_payment.scan.title")
    k.devices.camera.show_code("APPT:APT-7F3K9Q")  # the wrong code first
    k.sees_message("bill_payment.error.not_a_bill")
    k.tap("retry")
    k.devices.camera.show_code("BILL:electricity:2002345678")
    k.sees_amount(21_308)
    k.sees_message("backend.biller.electricity")
    k.tap("confirm")
    k.sees_message("bill_payment.paid.title")
    assert bill_status(k, "electricity", "2002345678") == "paid"


@pytest.fixture
def bill_qr_video(tmp_path):
    """A paper bill's QR code held up to a webcam: a qrcode-made code on a grey page, as a
    short MJPG video with a little shake (the camera loops a file)."""
    code = np.array(qrcode.make("BILL:water:1001234567", box_size=8).convert("RGB"))
    page = np.full((480, 640, 3), 200, np.uint8)
    h, w = code.shape[:2]
    page[(480 - h) // 2 : (480 - h) // 2 + h, (640 - w) // 2 : (640 - w) // 2 + w] = code
    path = tmp_path / "bill_qr.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (640, 480))
    for i in range(8):
        shake = np.float32([[1, 0, i % 3], [0, 1, (i * 2) % 3]])
        writer.write(cv2.warpAffine(page, shake, (640, 480), borderMode=cv2.BORDER_REPLICATE))
    writer.release()
    return path


def test_the_real_opencv_camera_reads_the_bills_qr_code(make_kiosk, bill_qr_video):
    k = make_kiosk(camera={"driver": "opencv", "source": str(bill_qr_video)})
    insert_and_key_pin(k)
    k.tap("choice_water")
    k.tap("choice_scan")
    k.sees_amount(8_650)
    k.sees("1001234567")


# --- paying ----------------------------------------------------------------------------------


def test_a_declined_payment_takes_nothing_and_says_why(kiosk_app):
    k = kiosk_app
    insert_and_key_pin(k)
    choose_bill(k, "property", "5005678901")  # 1,560.00 > 王小明's 1,000.00
    k.sees_amount(156_000)
    k.tap("confirm")
    k.sees_message("bill_payment.not_done.title")
    k.sees_message("backend.declined.insufficient_funds")
    assert bill_status(k, "property", "5005678901") == "due"
    assert balance(k) == WANG_BALANCE and payments(k) == 0
    assert journal_of(k, "pay_bill") == [("intent", None), ("outcome", "declined")]
    assert k.devices.printer.printed == []  # nothing was paid: no receipt


def test_line_dropped_after_the_bank_paid_is_reconciled_never_paid_twice(kiosk_app):
    k = kiosk_app
    k.sandbox.arm_fault("pay_bill", "drop_after_commit")
    insert_and_key_pin(k)
    choose_bill(k, "water", "1001234567")
    k.tap("confirm")
    k.sees_message("bill_payment.not_done.title")
    k.sees_message("bill_payment.unknown.reason")
    open_keys = [e.idempotency_key for e in k.journal.open_intents()]
    assert journal_of(k, "pay_bill") == [("intent", None), ("outcome", "unknown")]
    assert len(open_keys) == 1
    slip = k.devices.printer.printed[-1]
    assert slip.receipt.qr == open_keys[0]
    assert k.message("bill_payment.unknown.slip") in slip.receipt.notes
    k.tap("choice_done")
    k.wait_for_screen("attract")  # not done: no rating, no offer

    # the kiosk asks the bank what became of the key: it was paid, once
    settled = reconcile(k.journal, k.backend)
    assert [(s.outcome, s.intent.idempotency_key) for s in settled] == [("done", open_keys[0])]
    assert k.journal.open_intents() == []
    assert payments(k) == 1 and balance(k) == WANG_BALANCE - 8_650

    # the customer tries again: the bank says there is nothing left to pay
    insert_and_key_pin(k)
    choose_bill(k, "water", "1001234567")
    k.sees_message("bill_payment.error.nothing_due")
    assert payments(k) == 1 and balance(k) == WANG_BALANCE - 8_650


# --- the receipt and the card at the end -----------------------------------------------------


def test_paper_running_out_mid_receipt_leaves_the_payment_and_returns_the_card(kiosk_app):
    """Paid, but no receipt: a partial result (amber, its own icon), never the plain success;
    the reference to note instead is its largest line, and it says staff can print it."""
    k = kiosk_app
    k.devices.printer.inject("paper_out")
    insert_and_key_pin(k)
    choose_bill(k, "phone", "13800138000")
    k.tap("confirm")
    k.sees_message("bill_payment.paid_no_receipt.title")
    assert k.step() == "paid_no_receipt"
    reference = bank(k, "SELECT reference FROM payments")["reference"]
    k.sees_message("receipt.note.not_printed", reference=reference)
    banners = {f.objectName() for f in k.window.step_screen.findChildren(QFrame) if f.isVisible()}
    assert "result_partial" in banners and "result_success" not in banners
    (big,) = [w for w in k.window.step_screen.findChildren(QLabel, "takeaway") if w.isVisible()]
    assert big.text() == reference
    assert not k.devices.printer.printed[-1].complete
    assert bill_status(k, "phone", "13800138000") == "paid"
    assert journal_of(k, "pay_bill") == [("intent", None), ("outcome", "done")]
    assert k.devices.card_reader.status().supplies["retained"] == 0


def test_a_card_left_in_the_slot_is_reminded_then_retained(kiosk_app):
    k = kiosk_app
    k.devices.card_reader.inject("walk_away", times=2)  # not taken after the reminder either
    insert_and_key_pin(k)
    choose_bill(k, "water", "1001234567")
    k.tap("confirm")
    k.sees_message("bill_payment.paid.title")
    k.sees_message("bank_card.returned.retained")
    assert k.devices.card_reader.status().supplies["retained"] == 1
    notes = k.devices.printer.printed[-1].receipt.notes
    assert k.message("bank_card.returned.retained") in notes  # the receipt says where the card is
    events = [e for e in k.journal.entries() if e.operation == "card_not_returned"]
    assert [e.data for e in events] == [{"card": WANG_PAN_MASKED, "reason": "retained"}]
    assert bill_status(k, "water", "1001234567") == "paid"
    # a slip for the customer who comes back for it, found by its journal entry
    slip_title = k.message("bank_card.captured.title")
    [slip] = [p.receipt for p in k.devices.printer.printed if p.receipt.title == slip_title]
    assert slip.qr == events[0].idempotency_key and WANG_PAN_MASKED in str(slip.lines)
    k.tap("choice_done")
    k.tap("choice_skip")
    k.tap("choice_no_thanks")  # the offer
    k.wait_for_screen("attract")
    hold_kiosk_number(k)  # and staff see it on their screen
    sign_in(k, "800102", "913579")
    k.wait_until(lambda: k.window.supervisor.current_tab() == "devices")
    k.window.supervisor.show_tab("supplies")
    k.sees("1")  # the supplies tab counts the captured card
    [left] = k.services.left_behind.items()  # and the staff screen's list holds it, masked
    assert (left.item, left.state, left.detail) == ("bank_card", "captured", WANG_PAN_MASKED)


def test_take_your_card_reminder_then_taken(make_kiosk, monkeypatch):
    monkeypatch.setattr(bank_card, "REMIND_AFTER_S", 0.3)  # don't make the test wait 8 s
    k = make_kiosk(card_reader={"driver": "simulated", "auto_take": False})
    insert_and_key_pin(k)
    choose_bill(k, "water", "1001234567")
    k.tap("confirm")
    k.wait_until(lambda: k.step() == bank_card.REMIND_CARD)
    k.sees_message("bank_card.remind.title")
    k.devices.card_reader.take()
    k.sees_message("bill_payment.paid.title")
    assert not k.shows_message("bank_card.returned.retained")
    assert k.devices.card_reader.status().supplies["retained"] == 0
    assert not any(e.operation == "card_not_returned" for e in k.journal.entries())


def test_cancelling_hands_the_card_back_and_keeps_it_if_left(kiosk_app):
    k = kiosk_app
    asked: list[str] = []
    k.engine.step_entered.connect(lambda view: asked.append(view.step.id))
    insert_and_key_pin(k)
    k.tap("choice_water")
    k.devices.card_reader.inject("walk_away", times=2)  # not taken after the reminder either
    k.tap("cancel")
    k.tap("cancel_yes")  # "you will lose what you entered": yes, cancel
    k.wait_for_screen("attract")  # once the card is out of the customer's hands
    assert asked[asked.index(bank_card.TAKE_CARD) :] == [bank_card.TAKE_CARD, bank_card.REMIND_CARD]
    assert k.devices.card_reader.status().supplies["retained"] == 1
    [event] = [e for e in k.journal.entries() if e.operation == "card_not_returned"]
    assert (event.step, event.data["reason"]) == (bank_card.REMIND_CARD, "retained")


def test_billers_are_offered_most_common_first(kiosk_app):
    k = kiosk_app
    insert_and_key_pin(k)
    k.wait_for_step("biller")
    k.sees_message("backend.biller.property")
    buttons = [k.buttons(f"choice_{c.id}")[0] for c in k.engine.view.choices]
    on_screen = sorted(buttons, key=lambda b: (b.mapToGlobal(b.rect().topLeft()).y(), b.x()))
    # water, electricity, gas, phone first (the bank's order), never by their English ids
    assert [b.objectName() for b in on_screen] == [
        "choice_water",
        "choice_electricity",
        "choice_gas",
        "choice_phone",
        "choice_property",
    ]


def test_a_branch_orders_its_billers_and_the_kiosk_learns_the_rest(kiosk_app):
    k = kiosk_app
    k.services.config.bank.biller_order = ["gas"]  # a branch in a district heated by gas
    for _ in range(2):
        k.services.figures.answered("biller", "property")  # paid here twice today
    insert_and_key_pin(k)
    k.wait_for_step("biller")
    assert [c.id for c in k.engine.view.choices][:2] == ["gas", "property"]


def test_no_survey_or_offer_after_a_refused_visit(kiosk_app):
    k = kiosk_app
    asked: list[str] = []
    k.engine.step_entered.connect(lambda view: asked.append(view.step.id))
    insert_and_key_pin(k, "741852", card="chen")  # a frozen card: the bank refuses it
    k.wait_for_step("not_done")
    k.tap("choice_done")
    k.wait_for_screen("attract")
    assert "rating" not in asked and "offer" not in asked


def test_after_a_finished_visit_the_survey_has_skip_not_cancel(kiosk_app):
    k = kiosk_app
    insert_and_key_pin(k)
    choose_bill(k, "water", "1001234567")
    k.tap("confirm")
    k.wait_for_step("paid")
    k.tap("choice_done")
    k.wait_for_step("rating")
    assert k.buttons("cancel") == []  # nothing to cancel: the visit is done
    skip = k.buttons("choice_skip")[0]
    stars = k.buttons("choice_1")[0]
    assert skip.parentWidget() is not stars.parentWidget()  # beside back/cancel, never paged
    assert skip.text() == k.window.catalog.text("feedback.rating.skip")


# --- a slow bank -----------------------------------------------------------------------------

SLOW_S = 20.0  # the bank takes this long to answer a payment


def _waited(k) -> str:
    label = k.window.step_screen.waiting
    return label.text() if label.isVisible() else ""


@pytest.mark.slow
def test_during_a_slow_payment_the_wait_shows_and_staff_and_cancel_still_work(make_kiosk, config):
    config.backend.timeout_s = SLOW_S + 10  # this kiosk waits for its bank
    k = make_kiosk()
    insert_and_key_pin(k)
    choose_bill(k, "water", "1001234567")
    k.sandbox.arm_fault("pay_bill", "delay", delay_s=SLOW_S)
    k.tap("confirm")  # pay

    # the wait is shown, and its count moves on
    catalog = k.window.catalog
    k.wait_until(lambda: _waited(k) == catalog.text("ui.busy.waited", seconds=0))
    k.wait_until(lambda: _waited(k) == catalog.text("ui.busy.waited", seconds=2), timeout_ms=5_000)

    # staff can still be called, and the customer can still leave
    k.tap("call_staff")
    k.wait_until(lambda: k.staff_calls() != [])
    k.tap("cancel")
    if k.buttons("cancel_yes"):  # "leave without finishing?" when keyed data would be lost
        k.tap("cancel_yes")
    k.wait_until(lambda: k.window.current_screen() in ("attract", "home"))

    # the bank pays in the end; the journal has it, and agrees with the bank
    k.wait_until(lambda: ("pay_bill", "done") in k.journaled(), timeout_ms=int(SLOW_S * 2000))
    reconcile(k.journal, k.services.backend)
    assert payments(k) == 1 and k.journal.open_intents() == []


@pytest.mark.slow
def test_during_a_slow_pin_check_the_wait_shows_and_staff_and_cancel_still_work(make_kiosk, config):
    """The other kind of wait: a step that waited for the customer (the PIN pad) and then works
    (the bank checks the PIN) says so with its WORKING progress, counted like any other."""
    config.backend.timeout_s = SLOW_S + 10
    k = make_kiosk()
    k.sandbox.arm_fault("verify_card_pin", "delay", delay_s=SLOW_S)
    insert_and_key_pin(k)

    catalog = k.window.catalog
    k.wait_until(lambda: _waited(k) == catalog.text("ui.busy.waited", seconds=0))
    k.wait_until(lambda: _waited(k) == catalog.text("ui.busy.waited", seconds=2), timeout_ms=5_000)
    assert k.step() == "pin"

    k.tap("call_staff")
    k.wait_until(lambda: k.staff_calls() != [])
    k.tap("cancel")
    if k.buttons("cancel_yes"):
        k.tap("cancel_yes")
    k.wait_until(lambda: k.window.current_screen() in ("attract", "home"))
    k.wait_until(lambda: not k.devices.card_reader.present())  # the card is handed back


def test_one_word_for_the_bill_account_number_on_its_screen(kiosk_app):
    k = kiosk_app
    insert_and_key_pin(k)
    k.tap("choice_water")
    k.wait_for_step("bill_source")
    k.sees_message("bill_payment.source.title")
    assert "账单号" not in k.screen_text() and "户号" in k.window.catalog.text(
        "bill_payment.source.title"
    )
