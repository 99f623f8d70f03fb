"""Shared test set-up: headless Qt on a 1920x1080 offscreen screen, a private data directory."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ui.storyboard import use_offscreen_1080p

# Before anything imports Qt: with no display and no platform, Qt aborts the whole run.
use_offscreen_1080p()
os.environ.setdefault("SMART_TELLER_DATA", tempfile.mkdtemp(prefix="smart-teller-test-"))

import logging
import shutil

import pytest

from hardware.pcsc.daemon import PcscDaemon
from hardware.pcsc.virtual_card import VirtualCard
from kiosk.config import Config

pytest_plugins = ["tests.sandbox_bank"]


@pytest.fixture
def config(tmp_path: Path) -> Config:
    """The embedded defaults, with the kiosk's files in a fresh folder."""
    config = Config()
    config.kiosk.data_dir = str(tmp_path / "data")
    return config


@pytest.fixture(autouse=True)
def _root_logger_restored():
    """The console entry point sets up the kiosk's own logging (a console handler on the
    test's captured stderr, pytest's own handlers removed); put the root logger back after
    every test so a later test's threads never write to a closed capture."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    for handler in handlers:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(level)


@pytest.fixture(scope="session")
def pcscd():
    if shutil.which("pcscd") is None:
        pytest.fail("pcscd is not installed (scripts/setup installs it)")
    daemon = PcscDaemon()
    daemon.start()  # reuses a running pcscd; stops only one it started
    yield daemon
    daemon.stop()


@pytest.fixture
def virtual_card(pcscd):
    card = VirtualCard(pan="6228480012345678010", expiry="2912")
    yield card
    card.remove()


@pytest.fixture
def build_kiosk(qtbot, config: Config):
    """Builds whole kiosks, (window, runner), on `config` (keyword arguments replace device
    tables; `flows` replaces the kiosk's flows); afterwards stops what they still do and
    closes them."""
    from ui.app import build_window
    from ui.qt_runtime import QtRunner

    made: list[tuple] = []

    def build(flows=None, scheduler=None, **devices) -> tuple:
        for name, table in devices.items():
            config.devices[name] = table
        runner = QtRunner()
        window = build_window(config, runner, flows=flows, scheduler=scheduler)
        qtbot.addWidget(window)
        window.setGeometry(0, 0, 1920, 1080)
        window.show()
        made.append((window, runner))
        return window, runner

    yield build
    for window, runner in made:
        window.allow_close()
        if window.engine.active:  # at once: nobody is left to take a card back
            window.engine.end("cancelled")
        for device in window.engine.services.devices.all():
            device.cancel()
        runner.wait_idle()
        window.kiosk.close()


# Property tests: a quick run in every suite, a long one with HYPOTHESIS_PROFILE=long (scripts/test
# runs the `fuzz` marker again that way, within its time budget).
from hypothesis import HealthCheck, settings

settings.register_profile(
    "quick", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long", max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))
