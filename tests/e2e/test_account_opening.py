"""开户 on the whole kiosk: the real window, the sandbox bank over HTTP, simulated devices.

赵丽 (zhao) is in the ID registry but not a customer yet; 王小明 (wang) already holds a class I
account; 金顺姬 (jin, 75) is a senior; 陈静 (chen)'s ID card is reported lost.
"""

from __future__ import annotations

import logging
from datetime import date

import pytest
from PySide6.QtWidgets import QLineEdit

from hardware.demo_people import PEOPLE, DemoPerson
from hardware.pcsc.virtual_card import VirtualCard
from kiosk.flows import account_opening
from kiosk.flows.account_opening import AccountOpeningState
from kiosk.flows.feedback import FeedbackState
from kiosk.sandbox.seed import STAFF_CARD_PINS

ZHAO_ID = "320102199403250527"
ZHAO_PHONE = "13500135000"
GOOD_PIN = "802413"
TEST_CODE = "246810"  # the sandbox's SMS gateway always accepts it


def key_pin(k, pin: str) -> None:
    for key in (*pin, "enter"):
        k.devices.pin_pad.press(key)


def begin(k, person: str = "zhao", product: str = "standard_debit", klass: str = "II") -> None:
    """From the home screen to the ID card: product, class, agreement and consent."""
    k.devices.id_card_reader.insert(person)
    k.devices.camera.set_face(True)
    k.start("account_opening")
    k.tap(f"choice_{product}")
    k.tap(f"choice_{klass}")
    k.sees_message("account_opening.agreement.title")
    k.reads_to_the_end()
    k.tap("choice_agree")
    k.sees_message("account_opening.consent.title")
    k.sees_message("account_opening.consent.body")  # with how long the data is kept
    k.reads_to_the_end()
    k.tap("choice_agree")


def phone_and_code(k, phone: str = ZHAO_PHONE) -> None:
    k.wait_for_step("phone")
    k.type_digits(phone)
    k.tap("confirm")
    k.wait_for_step("otp")
    k.sees(f"{phone[:3]}****{phone[-4:]}")  # where the code went, masked
    k.type_digits(TEST_CODE)
    k.tap("confirm")
    k.wait_for_step("review")


def set_pin(k, first: str = GOOD_PIN, again: str | None = None) -> None:
    """Keys both entries on the PIN pad (it queues keys pressed before it asks)."""
    k.wait_until(lambda: k.step() == "set_pin")
    key_pin(k, first)
    key_pin(k, again or first)


def accounts_of(k, id_number: str) -> list[dict]:
    with k.sandbox.database.transaction() as tx:
        return tx.all(
            "SELECT a.*, p.pin_hash FROM accounts a JOIN customers c ON"
            " c.customer_id = a.customer_id LEFT JOIN account_pins p ON"
            " p.account_number = a.account_number WHERE c.id_number = ?",
            id_number,
        )


def journal_text(k) -> str:
    return "\n".join(f"{e.operation} {e.outcome} {e.data}" for e in k.journal.entries())


def test_a_new_customer_opens_an_account_and_takes_the_receipt(kiosk_app, caplog):
    caplog.set_level(logging.INFO)
    k = kiosk_app
    begin(k)
    phone_and_code(k)
    k.sees("320102********0527")  # the review masks the ID number
    assert ZHAO_ID not in k.screen_text()
    k.tap("confirm")
    k.sees_message("identity.pin.first")
    set_pin(k)
    k.takes_id_card_back()
    k.wait_for_step("opened")
    k.sees_message("account_opening.opened.title")
    k.sees_message("account_opening.opened.card_issue")

    [account] = accounts_of(k, ZHAO_ID)
    assert account["account_class"] == "II" and account["product"] == "standard_debit"
    assert account["pin_hash"]  # the password set on the PIN pad is the account's
    assert k.engine.session.state(FeedbackState).customer_id == account["customer_id"]
    assert k.journaled() == [
        ("verify_identity", "done"),
        ("check_new_pin", "done"),
        ("open_account", "done"),
    ]
    receipt = k.devices.printer.printed[-1]
    printed = "\n".join(receipt.rows)
    assert k.message("account_opening.receipt.title") in printed
    assert account["account_number"][-4:] in printed
    assert account["account_number"] not in printed and ZHAO_ID not in printed
    assert "320102********0527" in printed

    everything = journal_text(k) + caplog.text
    assert ZHAO_ID not in everything and account["account_number"] not in everything
    assert GOOD_PIN not in everything

    k.tap("choice_done")
    k.tap("choice_skip")
    k.wait_for_screen("attract")


