from __future__ import annotations

import pytest

from ui.app import build_window
from ui.qt_runtime import QtRunner


@pytest.fixture
def window(qtbot, config):
    runner = QtRunner()
    win = build_window(config, runner)
    qtbot.addWidget(win)
    win.setGeometry(0, 0, 1920, 1080)
    win.show()
    yield win
    win.allow_close()
    if win.engine.active:
        win.engine.cancel()
    runner.wait_idle()
    win.kiosk.close()
