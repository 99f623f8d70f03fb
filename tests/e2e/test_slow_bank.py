"""A slow bank (20 s to answer a payment): the customer sees the wait counted on screen, and
can still call staff and cancel while it lasts; the payment the bank finally makes is
journaled, so the journal and the bank agree."""

from __future__ import annotations

import pytest

from kiosk.journal import reconcile

SLOW_S = 20.0


def _waited(k) -> str:
    label = k.window.step_screen.waiting
    return label.text() if label.isVisible() else ""


@pytest.mark.slow
def test_during_a_slow_payment_the_wait_shows_and_staff_and_cancel_still_work(make_kiosk, config):
    config.backend.timeout_s = SLOW_S + 10  # this kiosk waits for its bank
    k = make_kiosk()
    k.start("bill_payment")
    k.wait_until(lambda: k.step() == "insert_card")
    k.devices.card_reader.insert("wang")
    k.wait_until(lambda: k.step() == "pin")
    for digit in "147258":
        k.devices.pin_pad.press(digit)
    k.devices.pin_pad.press("enter")
    k.tap("choice_water")
    k.tap("choice_keypad")
    k.type_digits("1001234567")
    k.tap("confirm")
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
    with k.sandbox.database.transaction() as tx:
        paid = tx.all("SELECT reference FROM payments WHERE bill_number = '1001234567'")
    assert len(paid) == 1 and k.journal.open_intents() == []