def test_refusing_the_consent_ends_politely_and_keeps_nothing(kiosk_app):
    k = kiosk_app
    k.start("account_opening")
    k.tap("choice_standard_debit")
    k.tap("choice_II")
    k.reads_to_the_end()
    k.tap("choice_agree")
    k.tap("choice_refuse")
    k.sees_message("account_opening.refused.prompt")
    assert k.journal.entries() == []
    k.tap("choice_done")
    k.wait_for_screen("attract")


def test_an_e_account_is_class_ii_only_and_offers_no_card(kiosk_app):
    k = kiosk_app
    k.start("account_opening")
    k.tap("choice_e_account")
    # class II is its only class: no screen to choose it, the agreement says it was taken
    k.wait_for_step("agreement")
    text = k.kiosk.catalog.text
    k.sees_message(
        "flow.only_one",
        step=text("account_opening.class.title"),
        choice=text("account_opening.class.ii"),
    )
    assert k.engine.session.state(AccountOpeningState).account_class == "II"
    k.tap("back")  # back is the product, not a choice of one
    k.wait_for_step("product")


def _with_card(monkeypatch, handle: str, id_number: str, born: date, valid_to: date) -> None:
    zhao = PEOPLE["zhao"]
    monkeypatch.setitem(
        PEOPLE,
        handle,
        DemoPerson(
            handle,
            "测试",
            "female",
            "汉",
            born,
            zhao.address,
            id_number,
            zhao.issuing_authority,
            date(2000, 1, 1),
            valid_to,
            None,
        ),
    )


def test_an_expired_id_card_is_refused(kiosk_app, monkeypatch):
    _with_card(monkeypatch, "expired", ZHAO_ID, date(1994, 3, 25), date(2020, 4, 1))
    k = kiosk_app
    begin(k, "expired")
    k.wait_for_step("stopped")
    k.sees_message("identity.error.id_expired")
    assert k.journal.entries() == [] and accounts_of(k, ZHAO_ID) == []


def test_an_under_age_customer_is_sent_to_the_counter(kiosk_app, monkeypatch):
    # born 2015-01-01, check digit computed for 11010520150101002
    _with_card(monkeypatch, "child", "110105201501010025", date(2015, 1, 1), date(2030, 1, 1))
    k = kiosk_app
    begin(k, "child")
    k.wait_for_step("stopped")
    k.sees_message("identity.error.under_age")


def test_a_malformed_id_number_can_be_read_again(kiosk_app, monkeypatch):
    _with_card(monkeypatch, "garbled", "320102199403250528", date(1994, 3, 25), date(2040, 4, 1))
    k = kiosk_app
    begin(k, "garbled")
    k.sees_message("identity.error.id_unreadable")
    assert k.step() == "insert_id" and k.buttons("retry")
    k.devices.id_card_reader.insert("zhao")
    k.tap("retry")
    k.wait_for_step("phone")


def test_identity_rejected_by_the_registry(kiosk_app):
    k = kiosk_app
    begin(k, "chen")
    k.wait_for_step("stopped")
    k.sees_message("backend.declined.id_reported_lost")
    assert k.journaled() == [("verify_identity", "declined")]


def test_no_face_then_a_retake_needs_staff(kiosk_app):
    k = kiosk_app
    k.devices.camera.inject("timeout")  # nobody in front of the camera this time
    begin(k)
    k.sees_message("devices.error.face_not_found")  # face the camera
    assert k.step() == "face"
    k.tap("retry")
    phone_and_code(k)
    k.tap("confirm")
    set_pin(k)
    k.wait_until(lambda: k.step() == "staff")  # busy: waiting for a staff card
    k.sees_message("identity.staff.reason_face")


