"""The care-mode switch on the real kiosk's screen: the care theme, speech at the care rate,
voice input where the language has a model, and one line on screen where it has none."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from kiosk.config import Config

pytestmark = pytest.mark.slow


def test_the_care_switch_turns_speech_on_and_says_in_one_line_when_voice_input_is_off(
        make_kiosk, qtbot):
    k = make_kiosk()
    notice = k.window.voice_screen.notice
    assert notice.isHidden() and not k.voice.navigator.enabled  # care mode off: silent
    k.window.show_home()
    qtbot.mouseClick(k.window.care_button, Qt.MouseButton.LeftButton)
    assert k.window.theme.name == "care"
    assert k.voice.navigator.enabled and k.voice.speech_out.rate == Config().voice.care_rate
    assert notice.isVisible() and notice.text() == k.catalog.text("voice.notice.no_model")
    k.kiosk.begin("guide")
    assert k.hears().startswith(k.catalog.text("guide.need.title"))  # speech out still works

    k.kiosk.set_language("ko")  # the one language with a model here
    k.wait_until(lambda: k.voice.navigator.speech_in is not None, "the Korean model loaded",
                 timeout_ms=60_000)
    assert notice.text() != k.catalog.text("voice.notice.no_model")
    assert k.voice.navigator.speech_in.listening  # the guide's first question is listened for
    qtbot.mouseClick(k.window.care_button, Qt.MouseButton.LeftButton)
    assert not k.voice.navigator.enabled and notice.isHidden()


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
    qtbot.mouseClick(k.window.overlay.findChild(QPushButton, "sound_done"),
                     Qt.MouseButton.LeftButton)
    assert k.window.overlay.isHidden()
    k.engine.cancel()  # the visit ends: the next customer hears the kiosk's own settings
    assert out.player.volume == defaults.volume
    assert out.rate == (defaults.care_rate if k.kiosk.care_mode else defaults.rate)
