"""开户 as issue 11 promises it, met as a customer meets it on the real window with the sandbox
bank and simulated devices: a "new code" button that counts its minute down (on a ManualClock,
so no test waits for it) with the codes left, the agreement in full that is agreed to only once
read to its end, the ID card's photo on the review, and a choice of one that is no screen."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea

from hardware.id_card_reader.simulated import placeholder_photo
from kiosk.flows import account_opening
from kiosk.flows.account_opening import AccountOpeningState
from kiosk.runtime import ManualClock
from tests.e2e.test_account_opening import TEST_CODE, ZHAO_PHONE, accounts_of, begin


def _to_the_code(k) -> None:
    begin(k)
    k.wait_for_step("phone")
    k.type_digits(ZHAO_PHONE)
    k.tap("confirm")
    k.wait_for_step("otp")


def _new_code_button(k):
    QApplication.processEvents()
    return k.buttons(f"choice_{account_opening.RESEND}")


def _codes_sent(k) -> int:
    with k.sandbox.database.transaction() as tx:
        return tx.one("SELECT COUNT(*) AS n FROM otps WHERE phone = ?", ZHAO_PHONE)["n"]


def test_a_new_sms_code_counts_its_minute_down_and_says_how_many_are_left(make_kiosk):
    clock = ManualClock()
    k = make_kiosk(scheduler=clock)
    text = k.kiosk.catalog.text
    _to_the_code(k)

    def label(left: int, seconds: int | None = None) -> str:
        resend = text("account_opening.otp.resend", codes_left=left)
        if seconds is None:
            return resend
        return text("flow.choice.waiting", choice=resend, seconds=seconds)

    [button] = _new_code_button(k)
    assert not button.isEnabled() and button.text() == label(2, 60)
    clock.advance(59)
    assert not button.isEnabled() and button.text() == label(2, 1)
    clock.advance(1)
    assert button.isEnabled() and button.text() == label(2)
    with k.sandbox.database.transaction() as tx:  # the minute has passed at the bank too
        tx.run("UPDATE otps SET expires_at = expires_at - 60")
    k.tap(f"choice_{account_opening.RESEND}")
    k.wait_until(lambda: _codes_sent(k) == 2)
    k.wait_for_step("otp")
    [button] = _new_code_button(k)  # counting again, one code fewer
    assert not button.isEnabled() and button.text() == label(1, 60)

    clock.advance(60)
    with k.sandbox.database.transaction() as tx:
        tx.run("UPDATE otps SET expires_at = expires_at - 60")
    k.tap(f"choice_{account_opening.RESEND}")
    k.wait_until(lambda: _codes_sent(k) == 3)
    k.wait_for_step("otp")
    assert _new_code_button(k) == []  # the visit's three codes are sent: no button
    assert k.engine.session.state(AccountOpeningState).otp_codes == account_opening.MAX_CODES
    k.type_digits(TEST_CODE)
    k.tap("confirm")
    k.wait_for_step("review")


def test_the_bank_may_leave_fewer_codes_than_the_visit_allows(make_kiosk):
    clock = ManualClock()
    k = make_kiosk(scheduler=clock)
    with k.sandbox.database.transaction() as tx:  # four codes to this phone earlier today
        for n in range(4):
            tx.run(
                "INSERT INTO otps VALUES (?, ?, '000000', strftime('%s','now') - 3600, 1, 0)",
                f"O-earlier-{n}",
                ZHAO_PHONE,
            )
    _to_the_code(k)  # the day's fifth and last code
    assert _new_code_button(k) == []
    assert k.engine.view.params["codes_left"] == 0


@pytest.mark.parametrize("care", [False, True])
def test_the_agreement_is_shown_in_full_and_agreed_to_only_once_read_to_its_end(make_kiosk, care):
    k = make_kiosk()
    k.start("account_opening")
    k.tap("choice_standard_debit")
    k.tap("choice_II")
    k.wait_for_step("agreement")
    if care:  # the customer turns care mode on here: larger text, the same rule
        k.tap("care_mode")
        k.wait_until(lambda: k.kiosk.care_mode)
    [area] = [a for a in k.window.step_screen.findChildren(QScrollArea) if a.isVisible()]
    shown = area.widget().findChild(QLabel) or area.widget()
    assert shown.text() == k.kiosk.catalog.text("account_opening.agreement.full")  # all of it
    [agree] = k.buttons("choice_agree")
    bar = area.verticalScrollBar()
    assert bar.maximum() > 0, "the agreement fits: nothing to scroll"
    assert not agree.isEnabled() and k.buttons("choice_refuse")[0].isEnabled()
    bar.setValue(bar.maximum() // 2)  # half way is not read
    QApplication.processEvents()
    assert not agree.isEnabled() and not k.engine.view.read
    k.reads_to_the_end()
    k.wait_until(agree.isEnabled)
    k.tap("choice_agree")
    k.wait_for_step("consent")


def test_the_review_shows_the_id_cards_photo_beside_the_masked_details(kiosk_app):
    from tests.e2e.test_account_opening import phone_and_code

    k = kiosk_app
    begin(k)
    phone_and_code(k)
    [photo] = [p for p in k.window.findChildren(QLabel, "id_photo") if p.isVisible()]
    chip = QImage.fromData(placeholder_photo())  # what the reader returned from the chip
    shown = photo.pixmap().toImage()
    assert not shown.isNull() and shown.height() > chip.height()  # drawn larger than on the card
    # the same picture: same proportions, and the same colours in the same places
    assert abs(shown.width() / shown.height() - chip.width() / chip.height()) < 0.02
    scaled = chip.scaled(shown.size()).convertToFormat(shown.format())
    centre = (shown.width() // 2, shown.height() // 2)
    assert abs(scaled.pixelColor(*centre).lightness() - shown.pixelColor(*centre).lightness()) < 8
    k.sees("320102********0527")  # beside the masked details
    assert accounts_of(k, "320102199403250527") == []