def test_sms_code_wrong_resend_cool_down_and_tries_used_up(kiosk_app):
    k = kiosk_app
    begin(k)
    k.wait_for_step("phone")
    k.type_digits(ZHAO_PHONE)
    k.tap("confirm")
    k.wait_for_step("otp")
    k.type_digits("000000")
    k.tap("confirm")
    k.sees_message("backend.declined.otp_wrong", tries_left=2)
    k.tap("back")  # "no code? tap back to get a new one"
    k.wait_for_step("phone")
    k.type_digits(ZHAO_PHONE)
    k.tap("confirm")
    k.sees_message("account_opening.otp.wait")
    assert k.step() == "phone" and _codes_sent(k) == 1  # no second SMS within the cool-down
    # a minute later, on the flow's own clock, a new code may be sent
    state = k.engine.session.state(AccountOpeningState)
    state.otp_sent_at -= account_opening.RESEND_COOLDOWN_S
    with k.sandbox.database.transaction() as tx:  # and at the bank
        tx.run("UPDATE otps SET expires_at = expires_at - 60")
    k.tap("confirm")
    k.wait_for_step("otp")
    assert _codes_sent(k) == 2
    for key, params in (
        ("backend.declined.otp_wrong", {"tries_left": 2}),
        ("backend.declined.otp_wrong", {"tries_left": 1}),
        ("backend.declined.otp_tries_exceeded", {}),
    ):
        k.tap("key_clear")
        k.type_digits("111111")
        k.tap("confirm")
        k.sees_message(key, **params)
    k.tap("key_clear")
    k.type_digits(TEST_CODE)  # even the right code no longer opens a code used up
    k.tap("confirm")
    k.sees_message("backend.declined.otp_tries_exceeded")
    assert k.step() == "otp" and accounts_of(k, ZHAO_ID) == []


def _codes_sent(k) -> int:
    with k.sandbox.database.transaction() as tx:
        return tx.one("SELECT COUNT(*) AS n FROM otps WHERE phone = ?", ZHAO_PHONE)["n"]


@pytest.mark.parametrize(
    ("first", "again", "message"),
    [
        ("123456", None, "backend.declined.pin_weak"),
        ("940325", None, "backend.declined.pin_weak"),  # 赵丽's birth date
        (GOOD_PIN, "802414", "backend.declined.pins_differ"),
    ],
)
def test_a_weak_or_mistyped_pin_is_refused_and_set_again(kiosk_app, first, again, message):
    k = kiosk_app
    begin(k)
    phone_and_code(k)
    k.tap("confirm")
    set_pin(k, first, again)
    k.sees_message(message)
    assert k.step() == "set_pin" and accounts_of(k, ZHAO_ID) == []
    k.tap("retry")
    set_pin(k)
    k.takes_id_card_back()
    k.wait_for_step("opened")
    assert [op for op in k.journaled() if op[0] == "check_new_pin"] == [
        ("check_new_pin", "declined"),
        ("check_new_pin", "done"),
    ]
    assert first not in journal_text(k)


def staff_sign_in(k, staff_id: str, retry: bool = False) -> None:
    """A member of staff authorises: staff card in the reader, its PIN on the PIN pad."""
    if retry:
        k.tap("retry")
    k.devices.card_reader.insert_staff_card(staff_id)
    key_pin(k, STAFF_CARD_PINS[staff_id])


