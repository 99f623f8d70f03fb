"""Qt implementations of the core's Runner and Scheduler: work on a thread pool, answers and
timers on the UI thread, so the screen never waits on a device or the network."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import partial
from typing import Generic, TypeVar

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QObject,
    QRunnable,
    QThreadPool,
    QTimer,
    Signal,
    Slot,
)

log = logging.getLogger(__name__)

T = TypeVar("T")


class _UiThreadPost(QObject):
    """Carries callables from any thread to the thread this object lives in (the UI thread)."""

    posted = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.posted.connect(self._call)

    @Slot(object)
    def _call(self, callback: Callable[[], None]) -> None:
        try:
            callback()
        except Exception:
            log.exception("callback on the UI thread failed")


class _Job(QRunnable, Generic[T]):
    def __init__(
        self,
        work: Callable[[], T],
        success: Callable[[T], None],
        failure: Callable[[Exception], None],
        post: _UiThreadPost,
    ):
        super().__init__()
        self.work, self.success, self.failure, self.post = work, success, failure, post

    def run(self) -> None:
        # Only an Exception goes back to the screen; anything else (SystemExit...) goes on up.
        try:
            result = self.work()
        except Exception as exc:
            # bind it now: Python unbinds `exc` when the except block ends
            self._answer(partial(self.failure, exc))
            return
        self._answer(lambda: self.success(result))

    def _answer(self, callback: Callable[[], None]) -> None:
        try:
            self.post.posted.emit(callback)
        except RuntimeError:  # the window closed while this work ran (the kiosk shut down)
            log.debug("work finished after the UI thread's receiver was gone: answer dropped")


class QtRunner:
    def __init__(self, max_threads: int = 4) -> None:
        self._pool = QThreadPool()
        self._pool.setMaxThreadCount(max_threads)
        self._post = _UiThreadPost()

    def run(
        self,
        work: Callable[[], T],
        success: Callable[[T], None],
        failure: Callable[[Exception], None],
    ) -> None:
        self._pool.start(_Job(work, success, failure, self._post))

    def post(self, callback: Callable[[], None]) -> None:
        self._post.posted.emit(callback)

    def wait_idle(self, msecs: int = 30_000) -> bool:
        """Waits for running work (shut-down and tests only; never on a customer's tap)."""
        return self._pool.waitForDone(msecs)

    def settle(self, msecs: int = 30_000, rounds: int = 10) -> None:
        """Waits for running work and delivers its answers, and the work those start, until
        none is left (before a kiosk closes; never on a customer's tap): an answer left in
        the queue would otherwise reach the closed kiosk's listeners later."""
        for _ in range(rounds):
            self._pool.waitForDone(msecs)
            QCoreApplication.sendPostedEvents(self._post, QEvent.Type.MetaCall)
            if self._pool.activeThreadCount() == 0:
                return


class _QtTimer:
    def __init__(self, seconds: float, callback: Callable[[], None]):
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(callback)
        self._timer.start(int(seconds * 1000))

    def cancel(self) -> None:
        self._timer.stop()


class QtScheduler:
    def call_later(self, seconds: float, callback: Callable[[], None]) -> _QtTimer:
        return _QtTimer(seconds, callback)

    def monotonic(self) -> float:
        return time.monotonic()
