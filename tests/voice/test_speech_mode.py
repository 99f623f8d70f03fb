"""Non-visual mode (a talking teller machine, ADA §707) on the real kiosk: the embedded sandbox
over HTTP, simulated devices, the real speech process. The customer never looks at the screen:
they press PIN-pad keys and act only on what the kiosk last said (`hears`); a card or an ID
card goes into its slot as a person would put it there."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QPushButton

from kiosk.i18n import Catalog
from voice import spoken_forms

pytestmark = pytest.mark.slow


def wake_speech_mode(k) -> None:
    k.wait_until(lambda: k.window.current_screen() == "attract", "on the attract screen")
    k.press("5")  # any key: the customer found the PIN pad
    k.wait_until(lambda: k.voice.speech_mode, "in speech mode")
    assert k.window.current_screen() == "home"


def finish_with_feedback(k) -> None:
    k.wait_for_step("rating")
    k.choose("feedback.rating.skip")
    k.wait_until(lambda: k.step() in ("offer", None), "past the rating")
    if k.step() == "offer":
        k.choose("feedback.offer.no_thanks")
    k.wait_until(lambda: k.window.current_screen() == "attract", "back at the attract screen")


def bank(k, sql: str, *args):
    with k.sandbox.database.transaction() as tx:
        return tx.one(sql, *args)


def test_a_key_on_the_attract_screen_speaks_the_home_menu_and_0_blanks_the_screen(make_kiosk):
    k = make_kiosk()
    wake_speech_mode(k)
    assert k.hears().startswith(k.catalog.text("voice.keys.home", choices="")[:4])
    assert k.catalog.text("bill_payment.title") in k.hears()
    k.press("0")
    assert k.window.voice_screen.blank.isVisible()
    assert k.hears() == k.catalog.text("voice.keys.screen_off")
    k.press("0")
    assert not k.window.voice_screen.blank.isVisible()
    k.press("clear")
    assert k.hears() == k.catalog.text("voice.keys.help")


def test_a_question_popping_up_on_a_blank_screen_stays_dark(make_kiosk):
    k = make_kiosk()
    wake_speech_mode(k)
    k.press("0")
    k.window.engine.need_more_time.emit(30)  # a quiet step asks "need more time?"
    overlay, blank = k.window.overlay, k.window.voice_screen.blank
    assert overlay.isVisible()
    centre = overlay.panel.mapTo(k.window, overlay.panel.rect().center())
    assert k.window.childAt(centre) is blank  # nothing of the question shows to onlookers


def headphones_button(k) -> QPushButton:
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the panel's old buttons
    return k.window.simulator.findChild(QPushButton, "sim_headphones")


def test_headphones_from_the_simulator_panel_switch_speech_mode_on_and_off(make_kiosk):
    k = make_kiosk()
    k.window.simulator.toggle()
    headphones_button(k).click()
    assert k.voice.speech_mode and k.voice.headphones
    assert k.catalog.text("bill_payment.title") in k.hears()  # the home menu, privately
    assert headphones_button(k).text() == k.catalog.text("voice.simulator.unplug")
    headphones_button(k).click()
    assert not k.voice.speech_mode


def test_the_guide_by_pin_pad_keys_alone(make_kiosk):
    k = make_kiosk()
    wake_speech_mode(k)
    k.choose("guide.title")
    k.wait_for_step("need")
    assert k.catalog.text("guide.need.title") in k.hears()
    k.choose("guide.need.lost_card")
    k.wait_for_step("has_id")
    k.press("cancel")  # back
    k.wait_for_step("need")
    k.choose("guide.need.cash")
    k.wait_for_step("cash_amount")
    k.choose("guide.cash_amount.small")
    k.wait_for_step("to_cash_machine")
    assert k.catalog.text("guide.to_cash_machine.title") in k.hears()
    k.press("enter")  # the one choice: done
    k.wait_until(lambda: k.window.current_screen() == "attract", "back at the attract screen")
    assert not k.voice.speech_mode  # the visit is over: the next customer starts afresh


def test_bill_payment_by_pin_pad_keys_alone_reads_the_receipt_out(make_kiosk):
    k = make_kiosk()
    wake_speech_mode(k)
    k.choose("bill_payment.title")
    k.wait_for_step("insert_card")
    k.devices.card_reader.insert("wang")
    k.key_pin("147258")
    k.wait_for_step("biller")
    k.choose("backend.biller.water")
    k.wait_for_step("bill_source")
    k.choose("bill_payment.source.keypad")
    k.wait_for_step("bill_number")
    k.key_in("1001234567")
    k.wait_for_step("review")
    # the amount, in words, in the customer's language (not in Korean)
    assert spoken_forms.amount("86.50", Catalog("ko")) not in k.hears()
    assert spoken_forms.amount("86.50", k.catalog) in k.hears()
    k.press("enter")
    assert k.hears() == k.catalog.text("voice.keys.confirm_question")
    status = "SELECT status FROM bills WHERE bill_number = ?"
    assert bank(k, status, "1001234567")["status"] != "paid"  # one key never moves money
    k.press("enter")  # the simulated reader hands the card back and it is taken at once
    k.wait_for_step("paid")
    assert bank(k, status, "1001234567")["status"] == "paid"
    heard = k.hears()
    assert k.catalog.text("voice.keys.receipt", receipt="")[:4] in heard  # read out
    assert spoken_forms.card_tail("622848*********8010", k.catalog) in heard
    assert "622848" not in heard
    k.press("enter")
    finish_with_feedback(k)


def test_appointment_checkin_by_pin_pad_keys_alone(make_kiosk):
    k = make_kiosk()
    wake_speech_mode(k)
    k.choose("appointment.title")
    k.wait_for_step("method")
    k.choose("appointment.method.phone")
    k.wait_for_step("phone")
    k.key_in("13800138000")
    k.wait_for_step("booking_code")
    k.key_in("4321")
    k.wait_for_step("ticket")
    booking = "SELECT status FROM appointments WHERE qr_token = ?"
    assert bank(k, booking, "APT-7F3K9Q")["status"] == "checked_in"
    ticket = bank(k, "SELECT ticket_number FROM tickets ORDER BY issued_at DESC LIMIT 1")
    assert ticket["ticket_number"].startswith("B")  # booked on time: priority kept
    assert k.catalog.text("voice.keys.receipt", receipt="")[:4] in k.hears()
    k.press("enter")
    finish_with_feedback(k)


def test_account_opening_then_card_issue_by_pin_pad_keys_alone(make_kiosk):
    k = make_kiosk()
    k.devices.camera.set_face(True)  # the customer faces the kiosk for the photo
    k.listens_to_the_end()
    wake_speech_mode(k)
    k.choose("account_opening.title")
    k.wait_for_step("product")
    k.choose("backend.product.standard_debit")
    k.wait_for_step("account_class")
    k.choose("account_opening.class.ii")  # class I needs staff at the kiosk
    for step in ("agreement", "consent"):
        k.wait_for_step(step)
        # read out in full, and heard to its end before "I agree" is offered
        k.wait_until(lambda: k.engine.view_read, f"the {step} heard to its end")
        k.choose("account_opening.agree")
    k.wait_for_step("insert_id")
    k.devices.id_card_reader.insert("zhao")
    k.wait_for_step("phone")
    k.key_in("13500135000")
    k.wait_for_step("otp")
    k.key_in("246810")  # the sandbox's test code
    k.wait_for_step("review")
    k.press("enter")
    assert k.hears() == k.catalog.text("voice.keys.confirm_question")
    k.press("enter")
    k.key_pin("135790", step="set_pin")  # a new PIN, keyed twice
    k.key_pin("135790", step="set_pin")
    k.wait_until(lambda: k.step() == "take_back")
    k.devices.id_card_reader.take()
    k.wait_for_step("opened")
    accounts = (
        "SELECT COUNT(*) AS n FROM accounts a JOIN customers c "
        "ON c.customer_id = a.customer_id WHERE c.name = ?"
    )
    assert bank(k, accounts, "赵丽")["n"] == 1
    k.choose("account_opening.opened.card_issue")  # straight on to a debit card
    # its one card type is taken without a question, and the PIN set at opening is the
    # card's: not asked again
    k.wait_for_step("issued")
    cards = (
        "SELECT COUNT(*) AS n FROM cards k JOIN accounts a ON a.account_number = "
        "k.account_number JOIN customers c ON c.customer_id = a.customer_id WHERE c.name = ?"
    )
    assert bank(k, cards, "赵丽")["n"] == 1
    assert k.catalog.text("voice.keys.receipt", receipt="")[:4] in k.hears()
    k.press("enter")
    finish_with_feedback(k)


def test_a_home_screen_left_alone_goes_quiet_for_the_next_customer(make_kiosk):
    k = make_kiosk()
    wake_speech_mode(k)
    k.window.show_attract()  # what the home screen's idle timer does
    assert not k.voice.speech_mode and not k.voice.navigator.enabled
    k.voice.set_headphones(True)
    k.window.show_attract()
    assert k.voice.speech_mode  # headphones still in: the customer is still there
