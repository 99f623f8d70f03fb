"""The PIN pad's keys as navigation keys, read on a thread of its own.

The port offers keys only through an entry (`data_entry`), so the reader keeps one open and
hands every key (digits, Clear, Enter, Cancel) to `on_key` on the UI thread. It must not run
while a step uses the pad itself (a PIN entry): `stop()` then, `start()` after. The pad's
waits look at the stop event every few tens of milliseconds, so a key pressed in that moment
may still be read here; the kiosk stops the reader as soon as such a step is entered.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from hardware.errors import Cancelled, DeviceError, DeviceTimeout
from hardware.ports import KeyPress, PinPad

log = logging.getLogger(__name__)

WAIT_S = 3600.0  # one entry stays open this long; it is simply opened again
RETRY_S = 5.0  # a pad that fails is tried again after this (not in a tight loop)
MAX_KEYS = 1_000_000  # digits are never "too many": every key is news


class PinPadKeys:
    def __init__(
        self,
        pin_pad: PinPad,
        on_key: Callable[[KeyPress], None],
        post: Callable[[Callable[[], None]], None],
    ):
        self.pin_pad = pin_pad
        self._on_key = on_key
        self._post = post
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def listening(self) -> bool:
        """Whether the reader may still take a key (it is running, or not yet wound down)."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self._thread is not None and not self._stop.is_set():
            return
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._read, args=(self._stop,), name="pin-pad-keys", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _read(self, stop: threading.Event) -> None:
        def key(press: KeyPress) -> None:
            if not stop.is_set():
                self._post(lambda: self._on_key(press))

        failing = ""  # the error last logged: a pad that stays down is logged once
        while not stop.is_set():
            try:
                self.pin_pad.data_entry(key, WAIT_S, stop, max_len=MAX_KEYS)
            except (Cancelled, DeviceTimeout):
                continue  # the Cancel key (already reported), a device cancel, or a long quiet
            except DeviceError as exc:
                if type(exc).__name__ != failing:
                    failing = type(exc).__name__
                    log.warning(
                        "PIN pad keys: %s: navigation by keys is off until it works", failing
                    )
                stop.wait(RETRY_S)
                continue
            failing = ""
