"""Where voice meets the window (ui/voice_screen.py): a PIN-pad key wakes the attract screen
only while the kiosk serves, keeps a busy customer's home screen up, speech mode's privacy
blank covers the whole window whatever its size, and a voice with nothing to say hides its
sound button. The real window, voice and devices, headless."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from hardware.ports import KeyKind, KeyPress

KEY = KeyPress(KeyKind.DIGIT, "5")


def test_a_pin_pad_key_wakes_the_attract_screen_to_the_home_screen(window):
    window.show_attract()
    window.voice.key_pressed.emit(KEY)
    assert window.current_screen() == "home"


def test_out_of_service_a_key_wakes_nothing(window):
    window.kiosk.set_in_service(False)
    window.show_attract()
    window.voice.key_pressed.emit(KEY)
    assert window.current_screen() == "attract"


def test_a_key_on_the_home_screen_keeps_it_up(window):
    window.show_home()
    window.home_idle.stop()  # as if the customer had stood there a while
    window.voice.key_pressed.emit(KEY)
    assert window.home_idle.isActive() and window.current_screen() == "home"


def test_starting_a_service_stops_the_home_screens_idle_timer(window):
    window.show_home()
    assert window.home_idle.isActive()
    window.kiosk.begin("guide")
    assert not window.home_idle.isActive()


def test_the_privacy_blank_covers_the_window_and_follows_its_size(window):
    screen = window.voice_screen
    window.voice.keypad.set_screen_blank(True)
    assert screen.blank.isVisible() and screen.blank.geometry() == window.rect()
    window.resize(1280, 800)
    QApplication.processEvents()
    assert screen.blank.geometry() == window.rect()
    window.voice.keypad.set_screen_blank(False)
    assert not screen.blank.isVisible()


def test_a_silent_kiosk_shows_no_sound_button_and_no_voice_notice(window):
    window.show_home()
    assert not window.voice.navigator.enabled
    assert window.voice_screen.sound_button.isHidden()
    assert window.voice_screen.device_notices == []
