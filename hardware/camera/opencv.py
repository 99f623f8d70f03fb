"""Camera over OpenCV VideoCapture: a device index, a video file or a stream URL.

Face presence uses the frontal-face Haar cascade shipped inside the OpenCV wheel; QR codes
(appointment on a phone, a paper bill) use cv2.QRCodeDetector. A video file plays in a
loop, so a demo kiosk can run on one.
Config: `source` (int index or path/URL), `min_face` (pixels, smallest face that counts:
somebody standing at the kiosk, not passing in the background).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import cv2
import numpy as np

from hardware.errors import Cancelled, DeviceOffline, DeviceTimeout, FaceNotFound
from hardware.ports import Face
from hardware.status import DeviceState, DeviceStatus

log = logging.getLogger(__name__)

T = TypeVar("T")
# cv2's own stubs leave out its cv2.data module
_CASCADES: str = cv2.data.haarcascades  # type: ignore[attr-defined]
FACE_CASCADE = _CASCADES + "haarcascade_frontalface_default.xml"
# Faces are looked for on a grey copy at most this wide (a 640 px frame costs the cascade
# six times a 256 px one, and a face standing at the kiosk is still over 48 px there).
DETECT_WIDTH = 256


def portrait_jpeg(frame: np.ndarray, face: Face) -> bytes:
    """Crop a 3:4 portrait around the face with room for hair and shoulders, as JPEG."""
    cx, cy = face.x + face.width // 2, face.y + face.height // 2
    half_w = int(face.width * 0.9)
    half_h = half_w * 4 // 3
    height, width = frame.shape[:2]
    top, bottom = max(cy - int(half_h * 0.9), 0), min(cy + int(half_h * 1.1), height)
    left, right = max(cx - half_w, 0), min(cx + half_w, width)
    crop = frame[top:bottom, left:right]
    _ok, jpeg = cv2.imencode(".jpg", crop, [cv2.IMWRITE_JPEG_QUALITY, 90])
    return jpeg.tobytes()


class OpenCvCamera:
    def __init__(self, name: str = "camera", source: int | str = 0, min_face: int = 60):
        self.name = name
        self._source = source
        self._min_face = min_face
        self._capture: cv2.VideoCapture | None = None
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._faces = cv2.CascadeClassifier(FACE_CASCADE)
        self._qr = cv2.QRCodeDetector()
        self._last_error: DeviceOffline | None = None

    def _open(self) -> cv2.VideoCapture:
        if self._capture is None or not self._capture.isOpened():
            self._capture = cv2.VideoCapture(self._source)
            if not self._capture.isOpened():
                self._capture = None
                raise DeviceOffline(self.name, f"cannot open video source {self._source!r}")
        return self._capture

    def frame(self) -> np.ndarray:
        with self._lock:
            try:
                capture = self._open()
                ok, image = capture.read()
                if not ok and isinstance(self._source, str):  # end of a video file: loop
                    capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
                    ok, image = capture.read()
                if not ok:
                    raise DeviceOffline(self.name, "no picture from the camera")
            except DeviceOffline as error:
                if self._last_error is None:
                    log.warning("%s: %s", self.name, error)
                self._last_error = error
                raise
            self._last_error = None
            return image

    def find_face(self, frame: np.ndarray) -> Face | None:
        """The largest face, in the frame's own pixels; looked for on a grey copy scaled down
        to DETECT_WIDTH (and `min_face` with it)."""
        gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        height, width = gray.shape[:2]
        scale = min(1.0, DETECT_WIDTH / width)
        if scale < 1.0:
            size = (DETECT_WIDTH, max(1, round(height * scale)))
            gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
        smallest = max(1, round(self._min_face * scale))
        found = self._faces.detectMultiScale(
            cv2.equalizeHist(gray), scaleFactor=1.1, minNeighbors=5, minSize=(smallest, smallest)
        )
        if len(found) == 0:
            return None
        x, y, w, h = (round(v / scale) for v in max(found, key=lambda r: r[2] * r[3]))
        return Face(x, y, w, h)

    def face_present(self) -> bool:
        return self.find_face(self.frame()) is not None

    def _look(
        self, what: Callable[[np.ndarray], T | None], timeout: float, cancel: threading.Event | None
    ) -> T | None:
        """Examine frames until `what` finds something, the time is up (None) or cancel."""
        self._cancel.clear()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._cancel.is_set() or (cancel is not None and cancel.is_set()):
                raise Cancelled(self.name)
            found = what(self.frame())
            if found is not None:
                return found
        return None

    def capture_photo(self, timeout: float, cancel: threading.Event | None = None) -> bytes:
        def framed(image: np.ndarray) -> bytes | None:
            face = self.find_face(image)
            return portrait_jpeg(image, face) if face else None

        photo = self._look(framed, timeout, cancel)
        if photo is None:
            raise FaceNotFound(self.name, f"no face within {timeout:g} s")
        return photo

    def scan_code(self, timeout: float, cancel: threading.Event | None = None) -> str:
        def decoded(image: np.ndarray) -> str | None:
            text, _points, _ = self._qr.detectAndDecode(image)
            return text or None

        payload = self._look(decoded, timeout, cancel)
        if payload is None:
            raise DeviceTimeout(self.name, f"no QR code within {timeout:g} s")
        log.info("%s: QR code read (%d characters)", self.name, len(payload))
        return payload

    def status(self) -> DeviceStatus:
        try:
            self.frame()
        except DeviceOffline as error:
            return DeviceStatus(self.name, DeviceState.OFFLINE, {}, error.message_key)
        return DeviceStatus(self.name, DeviceState.ONLINE)

    def reset(self) -> None:
        self.close()

    def cancel(self) -> None:
        self._cancel.set()

    def close(self) -> None:
        with self._lock:
            if self._capture is not None:
                self._capture.release()
                self._capture = None
