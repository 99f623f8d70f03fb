"""Simulated camera: told whether a face is in front of it and which QR code is shown.

Config: `face` (bool, somebody is standing there), `code` (a QR payload being held up,
e.g. "APPT:APT-7F3K9Q"). Tests and the dev pad call set_face()/show_code().
Faults: offline, timeout (nobody shows a face or a code in time).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import numpy as np

from hardware.errors import DeviceTimeout, FaceNotFound
from hardware.id_card_reader.simulated import placeholder_photo
from hardware.ports import Face
from hardware.simulated import FaultSpec, SimulatedDevice

WIDTH, HEIGHT = 640, 480
_FACE = Face(x=240, y=120, width=160, height=160)


class SimulatedCamera(SimulatedDevice):
    def __init__(
        self,
        name: str = "camera",
        face: bool = False,
        code: str | None = None,
        faults: Iterable[FaultSpec] = (),
    ):
        super().__init__(name, faults)
        self._face = face
        self._code = code

    def set_face(self, present: bool) -> None:
        with self._changed:
            self._face = present
            self._notify()

    def show_code(self, payload: str | None) -> None:
        """Hold a QR code up to the camera (None takes it away)."""
        with self._changed:
            self._code = payload
            self._notify()

    def frame(self) -> np.ndarray:
        self._begin()
        return np.full((HEIGHT, WIDTH, 3), 128, np.uint8)

    def find_face(self, frame: np.ndarray) -> Face | None:
        return _FACE if self._face else None

    def face_present(self) -> bool:
        self._begin()
        return self._face

    def capture_photo(self, timeout: float, cancel: threading.Event | None = None) -> bytes:
        self._begin()
        try:
            self._wait_for(lambda: self._face, timeout, cancel)
        except DeviceTimeout:
            self._fail(FaceNotFound(self.name, f"no face within {timeout:g} s"))
        return placeholder_photo()

    def scan_code(self, timeout: float, cancel: threading.Event | None = None) -> str:
        self._begin()
        self._wait_for(lambda: self._code is not None, timeout, cancel)
        with self._changed:
            payload, self._code = self._code, None  # a code is read once, then taken away
        assert payload is not None  # what _wait_for waited for
        return payload
