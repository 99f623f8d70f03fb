"""The quick soak (bench/soak.py --quick): the whole kiosk through hundreds of heartbeats and
fifty visits stays alive, and what it holds does not grow with each visit.

In a child process: a Qt binding that loses references aborts the process that runs it.
The bounds are generous on purpose (pools and keep-alive connections fill up as the kiosk
warms); a leak of a step's widgets (~150 QObjects a visit) or of threads goes well past them.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

SOAK = Path(__file__).parents[2] / "bench" / "soak.py"

pytestmark = pytest.mark.slow


def test_the_kiosk_stays_up_and_holds_no_more_after_fifty_visits():
    child = subprocess.run(
        [sys.executable, str(SOAK), "--quick", "--json"],
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    assert child.returncode == 0, child.stdout + child.stderr[-3000:]
    figures = json.loads(child.stdout.splitlines()[-1])
    start, end = figures["start"], figures["end"]
    assert figures["alive"] and figures["visits"] == 50 and figures["beats"] >= 600
    assert end["qobjects"] <= start["qobjects"] + 50, figures
    assert end["threads"] <= start["threads"] + 16, figures
    assert end["fds"] <= start["fds"] + 32, figures
    assert end["rss_kib"] <= start["rss_kib"] + 100_000, figures
