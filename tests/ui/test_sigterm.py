"""The service manager's SIGTERM stops the real kiosk process promptly, whatever its
configuration: the shortest heartbeat and time-outs the rules allow, or the defaults."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STOP_WITHIN_S = 2.0


def _ready(log: Path) -> bool:
    return log.exists() and "ready" in log.read_text(errors="replace")


@pytest.mark.parametrize(
    "extra",
    [
        "",
        (
            "[backend]\nheartbeat_s = 1\ntimeout_s = 0.001\n[timeouts]\nidle_s = 0.001\n"
            "result_s = 0.001\nanswer_s = 20\ncare_factor = 1\nmax_extensions = 0\n"
        ),
    ],
    ids=["defaults", "tightest"],
)
def test_sigterm_stops_the_kiosk(tmp_path, extra):
    data = tmp_path / "data"
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[kiosk]\ndata_dir = "{data}"\n[ui]\nfullscreen = false\n[voice]\nspeech_out = false\n'
        + extra
    )
    kiosk = subprocess.Popen(
        [sys.executable, "-m", "ui.cli", "--config", str(config)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        log = data / "logs" / "kiosk.log"
        deadline = time.monotonic() + 120
        while not _ready(log) and kiosk.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _ready(log), kiosk.stderr.read().decode(errors="replace")[-2000:]
        time.sleep(2)  # a few heartbeats and idle timers into its life
        kiosk.send_signal(signal.SIGTERM)
        try:
            code = kiosk.wait(timeout=STOP_WITHIN_S)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the kiosk still ran {STOP_WITHIN_S} s after SIGTERM")
        assert code == 0
    finally:
        kiosk.kill()
        kiosk.wait()
