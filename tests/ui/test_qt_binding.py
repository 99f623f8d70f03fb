"""The installed Qt binding keeps None, True and False alive through the calls the kiosk makes.

PySide6 6.12.0 on Python 3.11 does not (one reference lost per void call or bool emitted),
and the kiosk aborted after ~4,900 heartbeats. The check runs in a child process: a leaking
binding kills the process that runs it. An upgrade of the pin in pyproject.toml must pass it.
"""

import subprocess
import sys
from pathlib import Path

CANARY = Path(__file__).with_name("qt_binding_canary.py")


def test_the_qt_binding_loses_no_reference_to_none_or_the_bools():
    child = subprocess.run(
        [sys.executable, str(CANARY)], capture_output=True, text=True, timeout=240, check=False
    )
    report = child.stdout + child.stderr[-2000:]
    assert child.returncode == 0, report  # 1: a count fell; negative: the child was killed
    assert "clean: no reference lost" in child.stdout, report