def test_a_class_i_account_needs_staff(kiosk_app):
    k = kiosk_app
    begin(k, klass="I")
    phone_and_code(k)
    k.tap("confirm")
    set_pin(k)
    k.wait_until(lambda: k.step() == "staff")  # busy: waiting for a staff card
    k.sees_message("identity.staff.reason_class_i")
    staff_sign_in(k, "800103")  # a teller may not authorise this
    k.sees_message("backend.declined.staff_not_permitted")
    staff_sign_in(k, "800101", retry=True)
    k.takes_id_card_back()
    k.wait_for_step("opened")
    [account] = accounts_of(k, ZHAO_ID)
    assert account["account_class"] == "I"
    staff = [e for e in k.journal.entries() if e.operation == "authorise_by_staff"]
    assert [e.data["staff_id"] for e in staff] == ["800103", "800101"]
    assert STAFF_CARD_PINS["800101"] not in journal_text(k)
    assert "800101" in "\n".join(k.devices.printer.printed[-1].rows)


def test_a_senior_is_offered_care_mode_and_needs_staff(kiosk_app):
    k = kiosk_app
    begin(k, "jin", product="senior_debit")
    k.wait_for_step("care_offer")
    k.sees_message("identity.care_offer.title")
    k.tap("choice_yes")
    k.wait_for_step("phone")
    assert k.kiosk.care_mode and k.engine.session.care_mode
    phone_and_code(k, "13900139000")
    k.tap("confirm")
    set_pin(k)
    k.wait_until(lambda: k.step() == "staff")  # busy: waiting for a staff card
    k.sees_message("identity.staff.reason_age")
    staff_sign_in(k, "800102")
    k.takes_id_card_back()
    k.wait_for_step("opened")
    assert len(accounts_of(k, "222401195003080469")) == 2  # her old one and the new one


def test_wang_may_not_open_a_second_class_i_account(kiosk_app):
    k = kiosk_app
    begin(k, "wang", klass="I")
    phone_and_code(k, "13800138000")
    k.tap("confirm")
    set_pin(k)
    k.wait_until(lambda: k.step() == "staff")  # busy: waiting for a staff card
    staff_sign_in(k, "800101")
    k.wait_for_step("stopped")
    k.sees_message("backend.declined.class_i_account_exists")
    assert k.journaled()[-1] == ("open_account", "declined")


def test_staff_authorise_with_their_card_and_pin_out_of_the_customers_sight(
    make_kiosk, virtual_card
):
    """The real PC/SC reader (pcscd, a vpcd virtual card): the customer's screen says staff
    are reviewing and shows the application masked, never a staff form; a bank card and a
    wrong PIN are refused, the staff card with its PIN is accepted, all journaled."""
    k = make_kiosk(card_reader={"driver": "pcsc", "reader": "Virtual PCD"})
    begin(k, klass="I")
    phone_and_code(k)
    k.tap("confirm")
    set_pin(k)
    k.wait_until(lambda: k.step() == "staff")
    k.sees_message("staff_card.title")
    k.sees("320102********0527")  # what the customer sees of the application, masked
    k.sees("135****5000")
    assert ZHAO_ID not in k.screen_text() and ZHAO_PHONE not in k.screen_text()
    assert not [w for w in k.window.findChildren(QLineEdit) if w.isVisible()]  # no staff form

    virtual_card.insert()  # a customer's bank card is no staff card
    k.sees_message("devices.error.not_staff_card")
    virtual_card.remove()
    staff_card = VirtualCard.staff("800101")
    staff_card.insert()
    try:
        k.tap("retry")
        key_pin(k, "111111")  # not the staff card's PIN
        k.sees_message("backend.declined.staff_refused")
        k.tap("retry")
        key_pin(k, STAFF_CARD_PINS["800101"])
        k.takes_id_card_back()
        k.wait_for_step("opened")
    finally:
        staff_card.remove()
    [account] = accounts_of(k, ZHAO_ID)
    assert account["account_class"] == "I"
    asked = [e for e in k.journal.entries() if e.operation == "authorise_by_staff"]
    assert [(e.data["staff_id"], e.data["by"]) for e in asked] == [("800101", "staff_card")] * 2
    assert [op for op in k.journaled() if op[0] == "authorise_by_staff"] == [
        ("authorise_by_staff", "declined"),
        ("authorise_by_staff", "done"),
    ]
    assert STAFF_CARD_PINS["800101"] not in journal_text(k)
