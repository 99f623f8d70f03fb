"""Starts the Qt application around the core: the window, the runner and the timers."""

from __future__ import annotations

import logging
import os
import signal
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from kiosk.app import build_kiosk
from kiosk.config import Config
from kiosk.flows.registry import FlowRegistry
from kiosk.runtime import Scheduler
from ui.main_window import KioskWindow
from ui.qt_runtime import QtRunner, QtScheduler
from ui.voice_screen import VoiceScreen
from voice.service import KioskVoice

log = logging.getLogger(__name__)


def has_display() -> bool:
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    return bool(platform or os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def application() -> QApplication:
    app = QApplication.instance()
    return app if isinstance(app, QApplication) else QApplication(sys.argv[:1])


def build_window(
    config: Config,
    runner: QtRunner | None = None,
    *,
    voice_input: str | None = None,
    flows: FlowRegistry | None = None,
    scheduler: Scheduler | None = None,
) -> KioskWindow:
    """The kiosk's window with its voice; `voice_input` names a WAV heard as the microphone;
    `flows` replaces the kiosk's own (kiosk.flows.flow_registry); `scheduler` the engine's
    clock (a test's ManualClock moves a countdown without waiting for it)."""
    app = application()
    screen = app.primaryScreen()
    runner = runner or QtRunner()
    kiosk = build_kiosk(config, runner, scheduler or QtScheduler(), flows)
    window = KioskWindow(kiosk, runner, screen.geometry().height() if screen else 1080)
    devices = kiosk.engine.services.devices
    window.voice = KioskVoice(kiosk, runner, pin_pad=devices.pin_pad, printer=devices.printer)
    kiosk.add_closer(window.voice.close, first=True)  # its PIN-pad reader before the devices
    window.voice_screen = VoiceScreen(window, window.voice, microphone=voice_input is None)
    if voice_input:
        window.voice.use_voice_file(voice_input)
    return window


def run(config: Config, windowed: bool = False, voice_input: str | None = None) -> int:
    app = application()
    window = build_window(config, voice_input=voice_input)
    # every fixed prompt, so speech starts without synthesis delay: once the attract screen
    # is up (building the prompts of every language is work the first paint need not wait for)
    QTimer.singleShot(0, window.voice.prerender)
    if windowed or not config.ui.fullscreen:
        window.resize(1280, 800)
        window.show()
    else:
        # Under a bare X server (no window manager) showFullScreen keeps the old size.
        window.setGeometry(app.primaryScreen().geometry())
        window.showFullScreen()

    # The service manager stops the kiosk with SIGTERM; customers have no way to. Python runs
    # a signal handler only between bytecodes, so a short timer keeps the loop visiting Python.
    def stop(*_: object) -> None:
        window.allow_close()
        app.quit()

    signal.signal(signal.SIGTERM, stop)
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(200)
    app.aboutToQuit.connect(window.kiosk.close)
    return app.exec()
