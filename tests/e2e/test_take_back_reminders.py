"""The take-back step as a customer meets it: its picture shows what is to be taken (the ID card
and the queue ticket, the ID card and the receipt), and its reminders are heard, a reminder
sound then the words, even with speech off (the standard mode)."""

from __future__ import annotations

from kiosk.flows.take_back import PICTURES, REMINDERS, TAKE_BACK
from tests.e2e.test_account_opening import begin, phone_and_code, set_pin
from voice.sounds import REMINDER

TAKE_BACK_STEPS = (TAKE_BACK, *REMINDERS)


def _listen(k) -> tuple[list[str], list[str], list[tuple[str, str | None]]]:
    sounded: list[str] = []
    spoke: list[str] = []
    pictures: list[tuple[str, str | None]] = []
    out = k.window.voice.speech_out
    out.sounded.connect(sounded.append)
    out.spoke.connect(spoke.append)
    k.engine.step_entered.connect(lambda view: pictures.append((view.step.id, view.illustration)))
    return sounded, spoke, pictures


def test_a_reminder_sounds_and_speaks_and_the_picture_is_the_id_card_and_the_ticket(kiosk_app):
    k = kiosk_app
    assert not k.kiosk.care_mode  # speech is off
    sounded, spoke, pictures = _listen(k)
    reader = k.devices.id_card_reader
    reader.inject("timeout", times=1, after=1)  # the first wait ends with the card still there
    k.start("appointment_checkin")
    k.tap("choice_id_card")
    k.wait_until(lambda: k.step() == "read_id")
    reader.insert("li")
    k.wait_until(lambda: k.step() == REMINDERS[0])
    assert sounded == []  # the take-back step itself: shown, no alarm
    k.wait_until(lambda: sounded == [REMINDER])  # its reminder: the sound, then the words
    catalog = k.kiosk.catalog
    items = catalog.text("take_back.and").join(
        catalog.text(f"take_back.item.{item}") for item in ("id_card", "ticket")
    )
    assert catalog.text("take_back.remind.title", items=items) in spoke[-1]
    reader.take()  # the customer heard it and takes the card
    k.wait_for_step("ticket")
    shown = [(step, picture) for step, picture in pictures if step in TAKE_BACK_STEPS]
    assert shown == [(step, PICTURES["ticket"]) for step in TAKE_BACK_STEPS[:2]]
    assert sounded == [REMINDER]


def test_after_opening_an_account_the_picture_is_the_id_card_and_the_receipt(kiosk_app):
    k = kiosk_app
    sounded, _spoke, pictures = _listen(k)
    begin(k)
    phone_and_code(k)
    k.tap("confirm")
    set_pin(k)
    k.takes_id_card_back()
    k.wait_for_step("opened")
    assert [p for step, p in pictures if step in TAKE_BACK_STEPS] == [PICTURES["receipt"]]
    assert sounded == []  # taken at once: no reminder
