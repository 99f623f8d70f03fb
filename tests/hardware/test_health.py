from __future__ import annotations

import contextlib
import queue

from hardware.errors import CardJammed
from hardware.health import HealthMonitor
from hardware.registry import build_devices
from hardware.status import DeviceState


def test_monitor_reports_first_status_and_then_only_changes():
    devices = build_devices({})
    events: queue.Queue = queue.Queue()
    monitor = HealthMonitor(devices.all(), interval_s=0.05, on_change=events.put)
    monitor.start()
    try:
        first = {events.get(timeout=10).device for _ in range(6)}
        assert first == {d.name for d in devices.all()}
        devices.card_reader.inject("jam")
        devices.card_reader.insert("wang")
        with contextlib.suppress(CardJammed):
            devices.card_reader.accept(timeout=1)
        change = events.get(timeout=10)
        assert (change.device, change.state) == ("card_reader", DeviceState.HARDWARE_ERROR)
        assert change.message_key == "devices.error.card_jammed"
        devices.card_reader.reset()
        back = events.get(timeout=10)
        assert (back.device, back.state) == ("card_reader", DeviceState.ONLINE)
    finally:
        monitor.stop()
    assert events.empty()  # nothing else changed, so nothing else was reported
    assert monitor.snapshot()["card_reader"].state is DeviceState.ONLINE


def test_a_failing_status_call_becomes_a_hardware_error_event():
    class BrokenDriverForTests:
        name = "printer"

        def status(self):
            raise RuntimeError("driver bug")

    seen = []
    HealthMonitor([BrokenDriverForTests()], 1, seen.append).poll_once()
    assert seen[0].state is DeviceState.HARDWARE_ERROR
