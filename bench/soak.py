"""A week of an idle kiosk and a thousand customers, in minutes: does the real window stay up?

The whole kiosk (ui.app.build_window: window, voice, sandbox bank, simulated devices) runs
offscreen with its heartbeat every few milliseconds instead of every minute, so a week of
heartbeats (10,080 at 60 s) goes through the real timer, the Qt runner and the bank over HTTP.
Between beats, customers the sandbox seeded for the soak (one bill and one booking each, so
none is used twice) take turns: one checks in by phone for a booking due now and takes the
queue ticket, the next pays a water bill with a card and its PIN on the PIN pad, both rating
the visit. Every bank call runs through the Qt runner, the screens are drawn and the session
is wiped, as for any visit. Prints what the process holds at the start (after the first
visit) and at the end, and the result each visit ended on.

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
from kiosk.flows.model import CONFIRM, StepKind
from kiosk.sandbox.seed import Visitor
from ui.app import application, build_window
from ui.qt_runtime import QtRunner

HEARTBEAT_S = 0.002  # instead of 60 s: the next beat leaves as soon as the last one is back
ROLL_ROWS = 2_000  # the simulated printer's roll, in printed rows


def checking_in(visitor: Visitor) -> dict[str, object]:
    """The answers of a customer checking in by phone for a booking due now (the ticket is
    printed, no ID card to take back), who rates the visit."""
    return {
        "method": "phone",
        "phone": visitor.phone,
        "booking_code": visitor.booking_code,
        "ticket": "done",
        "rating": "5",
        "offer": "no_thanks",
    }


def paying(visitor: Visitor, devices) -> dict[str, object]:
    """The answers of a customer paying their water bill with their card and PIN."""

    def key_pin() -> None:
        for key in (*visitor.pin, "enter"):
            devices.pin_pad.press(key)

    return {
        "insert_card": lambda: devices.card_reader.insert(visitor.pan),
        "pin": key_pin,
        "biller": "water",
        "bill_source": "keypad",
        "bill_number": visitor.bill_number,
        "review": CONFIRM,
        "paid": "done",
        "rating": "5",
        "offer": "no_thanks",
    }


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


def visit(app: QApplication, window, flow: str, answers: dict[str, object], entered) -> str:
    """One whole visit, answering each step as it is entered (a device step by its device, or
    by itself); `entered` counts the engine's steps entered. Returns its first result step."""
    engine = window.engine
    window.kiosk.begin(flow)
    answered, last_result = 0, ""
    while True:
        wait_for(
            app,
            lambda seen=answered: (
                engine.session is None or (entered[0] > seen and _waiting(engine))
            ),
            "a step to answer",
        )
        if engine.session is None:
            return last_result
        answered, step = entered[0], engine.view.step
        if step.kind is StepKind.RESULT and not last_result:
            last_result = step.id  # the visit's outcome (paid, ticket), not the rating after
        answer = answers.get(step.id)
        if answer is None and step.kind is not StepKind.DEVICE:
            raise RuntimeError(f"no answer for step {step.id} of {flow}")
        if callable(answer):
            answer()
        elif answer is not None:
            engine.submit(answer)


def _waiting(engine) -> bool:
    """A step waits for the customer: not while the kiosk works, except on a device step,
    which waits for the card or the keys (its action runs meanwhile)."""
    view = engine.view
    return bool(view and (view.step.kind is StepKind.DEVICE or not engine.busy))


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
    entered = [0]
    window.engine.step_entered.connect(lambda _view: entered.__setitem__(0, entered[0] + 1))
    sandbox = window.kiosk.sandbox
    assert sandbox is not None  # no bank configured: the embedded sandbox
    visitors = sandbox.seed_visitors(visits)  # a bill and a booking of their own for each
    devices = window.engine.services.devices
    ends: dict[str, int] = {}
    rolls = [0]

    def one(i: int) -> None:
        if devices.printer.status().supplies.get("paper") != "ok":
            devices.printer.load_paper(ROLL_ROWS)  # staff change the roll when it runs low
            rolls[0] += 1
        v = visitors[i]
        flow, answers = (
            ("bill_payment", paying(v, devices))
            if i % 2
            else ("appointment_checkin", checking_in(v))
        )
        end = visit(app, window, flow, answers, entered)
        ends[end] = ends.get(end, 0) + 1

    started = time.monotonic()
    one(0)
    done, start = 1, process_figures(window)
    middle = start
    while done < visits or sent[0] < beats:
        if done < visits:
            one(done)
            done += 1
            if done == visits // 2:
                middle = process_figures(window)  # pools and connections have warmed up
        else:
            settle(app)
    end = process_figures(window)
    figures = {
        "alive": True,
        "beats": sent[0],
        "visits": done,
        "ended_on": ends,  # the result step each visit ended on: paid, ticket...
        "paper_rolls": rolls[0],  # changed by staff when low (a roll lasts ~60 receipts)
        "minutes": round((time.monotonic() - started) / 60, 1),
        "start": start,
        "middle": middle,
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
    print(
        "visits ended on:",
        ", ".join(f"{end or 'no result'} {n}" for end, n in f["ended_on"].items()),
    )
    if args.json:
        print(json.dumps(f))
    return 0


if __name__ == "__main__":
    sys.exit(main())
