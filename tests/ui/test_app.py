"""The Qt half's composition root (ui/app.py): one QApplication however often it is asked
for, a display is known from the environment, and build_window wires the core kiosk, the
window, its voice and the voice screen, with the flows it is given and a WAV file heard as
the microphone in demos. The real window, headless."""

from __future__ import annotations

import wave

import pytest
from PySide6.QtWidgets import QPushButton

from kiosk.flows import SERVICES, flow_registry
from kiosk.flows.guide import guide_flow
from kiosk.flows.registry import FlowRegistry
from ui.app import application, build_window, has_display
from ui.qt_runtime import QtRunner


@pytest.mark.parametrize(
    ("environment", "display"),
    [
        ({}, False),
        ({"QT_QPA_PLATFORM": "offscreen"}, True),
        ({"DISPLAY": ":0"}, True),
        ({"WAYLAND_DISPLAY": "wayland-0"}, True),
    ],
)
def test_a_display_is_known_from_the_environment(monkeypatch, environment, display):
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert has_display() is display


def test_there_is_one_application_however_often_it_is_asked_for(qapp):
    assert application() is application() is qapp


@pytest.fixture
def built(qtbot):
    made = []

    def build(config, **options):
        runner = QtRunner()
        window = build_window(config, runner, **options)
        qtbot.addWidget(window)
        window.setGeometry(0, 0, 1920, 1080)
        window.show()
        made.append((window, runner))
        return window

    yield build
    for window, runner in made:
        window.allow_close()
        runner.wait_idle()
        window.kiosk.close()


def test_the_window_is_wired_to_the_kiosk_its_voice_and_the_voice_screen(built, config):
    window = built(config)
    assert window.engine is window.kiosk.engine
    assert window.voice.navigator.engine is window.engine
    assert window.voice_screen.voice is window.voice and window.voice_screen.use_microphone
    assert set(window.engine.flows) == set(flow_registry())


def test_the_flows_given_replace_the_kiosks_own(built, config):
    bill_payment = next(f for f in SERVICES if f.id == "bill_payment")
    window = built(config, flows=FlowRegistry((guide_flow((bill_payment,)), bill_payment)))
    assert set(window.engine.flows) == {"guide", "bill_payment"}
    assert [s.flow_id for s in window.kiosk.services()] == ["bill_payment"]
    window.show_home()
    tiles = {b.objectName() for b in window.findChildren(QPushButton) if b.isVisible()}
    assert "service_bill_payment" in tiles and "service_account_opening" not in tiles


def test_a_wav_file_as_the_microphone_leaves_the_real_one_closed(built, config, tmp_path):
    silence = tmp_path / "silence.wav"
    with wave.open(str(silence), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16_000)
        wav.writeframes(b"\0\0" * 1600)
    window = built(config, voice_input=str(silence))
    assert not window.voice_screen.use_microphone and window.voice_screen.microphone is None
