"""The care-mode switch on the real kiosk's screen: the care theme, speech at the care rate,
voice input where the language has a model, and one spoken line where it has none."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QPushButton

from kiosk.config import Config

pytestmark = pytest.mark.slow


def test_the_care_switch_turns_speech_on_and_says_once_when_voice_input_is_off(make_kiosk, qtbot):
    k = make_kiosk()
    screen = k.window.voice_screen
    said: list[str] = []
    k.voice.speech_out.spoke.connect(said.append)
    assert screen.device_notices == [] and not k.voice.navigator.enabled  # care mode off: silent
    k.window.show_home()
    qtbot.mouseClick(k.window.care_button, Qt.MouseButton.LeftButton)
    assert k.window.theme.name == "care"
    assert k.voice.navigator.enabled and k.voice.speech_out.rate == Config().voice.care_rate
    no_model = k.catalog.text("voice.notice.no_model")
    assert screen.device_notices == ["voice.notice.no_model"]  # for the staff screen
    bar = k.window.findChild(QFrame, "bar")
    assert no_model not in [w.text() for w in bar.findChildren(QLabel)]  # not in the top bar
    k.wait_until(lambda: any(no_model in text for text in said), "the notice said")
    k.kiosk.begin("guide")
    assert k.hears().startswith(k.catalog.text("guide.need.title"))  # speech out still works

    k.kiosk.set_language("ko")  # the one language with a model here
    k.wait_until(
        lambda: k.voice.navigator.speech_in is not None,
        "the Korean model loaded",
        timeout_ms=60_000,
    )
    assert "voice.notice.no_model" not in screen.device_notices
    assert k.voice.navigator.speech_in.listening  # the guide's first question is listened for
    qtbot.mouseClick(k.window.care_button, Qt.MouseButton.LeftButton)
    assert not k.voice.navigator.enabled and screen.device_notices == []


def test_a_senior_makes_the_voice_louder_and_slower_for_her_visit_only(make_kiosk, qtbot):
    k = make_kiosk()
    out, defaults = k.voice.speech_out, Config().voice
    k.window.show_home()
    sound = k.window.voice_screen.sound_button
    assert sound.isHidden()  # a silent kiosk has nothing to adjust
    qtbot.mouseClick(k.window.care_button, Qt.MouseButton.LeftButton)
    k.kiosk.begin("guide")
    assert sound.isVisible()
    qtbot.mouseClick(sound, Qt.MouseButton.LeftButton)
    for name in ("sound_louder", "sound_slower", "sound_slower"):
        qtbot.mouseClick(k.window.overlay.findChild(QPushButton, name), Qt.MouseButton.LeftButton)
    assert out.player.volume > defaults.volume and out.rate == defaults.care_rate - 40
    assert k.hears().startswith(k.catalog.text("guide.need.title"))  # said again, slower
    qtbot.mouseClick(
        k.window.overlay.findChild(QPushButton, "sound_done"), Qt.MouseButton.LeftButton
    )
    assert k.window.overlay.isHidden()
    k.engine.cancel()  # the visit ends: the next customer hears the kiosk's own settings
    assert out.player.volume == defaults.volume
    assert out.rate == (defaults.care_rate if k.kiosk.care_mode else defaults.rate)


def test_care_mode_reads_the_home_screen_out_and_starts_the_service_named(make_kiosk, say):
    k = make_kiosk()
    k.window.show_home()
    k.speaks_korean_in_care_mode(say)
    heard = k.hears()
    assert heard.startswith(k.catalog.text("ui.home.title"))
    for flow_id in ("account_opening", "bill_payment", "appointment_checkin", "guide"):
        assert k.catalog.text(k.engine.flows[flow_id].title) in heard
    k.says("예약", means="guide.say.appointment")  # the guide's word for it counts too
    k.wait_for_step("method")
    assert k.hears().startswith(k.catalog.text(k.engine.view.step.title))


def test_a_service_that_cannot_run_now_is_neither_read_out_nor_heard(make_kiosk, say):
    k = make_kiosk()
    k.devices.card_dispenser.set_stock(0)
    k.window.show_home()
    k.speaks_korean_in_care_mode(say)
    assert k.catalog.text(k.engine.flows["card_issue"].title) not in k.hears()
    grammar = k.voice.navigator.speech_in
    assert grammar.listening and k.step() is None
    k.kiosk.set_care_mode(False)  # back to standard: the kiosk falls silent on its home screen
    assert not k.voice.navigator.enabled and not grammar.listening
