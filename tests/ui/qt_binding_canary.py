"""Does the installed Qt binding keep None, True and False alive? Run as its own process.

PySide6 6.12.0 on Python 3.11 loses one reference to None for every call of a Qt method that
returns nothing, and one to a bool for every Signal(bool) emitted; those objects are not
immortal before Python 3.12, so after a few thousand calls the interpreter aborts
("bool_dealloc: deallocating True or False"). This calls the entry points the kiosk relies on
a few thousand times each and prints, for each, how much the three counts fell. Exit status 1
if any fell, or if a call never came back; a binding bad enough aborts this process instead.
A count that rises is harmless (6.11.3 keeps three references to None for every QTimer made):
an object whose count never reaches zero is never freed, and None and the bools never are.

    QT_QPA_PLATFORM=offscreen python tests/ui/qt_binding_canary.py

Needs only PySide6 and this checkout (it drives ui/qt_runtime.py too), so it can be run with a
throw-away venv holding a candidate PySide6 before the pin in pyproject.toml is moved.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import PySide6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel

from ui.qt_runtime import QtRunner, QtScheduler

CALLS = 5000
FIRST_BATCH, LAST_BATCH = 10, 250  # counted after each: a leak is stopped before it aborts us
SLACK = 50  # references that may come and go with objects alive at the moment of counting
# From Python 3.12 on they are immortal (a count near 2**32 that nothing frees): 6.11.3 lowers
# it there too (stable-ABI decrefs), harmlessly. The calls still run: a crash still fails.
IMMORTAL = sys.version_info >= (3, 12)


def counts() -> dict[str, int]:
    gc.collect()
    return {
        "None": sys.getrefcount(None),
        "True": sys.getrefcount(True),
        "False": sys.getrefcount(False),
    }


def wait_for(condition, app: QApplication) -> bool:
    for _ in range(100_000):
        if condition():
            return True
        app.processEvents()
        QThreadPool.globalInstance().waitForDone(1)
    return condition()


class Emitter(QObject):
    flag = Signal(bool)
    number = Signal(int)
    thing = Signal(object)


class Job(QRunnable):
    """A Python run() override called from a pool thread, answering through a signal."""

    def __init__(self, emitter: Emitter, value):
        super().__init__()
        self.emitter, self.value = emitter, value

    def run(self) -> None:
        self.emitter.thing.emit(self.value)


def entry_points(app: QApplication, heard: list, timers: list):
    """(name, a batch of n calls returning how many answers it must bring back into `heard`)."""
    label, timer, emitter = QLabel(), QTimer(), Emitter()
    emitter.flag.connect(heard.append)
    emitter.number.connect(heard.append)
    emitter.thing.connect(heard.append)
    pool = QThreadPool()
    runner, scheduler = QtRunner(), QtScheduler()

    def void_methods(n):
        for i in range(n):
            label.setText(str(i % 7))
            timer.start(60_000)
            timer.stop()
            app.processEvents()

    def emits(n):
        for i in range(n):
            emitter.flag.emit(i % 2 == 0)
            emitter.number.emit(i)
            emitter.thing.emit(None if i % 2 else (lambda: None))
        return 3 * n

    def pool_jobs(n):
        for i in range(n):
            pool.start(Job(emitter, i % 3 == 0))
        pool.waitForDone()
        return n

    def single_shots(n):
        for _ in range(n):
            QTimer.singleShot(0, lambda: heard.append(None))
        return n

    def kiosk_runner(n):
        for i in range(n):
            if i % 2:
                runner.run(lambda: None, heard.append, heard.append)
            else:
                runner.run(lambda: 1 / 0, heard.append, heard.append)
            timers.append(scheduler.call_later(0, lambda: heard.append(True)))
        runner.wait_idle()
        return 2 * n

    yield from [
        ("void methods (QLabel.setText, QTimer.start/stop, processEvents)", void_methods),
        ("Signal(bool/int/object).emit", emits),
        ("QRunnable.run overrides through QThreadPool", pool_jobs),
        ("QTimer.singleShot callbacks", single_shots),
        ("ui.qt_runtime QtRunner.run + QtScheduler.call_later", kiosk_runner),
    ]


def main() -> int:
    app = QApplication.instance() or QApplication([])
    print(f"PySide6 {PySide6.__version__} on Python {sys.version.split()[0]}")
    print(f"{'entry point':<66} {'calls':>6} {'None':>6} {'True':>6} {'False':>6}")
    bad, heard = 0, []
    timers: list = []  # kept, as the kiosk keeps its timers: a collected timer never fires
    for name, batch in entry_points(app, heard, timers):
        start, done, lost, size = counts(), 0, {}, FIRST_BATCH
        while done < CALLS:
            expected = batch(size) or 0
            if not wait_for(lambda expected=expected: len(heard) >= expected, app):
                print(f"{name}: {len(heard)} of {expected} answers came back")
                return 1
            heard.clear()  # the answers hold bools and None: count without them
            timers.clear()
            done, size = done + size, min(2 * size, LAST_BATCH)
            now = counts()
            lost = {k: start[k] - now[k] for k in start}
            if max(lost.values()) > SLACK and not IMMORTAL:
                break  # leaking: stop before the count reaches zero
        bad += max(lost.values()) > SLACK
        print(f"{name:<66} {done:>6} " + " ".join(f"{-lost[k]:>+6}" for k in start))
    if IMMORTAL:
        print("clean: None, True and False are immortal on this Python, a fall frees nothing")
        return 0
    print("LEAKS: this binding loses references" if bad else "clean: no reference lost")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
