"""Simulated encrypting PIN pad.

Keys arrive through `press(key)` ("0".."9", "clear", "enter", "cancel") from test code or
the dev-only on-screen pad the UI draws for the simulator. Keys pressed before an entry
starts wait for it. During PIN entry the digits stay inside this object and leave it only
as an ISO-4 PIN block; the app's callback sees masked KeyPress events.
Config: `pin_key` (hex AES-128 key). Faults: offline, timeout, tamper.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable
from typing import ClassVar

from hardware.errors import Cancelled, FraudAttempt
from hardware.pinpad.iso9564 import DEMO_PIN_KEY, encode_pin_block
from hardware.ports import KeyKind, KeyPress, PinBlock
from hardware.simulated import FaultSpec, FaultTable, SimulatedDevice

log = logging.getLogger(__name__)

_CONTROL_KEYS = {kind.value: kind for kind in (KeyKind.CLEAR, KeyKind.ENTER, KeyKind.CANCEL)}


class SimulatedPinPad(SimulatedDevice):
    FAULTS: ClassVar[FaultTable] = {**SimulatedDevice.FAULTS, "tamper": FraudAttempt}

    def __init__(
        self,
        name: str = "pin_pad",
        pin_key: str = DEMO_PIN_KEY.hex(),
        faults: Iterable[FaultSpec] = (),
    ):
        super().__init__(name, faults)
        self._key = bytes.fromhex(pin_key)
        if len(self._key) != 16:
            raise ValueError("pin_key must be 16 bytes (32 hex digits) for AES-128")
        self._keys: deque[str] = deque()

    def press(self, key: str) -> None:
        if not (key.isdigit() and len(key) == 1) and key not in _CONTROL_KEYS:
            raise ValueError(f"the PIN pad has no key {key!r}")
        with self._changed:
            self._keys.append(key)
            self._notify()

    def _entry(
        self,
        on_key: Callable[[KeyPress], None],
        max_len: int,
        min_len: int,
        timeout: float,
        cancel: threading.Event | None,
        show_digits: bool,
    ) -> str:
        """Collect digits until ENTER with at least min_len of them; CANCEL raises Cancelled."""
        self._begin("tamper")
        entered = ""
        while True:
            self._wait_for(lambda: bool(self._keys), timeout, cancel)
            with self._changed:
                key = self._keys.popleft()
            if key.isdigit():
                if len(entered) >= max_len:
                    continue  # a real pad ignores keys past the maximum
                entered += key
                on_key(KeyPress(KeyKind.DIGIT, key if show_digits else None))
                continue
            kind = _CONTROL_KEYS[key]
            if kind is KeyKind.ENTER and len(entered) < min_len:
                continue  # too short: ENTER does nothing, as on a real pad
            on_key(KeyPress(kind))
            if kind is KeyKind.CLEAR:
                entered = ""
            elif kind is KeyKind.CANCEL:
                log.info("%s: customer pressed cancel", self.name)
                raise Cancelled(self.name, "cancel key")
            else:
                return entered

    def pin_entry(
        self,
        account_or_pan: str,
        min_len: int,
        max_len: int,
        on_key: Callable[[KeyPress], None],
        timeout: float,
        cancel: threading.Event | None = None,
    ) -> PinBlock:
        pin = self._entry(on_key, max_len, min_len, timeout, cancel, show_digits=False)
        block = encode_pin_block(pin, account_or_pan, self._key)
        log.info("%s: PIN entered for account ****%s", self.name, account_or_pan[-4:])
        return PinBlock("ISO-4", block.hex().upper())

    def data_entry(
        self,
        on_key: Callable[[KeyPress], None],
        timeout: float,
        cancel: threading.Event | None = None,
        max_len: int = 32,
    ) -> str:
        return self._entry(on_key, max_len, 0, timeout, cancel, show_digits=True)
