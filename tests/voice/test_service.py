"""The voice layer as the kiosk builds it (real engine, InlineRunner, the real Korean model):
care mode, speech mode and the `--voice-input FILE` microphone."""

import pytest

from hardware.pinpad.simulated import SimulatedPinPad
from kiosk.config import Config
from kiosk.flows import flow_registry
from kiosk.flows.engine import FlowEngine
from kiosk.i18n import Catalog
from kiosk.kiosk import Kiosk
from kiosk.runtime import InlineRunner, ManualClock
from voice.models import NO_MODEL_NOTICE
from voice.service import KioskVoice


@pytest.fixture
def kiosk(tmp_path):
    config = Config()
    config.kiosk.data_dir = str(tmp_path)
    engine = FlowEngine(flow_registry(), None, InlineRunner(), ManualClock())
    return Kiosk(config, Catalog("zh_CN"), engine)  # no model: nothing to load until Korean


@pytest.fixture
def voice(kiosk):
    kiosk_voice = KioskVoice(kiosk, InlineRunner())
    yield kiosk_voice
    kiosk_voice.close()


@pytest.mark.slow
def test_care_mode_hears_a_voice_file_and_a_language_without_a_model_says_so(kiosk, voice, say):
    kiosk.set_language("ko")
    kiosk.set_care_mode(True)
    assert voice.notice is None  # the Korean model loaded
    assert voice.speech_out.rate == Config().voice.care_rate
    voice.use_voice_file(say("기타", rate=175))  # --voice-input FILE: heard at the first step
    kiosk.begin("guide")
    question = voice.navigator.question
    assert kiosk.engine.view.step.id == "to_lobby_manager" or (question and "기타" in question)
    kiosk.set_language("zh_CN")
    assert voice.notice == NO_MODEL_NOTICE
    assert voice.speech_out.last_text.startswith(
        Catalog("zh_CN").text(kiosk.engine.view.step.title)
    )  # speech out still works
    assert voice.models.unknown_words["ko"]  # reported for the supervisor screen


def test_care_mode_off_is_silent_and_shows_no_notice(kiosk, voice):
    kiosk.set_language("en")
    kiosk.begin("guide")
    assert voice.speech_out.last_text == "" and voice.notice is None
    kiosk.set_care_mode(True)
    assert voice.notice == NO_MODEL_NOTICE  # no English model on this kiosk: one line says so
    assert voice.speech_out.last_text.startswith(Catalog("en").text("guide.need.title"))


def test_headphones_turn_speech_mode_on_with_key_hints_and_out_turns_it_off(kiosk, voice):
    voice.set_headphones(True)
    assert voice.speech_mode and voice.navigator.enabled
    assert voice.speech_out.rate == Config().voice.rate  # not care mode: the normal rate
    catalog = kiosk.catalog
    assert voice.speech_out.last_text.startswith(catalog.text("voice.keys.home", choices="")[:8])
    kiosk.begin("guide")
    kiosk.engine.cancel()
    assert voice.speech_mode  # the visit ended, the headphones are still in
    voice.set_headphones(False)
    assert not voice.speech_mode and not voice.navigator.enabled


def test_a_pin_pad_key_wakes_speech_mode_only_on_the_home_screen(kiosk, eventually):
    pin_pad = SimulatedPinPad()
    voice = KioskVoice(kiosk, InlineRunner(), pin_pad=pin_pad)
    try:
        assert not voice.keys_listening  # a step or the supervisor screen: the pad is left alone
        voice.set_on_home(True)
        assert voice.keys_listening
        pin_pad.press("5")
        eventually(lambda: voice.speech_mode)
        assert voice.keypad.focus == -1  # the waking key chose nothing
        pin_pad.press("8")
        first = voice.home_menu()[0].label
        eventually(lambda: first in voice.speech_out.last_text)
        voice.set_on_home(False)
        eventually(lambda: not voice.keys_listening)
    finally:
        voice.close()
