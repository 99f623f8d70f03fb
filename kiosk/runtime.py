"""How the core runs work off the UI thread and keeps time, without knowing Qt.

The UI supplies a Qt-backed Runner and Scheduler (ui/qt_runtime.py); tests use the plain ones
here, which run work at once and keep time by hand.

A Runner runs one piece of blocking work (a device, the bank) and hands its result to a
success callback, or the Exception it raised to a failure callback, both on the owner's
thread (as Anki's background operations do). What is not an Exception (KeyboardInterrupt,
SystemExit) is never handed over: it goes on up, so stopping the process still stops it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

T = TypeVar("T")


class Cancellable(Protocol):
    def cancel(self) -> None: ...


class Runner(Protocol):
    def run(
        self,
        work: Callable[[], T],
        success: Callable[[T], None],
        failure: Callable[[Exception], None],
    ) -> None:
        """Runs `work` on a worker; calls `success` or `failure` back on the owner's thread."""

    def post(self, callback: Callable[[], None]) -> None:
        """Calls `callback` soon on the owner's thread (from any thread)."""


class Scheduler(Protocol):
    def call_later(self, seconds: float, callback: Callable[[], None]) -> Cancellable: ...

    def monotonic(self) -> float:
        """Seconds on the scheduler's own clock (a countdown on screen reads it)."""


class InlineRunner:
    """Runs work at once on the calling thread (tests and command-line tools)."""

    def run(
        self,
        work: Callable[[], T],
        success: Callable[[T], None],
        failure: Callable[[Exception], None],
    ) -> None:
        try:
            result = work()
        except Exception as exc:
            failure(exc)
            return
        success(result)

    def post(self, callback: Callable[[], None]) -> None:
        callback()


class _Timer:
    def __init__(self, clock: ManualClock, due: float, callback: Callable[[], None]):
        self.clock, self.due, self.callback, self.active = clock, due, callback, True

    def cancel(self) -> None:
        self.active = False


class ManualClock:
    """A Scheduler whose time moves only when told to (tests, and replaying scripts)."""

    def __init__(self) -> None:
        self.now = 0.0
        self._timers: list[_Timer] = []

    def call_later(self, seconds: float, callback: Callable[[], None]) -> _Timer:
        timer = _Timer(self, self.now + seconds, callback)
        self._timers.append(timer)
        return timer

    def monotonic(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        end = self.now + seconds
        while True:
            due = [t for t in self._timers if t.active and t.due <= end]
            if not due:
                break
            timer = min(due, key=lambda t: t.due)
            timer.active = False
            self.now = timer.due
            timer.callback()
        self.now = end
        self._timers = [t for t in self._timers if t.active]
