"""The core's events: every listener hears, in order; one broken listener is logged with its
traceback and does not stop the others (the screen keeps going when the voice breaks)."""

from __future__ import annotations

import logging

import pytest

from kiosk.events import Event


def test_every_listener_hears_the_payload_in_the_order_connected():
    heard: list[tuple[str, str, int]] = []
    event: Event[str, int] = Event("flow_ended")
    event.connect(lambda flow, n: heard.append(("screen", flow, n)))
    event.connect(lambda flow, n: heard.append(("voice", flow, n)))
    event.emit("bill_payment", 2)
    assert heard == [("screen", "bill_payment", 2), ("voice", "bill_payment", 2)]


def test_a_disconnected_listener_hears_nothing_more():
    heard: list[bool] = []
    event: Event[bool] = Event("busy_changed")
    event.connect(heard.append)
    event.emit(True)
    event.disconnect(heard.append)
    event.emit(False)
    assert heard == [True]


def test_a_failing_listener_is_logged_with_its_traceback_and_the_others_still_hear(caplog):
    heard: list[str] = []

    def broken(_reason: str) -> None:
        raise KeyError("spoken_name")

    event: Event[str] = Event("staff_needed")
    event.connect(broken)
    event.connect(heard.append)
    with caplog.at_level(logging.ERROR, logger="kiosk.events"):
        event.emit("device_fault")
    assert heard == ["device_fault"]
    (record,) = caplog.records
    assert "staff_needed" in record.getMessage()
    assert record.exc_info is not None and record.exc_info[0] is KeyError


def test_stopping_the_process_is_not_caught():
    def interrupted() -> None:
        raise KeyboardInterrupt

    event: Event[()] = Event("changed")
    event.connect(interrupted)
    with pytest.raises(KeyboardInterrupt):
        event.emit()
