"""Device health monitor: polls every device's status() on a background thread and reports
each change (and every device's first status) as an event, for the supervisor screen and
for taking functions out of service."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable

from hardware.errors import DeviceError
from hardware.ports import Device
from hardware.status import DeviceState, DeviceStatus

log = logging.getLogger(__name__)


class HealthMonitor:
    def __init__(
        self,
        devices: Iterable[Device],
        interval_s: float,
        on_change: Callable[[DeviceStatus], None],
    ):
        self._devices = list(devices)
        self._interval_s = interval_s
        self._on_change = on_change
        self._last: dict[str, DeviceStatus] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def snapshot(self) -> dict[str, DeviceStatus]:
        """The latest status of every device polled so far."""
        return dict(self._last)

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="device-health", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def poll_once(self) -> None:
        for device in self._devices:
            status = self._status_of(device)
            if self._last.get(status.device) != status:
                self._last[status.device] = status
                log.info("%s is %s %s", status.device, status.state, status.supplies or "")
                try:
                    self._on_change(status)
                except Exception:  # a listener's bug must not stop the monitoring
                    log.exception("health listener failed for %s", status.device)

    def _status_of(self, device: Device) -> DeviceStatus:
        try:
            return device.status()
        except DeviceError as error:
            return DeviceStatus(device.name, error.state, {}, error.message_key)
        except Exception:  # a driver bug shows as a hardware error, not a dead monitor
            log.exception("%s: status() failed", device.name)
            return DeviceStatus(
                device.name, DeviceState.HARDWARE_ERROR, {}, DeviceError.message_key
            )

    def _run(self) -> None:
        while not self._stop.is_set():
            self.poll_once()
            self._stop.wait(self._interval_s)
