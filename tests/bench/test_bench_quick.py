"""`python -m bench --quick` runs every figure and writes one table; no figure is asserted
(speed on a shared machine is a benchmark's business, not a test's)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROWS = [
    "cold start",
    "tap -> next step painted",
    "longest event-loop stall during those visits",
    "longest event-loop stall, ",  # camera view, recognizer and a bank call at once
    "whole visits in one process",
    "what the visits ended on",
    "sandbox on PostgreSQL",
    "throughput",
    "payments: told to kiosks",
    "PC/SC card read",
    "QR decode",
    "spoken command from a WAV",
    "receipt to ESC/POS",
    "event-loop stall while the camera view runs",
    "first audio",
    "end of speech -> command",
    "storyboard journey water_bill_paid",
    "baseline: ICBC/CCB-style STM",
    "taps / screens / customer time: bill_payment",
]


def test_the_quick_bench_writes_a_table_with_every_figure(tmp_path):
    out = tmp_path / "results.md"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, done.stderr
    text = out.read_text()
    assert "| figure | measured | goal | met? |" in text and "PySide6" in text
    assert "load average" in text  # how busy the machine was, beside the figures
    rows = [line for line in text.splitlines() if line.startswith("| ")][1:]  # past the header
    for label in ROWS:
        row = next((r for r in rows if label in r), None)
        assert row is not None, f"no row for {label}"
        assert "failed:" not in row and "not measured" not in row, row
