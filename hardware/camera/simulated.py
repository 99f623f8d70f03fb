"""Simulated camera: told whether a face is in front of it and which QR code is shown.

Its frames show what it was told (a head and shoulders where the face is, the QR code held
up), so the screen's live view and OpenCV's QR decoder see the same thing the flow does.

Config: `face` (bool, somebody is standing there), `code` (a QR payload being held up,
e.g. "APPT:APT-7F3K9Q"). Tests and the dev pad call set_face()/show_code().
Faults: offline, timeout (nobody shows a face or a code in time).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

from hardware.errors import DeviceTimeout, FaceNotFound
from hardware.id_card_reader.simulated import placeholder_photo
from hardware.ports import Face
from hardware.simulated import FaultSpec, SimulatedDevice

if TYPE_CHECKING:  # OpenCV, numpy and qrcode load with the first frame, not at start-up
    import numpy as np

WIDTH, HEIGHT = 640, 480
_FACE = Face(x=240, y=80, width=160, height=160)
QR_SIZE, QR_TOP, QR_LEFT = 300, 90, 170


def _head() -> np.ndarray:
    """The head and shoulders the simulated ID card shows, BGR."""
    import cv2
    import numpy as np

    photo = cv2.imdecode(np.frombuffer(placeholder_photo(), np.uint8), cv2.IMREAD_COLOR)
    assert photo is not None  # our own JPEG
    return photo


def _qr_picture(payload: str) -> np.ndarray:
    """The QR code as a phone or a paper bill shows it, BGR and QR_SIZE square."""
    import cv2
    import numpy as np
    import qrcode

    picture = np.array(qrcode.make(payload, border=2).convert("RGB"))
    return cv2.resize(picture, (QR_SIZE, QR_SIZE), interpolation=cv2.INTER_NEAREST)


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
        import cv2
        import numpy as np

        self._begin()
        image = np.full((HEIGHT, WIDTH, 3), (200, 190, 180), np.uint8)  # a lobby wall (BGR)
        if self._face:
            photo = _head()
            f = _FACE
            image[f.y : f.y + f.height * 2, f.x : f.x + f.width] = cv2.resize(
                photo, (f.width, f.height * 2)
            )
        code = self._code
        if code is not None:
            image[QR_TOP : QR_TOP + QR_SIZE, QR_LEFT : QR_LEFT + QR_SIZE] = _qr_picture(code)
        return image

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
