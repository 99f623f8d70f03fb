"""The screen side of care mode and speech mode: the privacy blank of speech mode, the
microphone, "please wait" said when the kiosk works a while, and the attract screen waking
on a PIN-pad key. That voice input is off is said once, not written in the top bar (nothing
technical there); the staff screen lists it (`device_notices`).

The voice itself (voice.service.KioskVoice) has no Qt widgets; this is where it meets them.
"""

from __future__ import annotations

import logging
from functools import partial

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

from hardware.ports import KeyPress
from ui.main_window import KioskWindow
from ui.widgets import button
from voice.microphone import NO_MICROPHONE_NOTICE, Microphone, open_microphone
from voice.service import KioskVoice
from voice.speech_in import SpeechIn

log = logging.getLogger(__name__)

HOME_SCREENS = ("attract", "home")


class VoiceScreen(QObject):
    def __init__(self, window: KioskWindow, voice: KioskVoice, *, microphone: bool = True):
        super().__init__(window)
        self.window, self.voice = window, voice
        self.use_microphone = microphone  # False when a WAV file is the microphone (demos)
        self.microphone: Microphone | None = None
        self._heard_by: SpeechIn | None = None  # the recognizer the microphone last opened for
        self.notice: str | None = None  # message key: voice input is off, and why
        self._said: str | None = None  # the notice last said, so it is said once
        bar = window.bar_row
        # louder/quieter, faster/slower: shown while the kiosk speaks
        self.sound_button = button("", self._sound_panel, name="sound")
        bar.insertWidget(bar.indexOf(window.language_button), self.sound_button)
        self.blank = QWidget(window)  # speech mode's privacy: nothing on screen to read
        self.blank.setObjectName("privacy_blank")
        self.blank.setStyleSheet("background: black;")
        self.blank.hide()
        window.installEventFilter(self)
        window.overlay.installEventFilter(self)  # a question popping up later stays dark too
        window.simulator.extra_sections.append(self._headphones_section)
        window.supervisor.notices.append(lambda: self.device_notices)  # the staff's list

        voice.changed.connect(self._refresh)
        voice.keypad.blank_changed.connect(self._set_blank)
        voice.key_pressed.connect(self._key_pressed)
        voice.navigator.digits_changed.connect(window.step_screen.show_field_value)
        window.step_screen.still_working.connect(
            lambda: voice.navigator.say(window.catalog.text("voice.say.busy"))
        )
        window.stack.currentChanged.connect(lambda _index: self._screen_changed())
        window.engine.flow_started.connect(lambda _flow, _session: window.home_idle.stop())
        self._screen_changed()
        self._refresh()

    def _refresh(self) -> None:
        """Opens the microphone when voice input is on, and says in one line when it is off."""
        speech_in = self.voice.navigator.speech_in
        if (
            self.use_microphone
            and self.voice.care_mode
            and speech_in is not None
            and speech_in is not self._heard_by
        ):
            self._heard_by = speech_in  # tried once per recognizer: no device is logged once
            if self.microphone is not None:
                self.microphone.stop()
            self.microphone = open_microphone(speech_in, parent=self)
            if self.microphone is not None:
                self.microphone.start()
        missing = self.use_microphone and self._heard_by is not None and self.microphone is None
        key = self.voice.notice or (
            NO_MICROPHONE_NOTICE if self.voice.care_mode and missing else None
        )
        self.notice = key
        if key is not None and key != self._said:
            # after what the screen just said, not in its place (speaking cuts speech off)
            screen = self.voice.speech_out.last_text
            self.voice.navigator.say(f"{screen} {self.window.catalog.text(key)}".strip())
        self._said = key
        self.sound_button.setText(self.window.catalog.text("voice.sound.button"))
        self.sound_button.setVisible(self.voice.navigator.enabled)

    @property
    def device_notices(self) -> list[str]:
        """Message keys of what does not work in voice (no model for this language, no
        microphone), for the staff screen's device list."""
        return [self.notice] if self.notice else []

    def _sound_panel(self) -> None:
        t = self.window.catalog.text

        def then(**change: int):
            def adjust() -> None:
                self.voice.adjust(**change)
                self._sound_panel()  # stays open until "done"

            return adjust

        self.window.overlay.ask(
            t("voice.sound.title"),
            t("voice.sound.prompt"),
            [
                ("sound_quieter", t("voice.sound.quieter"), then(louder=-1), False),
                ("sound_louder", t("voice.sound.louder"), then(louder=1), False),
                ("sound_slower", t("voice.sound.slower"), then(faster=-1), False),
                ("sound_faster", t("voice.sound.faster"), then(faster=1), False),
                ("sound_done", t("voice.sound.done"), lambda: None, True),
            ],
        )

    def _screen_changed(self) -> None:
        screen = self.window.current_screen()
        if screen == "attract" and not self.voice.headphones:
            self.voice.set_speech_mode(False)  # the next customer finds a quiet kiosk
        self.voice.set_on_home(screen in HOME_SCREENS and self.window.kiosk.in_service)
        self.voice.show_home(screen == "home")

    def _key_pressed(self, _key: KeyPress) -> None:
        screen = self.window.current_screen()
        if screen == "attract" and self.window.kiosk.in_service:
            self.window.show_home()
        elif screen == "home":
            self.window.home_idle.start()  # the customer is busy at the keys: stay

    def _headphones_section(self) -> tuple[str, list]:
        """The simulator's headphone jack (a demo has no jack to plug into)."""
        text = self.window.catalog.text
        plugged = self.voice.headphones
        return text("voice.simulator.title"), [
            (
                "sim_headphones",
                text("voice.simulator.unplug" if plugged else "voice.simulator.plug"),
                partial(self._plug_headphones, not plugged),
            )
        ]

    def _plug_headphones(self, plugged: bool) -> None:
        self.voice.set_headphones(plugged)
        self.window.simulator.rebuild()

    def _set_blank(self, blank: bool) -> None:
        self.blank.setGeometry(self.window.rect())
        self.blank.setVisible(blank)
        if blank:
            self.blank.raise_()
        log.info("screen %s for privacy", "blanked" if blank else "shown again")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Resize:
            self.blank.setGeometry(self.window.rect())
        elif (
            watched is self.window.overlay
            and event.type() == QEvent.Type.ZOrderChange
            and self.blank.isVisible()
        ):
            self.blank.raise_()
        return False
