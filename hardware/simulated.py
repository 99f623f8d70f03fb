"""What every simulator shares: a fault script, the status it shows, waiting and cancelling.

A fault script arms named faults that fire on the device's next operations, from config
(`faults = ["jam", {"fault": "paper_out", "times": 1, "after": 2}]`) or from a test or the
supervisor screen (`sim.inject("jam", times=1)`). `times=-1` keeps a fault firing until it
is cleared; `after=N` lets N chances pass first (the third receipt runs out of paper).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import ClassVar, NoReturn

from hardware.errors import Cancelled, DeviceError, DeviceOffline, DeviceTimeout, RecommendedAction
from hardware.status import DeviceState, DeviceStatus

log = logging.getLogger(__name__)

FaultSpec = str | Mapping[str, object]
FaultTable = Mapping[str, type[DeviceError]]  # fault name -> the error it raises


class FaultScript:
    def __init__(self, known: Iterable[str], faults: Iterable[FaultSpec] = ()):
        self._known = frozenset(known)
        self._armed: dict[
            str, list[int]
        ] = {}  # fault -> [times left (-1 = always), chances to skip]
        self._lock = threading.Lock()
        for spec in faults:
            if isinstance(spec, str):
                self.inject(spec)
            else:
                spec = dict(spec)
                self.inject(str(spec.pop("fault")), **spec)  # type: ignore[arg-type]

    def inject(self, fault: str, times: int = 1, after: int = 0) -> None:
        if fault not in self._known:
            raise ValueError(f"unknown fault {fault!r}; this device knows {sorted(self._known)}")
        with self._lock:
            self._armed[fault] = [times, after]

    def fires(self, fault: str) -> bool:
        """Called at each chance for `fault` to happen; True when it happens now."""
        with self._lock:
            armed = self._armed.get(fault)
            if armed is None:
                return False
            if armed[1] > 0:
                armed[1] -= 1
                return False
            if armed[0] > 0:
                armed[0] -= 1
                if armed[0] == 0:
                    del self._armed[fault]
            return True

    def armed(self) -> dict[str, int]:
        with self._lock:
            return {fault: times for fault, (times, _skip) in self._armed.items()}

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()


class SimulatedDevice:
    """Base of the six simulators. Subclasses extend FAULTS and call `_begin` per operation."""

    FAULTS: ClassVar[FaultTable] = {
        "offline": DeviceOffline,
        "timeout": DeviceTimeout,
    }
    POLL_S = 0.05  # how often a wait looks at a caller's cancel event

    def __init__(self, name: str, faults: Iterable[FaultSpec] = ()):
        self.name = name
        self._changed = threading.Condition(threading.RLock())
        self._cancelled = False
        self._state = DeviceState.ONLINE
        self._error: DeviceError | None = None
        self._script = FaultScript(self.FAULTS, faults)

    # --- what the supervisor screen and tests use ---

    def inject(self, fault: str, times: int = 1, after: int = 0) -> None:
        self._script.inject(fault, times, after)
        log.info("%s: fault %s armed (times=%s, after=%s)", self.name, fault, times, after)

    def armed_faults(self) -> dict[str, int]:
        return self._script.armed()

    def clear_faults(self) -> None:
        self._script.clear()

    def status(self) -> DeviceStatus:
        with self._changed:
            key = self._error.message_key if self._error else None
            return DeviceStatus(self.name, self._state, self._supplies(), key)

    def reset(self) -> None:
        with self._changed:
            self._state = DeviceState.ONLINE
            self._error = None
            self._cancelled = False
            self._on_reset()
            self._changed.notify_all()
        log.info("%s: reset", self.name)

    def cancel(self) -> None:
        with self._changed:
            self._cancelled = True
            self._changed.notify_all()

    def close(self) -> None:
        """Nothing to release in a simulator."""

    # --- for subclasses ---

    def _supplies(self) -> dict[str, int | str]:
        return {}

    def _on_reset(self) -> None:
        """Subclass hook: put media back into a known place."""

    def _begin(self, *faults: str) -> None:
        """Start an operation: refuse while the device is down, then fire scripted faults."""
        with self._changed:
            self._cancelled = False
            if self._error is not None and self._state not in (
                DeviceState.ONLINE,
                DeviceState.USER_ERROR,
            ):
                raise type(self._error)(self.name, "not reset since the last error")
        for fault in ("offline", *faults):
            if self._script.fires(fault):
                self._fail(self.FAULTS[fault](self.name, f"simulated fault {fault}"))

    def _fail(self, error: DeviceError) -> NoReturn:
        with self._changed:
            self._state = error.state
            if error.state is not DeviceState.ONLINE or error.action is RecommendedAction.CLEAR:
                self._error = error
            self._changed.notify_all()
        log.warning(
            "%s: %s (%s, action %s)", self.name, type(error).__name__, error.detail, error.action
        )
        raise error

    def _wait_for(
        self, ready: Callable[[], bool], timeout: float, cancel: threading.Event | None
    ) -> None:
        """Wait until `ready()` holds (checked under the lock), or raise Cancelled/DeviceTimeout.

        The scripted "timeout" fault ends the wait at once, as if the customer never came.
        """
        if self._script.fires("timeout"):
            self._fail(DeviceTimeout(self.name, "simulated fault timeout"))
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                if self._cancelled or (cancel is not None and cancel.is_set()):
                    log.info("%s: cancelled", self.name)
                    raise Cancelled(self.name)
                if ready():
                    return
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._fail(DeviceTimeout(self.name, f"nothing happened within {timeout:g} s"))
                self._changed.wait(min(remaining, self.POLL_S))

    def _notify(self) -> None:
        """Wake waiting operations after the simulated world changed (card inserted, key)."""
        with self._changed:
            self._changed.notify_all()
