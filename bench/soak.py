"""A week of an idle kiosk and a thousand customers, in minutes: does the real window stay up?

The whole kiosk (ui.app.build_window: window, voice, sandbox bank, simulated devices) runs
offscreen with its heartbeat every few milliseconds instead of every minute, so a week of
heartbeats (10,080 at 60 s) goes through the real timer, the Qt runner and the bank over HTTP.
Between beats, customers check in for an early booking by phone (13800138000 + 9999, see
docs/demo-data.md) and go to the counter: the bank's look-up runs through the Qt runner, the
screens are drawn and the session is wiped, as for any visit. Prints what the process holds
at the start (after the first visit) and at the end.

    .venv/bin/python bench/soak.py            # a week of heartbeats, 1,000 visits
    .venv/bin/python bench/soak.py --quick    # a few hours' worth (the test suite runs this)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QEvent, QObject, QThreadPool
from PySide6.QtWidgets import QApplication

from kiosk.config import Config
from ui.app import application, build_window
from ui.qt_runtime import QtRunner

HEARTBEAT_S = 0.002  # instead of 60 s
VISIT = [  # (step the kiosk shows, the customer's answer)
    ("method", "phone"),
    ("phone", "13800138000"),
    ("booking_code", "9999"),
    ("off_time", "counter"),
    ("to_counter", "done"),
    ("rating", "5"),
]


def process_figures(window) -> dict[str, int]:
    status = Path("/proc/self/status").read_text()
    threads = int(
        next(line.split()[1] for line in status.splitlines() if line.startswith("Threads"))
    )
    return {
        "rss_kib": int(Path("/proc/self/statm").read_text().split()[1])
        * os.sysconf("SC_PAGESIZE")
        // 1024,
        "threads": threads,
        "fds": len(os.listdir("/proc/self/fd")),
        "qobjects": len(window.findChildren(QObject)) + len(QApplication.allWidgets()),
    }


def wait_for(app: QApplication, condition, what: str, seconds: float = 30.0) -> None:
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            raise RuntimeError(f"never {what}")
        settle(app)


def settle(app: QApplication) -> None:
    """One turn of the event loop, as app.exec() gives the kiosk: outside exec() Qt never
    carries out deleteLater (the old step's widgets), so it is asked for here."""
    app.processEvents()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QThreadPool.globalInstance().waitForDone(1)


def visit(app: QApplication, window) -> None:
    engine = window.engine
    window.kiosk.begin("appointment_checkin")
    for step, answer in VISIT:
        wait_for(
            app,
            lambda step=step: _on(engine, step),
            f"on {step}",
        )
        engine.submit(answer)
    wait_for(app, lambda: engine.session is None or _on(engine, "offer"), "past the rating")
    if engine.session is not None:  # the bank had an offer for this customer
        engine.submit("no_thanks")
    wait_for(app, lambda: engine.session is None, "back to the attract screen")


def _on(engine, step: str) -> bool:
    return bool(engine.view and engine.view.step.id == step and not engine.busy)


def soak(beats: int, visits: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="smart-teller-soak-") as data:
        return _soak(beats, visits, data)


def _soak(beats: int, visits: int, data: str) -> dict:
    config = Config()
    config.kiosk.data_dir = data
    config.backend.heartbeat_s = HEARTBEAT_S
    app = application()
    runner = QtRunner()
    window = build_window(config, runner)
    window.show()
    sent = [0]
    client = window.kiosk.engine.services.backend
    send_heartbeat = client.send_heartbeat

    def counted(*args, **kwargs):
        sent[0] += 1
        return send_heartbeat(*args, **kwargs)

    client.send_heartbeat = counted  # counts what the real heartbeat sends to the bank
    started = time.monotonic()
    visit(app, window)
    done, start = 1, process_figures(window)
    while done < visits or sent[0] < beats:
        if done < visits:
            visit(app, window)
            done += 1
        else:
            settle(app)
    end = process_figures(window)
    figures = {
        "alive": True,
        "beats": sent[0],
        "visits": done,
        "minutes": round((time.monotonic() - started) / 60, 1),
        "start": start,
        "end": end,
    }
    window.allow_close()
    runner.wait_idle()
    window.kiosk.close()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="600 heartbeats and 50 visits")
    parser.add_argument("--json", action="store_true", help="the figures as JSON on the last line")
    args = parser.parse_args()
    beats, visits = (600, 50) if args.quick else (10_080, 1_000)
    f = soak(beats, visits)
    print(
        f"kiosk alive after {f['beats']} heartbeats ({f['beats'] / 1440:.1f} days at 60 s) "
        f"and {f['visits']} visits, in {f['minutes']} min"
    )
    print(f"{'':<24} {'start':>10} {'end':>10}")
    for key, label in [
        ("rss_kib", "RSS (KiB)"),
        ("threads", "threads"),
        ("fds", "file descriptors"),
        ("qobjects", "live QObjects"),
    ]:
        print(f"{label:<24} {f['start'][key]:>10} {f['end'][key]:>10}")
    if args.json:
        print(json.dumps(f))
    return 0


if __name__ == "__main__":
    sys.exit(main())
