from __future__ import annotations

import threading

import pytest

from hardware.errors import Cancelled, DeviceTimeout
from hardware.pinpad.iso9564 import decode_pin_block
from hardware.pinpad.simulated import SimulatedPinPad
from hardware.ports import KeyKind, KeyPress

PAN = "6228480012345678010"


def _press(pad: SimulatedPinPad, keys: str | list[str]) -> None:
    for key in keys:
        pad.press(key)


def test_pin_entry_gives_only_masked_keys_and_a_decodable_block():
    pad, events = SimulatedPinPad(), []
    _press(pad, "1234")
    pad.press("clear")  # the customer starts over
    _press(pad, "147258")
    pad.press("enter")
    block = pad.pin_entry(PAN, 6, 6, events.append, timeout=5)
    assert block.format == "ISO-4"
    assert decode_pin_block(bytes.fromhex(block.data), PAN) == "147258"
    assert events == [KeyPress(KeyKind.DIGIT)] * 4 + [KeyPress(KeyKind.CLEAR)] + [
        KeyPress(KeyKind.DIGIT)
    ] * 6 + [KeyPress(KeyKind.ENTER)]
    assert all(event.digit is None for event in events)
    assert "147258" not in repr(block)


def test_enter_before_min_length_and_keys_past_max_are_ignored():
    pad, events = SimulatedPinPad(), []
    _press(pad, ["1", "4", "enter", "7", "2", "5", "8", "9", "9", "enter"])
    block = pad.pin_entry(PAN, 6, 6, events.append, timeout=5)
    assert decode_pin_block(bytes.fromhex(block.data), PAN) == "147258"
    assert [e.kind for e in events].count(KeyKind.DIGIT) == 6


def test_keys_pressed_from_another_thread_while_waiting():
    pad = SimulatedPinPad()
    timer = threading.Timer(0.2, lambda: _press(pad, ["3", "6", "9", "1", "4", "7", "enter"]))
    timer.start()
    block = pad.pin_entry(PAN, 4, 12, lambda k: None, timeout=30)
    assert decode_pin_block(bytes.fromhex(block.data), PAN) == "369147"


def test_cancel_key_and_cancel_call_and_timeout():
    pad = SimulatedPinPad()
    _press(pad, ["1", "cancel"])
    with pytest.raises(Cancelled):
        pad.pin_entry(PAN, 6, 6, lambda k: None, timeout=5)
    stop = threading.Event()
    threading.Timer(0.2, stop.set).start()
    with pytest.raises(Cancelled):
        pad.pin_entry(PAN, 6, 6, lambda k: None, timeout=30, cancel=stop)
    with pytest.raises(DeviceTimeout):
        pad.pin_entry(PAN, 6, 6, lambda k: None, timeout=0.2)


def test_data_entry_reports_digits_for_phone_numbers():
    pad, events = SimulatedPinPad(), []
    _press(pad, [*"13800138000", "enter"])
    assert pad.data_entry(events.append, timeout=5) == "13800138000"
    assert "".join(e.digit for e in events if e.kind is KeyKind.DIGIT) == "13800138000"


def test_pad_refuses_keys_it_does_not_have():
    with pytest.raises(ValueError):
        SimulatedPinPad().press("A")
