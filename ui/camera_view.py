"""The live camera view of the face and QR steps: what the camera sees, about 15 times a second.

Frames are grabbed, searched for a face and turned into a QImage on a thread of their own (a
QTimer in that thread, no sleeping); the UI thread only paints the latest one. The face is
looked for on every other frame (the oval keeps its last state in between), so the picture
keeps its pace on a slow machine. The face oval
turns green when a face sits inside it; a code step frames a square where the code goes.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QMetaObject, QObject, QRectF, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from hardware.errors import DeviceError
from hardware.ports import Camera, Face

if TYPE_CHECKING:  # numpy comes with the first frame, not with the first paint
    import numpy as np

log = logging.getLogger(__name__)

FRAME_MS = 66  # about 15 frames a second
FACE_EVERY = 2  # frames per face search: the oval answers within 0.15 s


def to_image(frame: np.ndarray) -> QImage:
    """A BGR frame as a QImage that owns its pixels (the array may be reused)."""
    import numpy as np

    height, width = frame.shape[:2]
    rgb = np.ascontiguousarray(frame[:, :, ::-1])
    return QImage(rgb.data, width, height, width * 3, QImage.Format.Format_RGB888).copy()


def framed(face: Face | None, width: int, height: int) -> bool:
    """Is the face inside the oval (the middle of the picture) and large enough to use?"""
    if face is None:
        return False
    cx, cy = face.x + face.width / 2, face.y + face.height / 2
    return (
        abs(cx - width / 2) < width * 0.15
        and abs(cy - height / 2) < height * 0.2
        and face.height > height * 0.25
    )


class _Grabber(QObject):
    """Lives on the camera thread: grabs, looks for a face, converts, hands the picture over."""

    frame_ready = Signal(QImage, bool)  # the picture, whether a face is framed

    def __init__(self, camera: Camera, find_faces: bool):
        super().__init__()
        self.camera, self.find_faces = camera, find_faces
        self.timer: QTimer | None = None
        self.grabbed = 0
        self.framed = False  # the last search's answer, kept between searches

    @Slot()
    def start(self) -> None:
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self.grab)
        self.timer.start()
        self.grab()

    @Slot()
    def stop(self) -> None:
        """Runs on the camera thread: its timer is stopped and dropped where it lives."""
        if self.timer is not None:
            self.timer.stop()
            self.timer.setParent(None)
            self.timer = None

    @Slot()
    def grab(self) -> None:
        search = self.find_faces and self.grabbed % FACE_EVERY == 0
        try:
            frame = self.camera.frame()
            face = self.camera.find_face(frame) if search else None
        except DeviceError as exc:
            log.warning("camera view stopped: %s", type(exc).__name__)
            self.stop()
            return
        self.grabbed += 1
        if search:
            height, width = frame.shape[:2]
            self.framed = framed(face, width, height)
        self.frame_ready.emit(to_image(frame), self.framed)


class CameraView(QWidget):
    """Paints the camera's latest picture with the face oval or the code's square."""

    face_framed = Signal(bool)  # changed: the oval turned green, or back

    def __init__(self, camera: Camera, *, face: bool, colours: tuple[str, str]):
        super().__init__()
        self.setObjectName("camera_view")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.for_face = face
        self.ready_colour, self.waiting_colour = (QColor(c) for c in colours)
        self.image: QImage | None = None
        self.framed = False
        self.code_read = False
        self.frames = 0  # pictures shown, for tests and the benchmark
        self._thread = QThread()
        self._thread.setObjectName("camera-view")
        self._grabber = _Grabber(camera, face)
        self._grabber.moveToThread(self._thread)
        self._thread.started.connect(self._grabber.start)
        self._grabber.frame_ready.connect(self._show)
        self._thread.start()

    def stop(self) -> None:
        """Stops grabbing (the step is over); safe to call twice."""
        if self._thread.isRunning():
            QMetaObject.invokeMethod(
                self._grabber, "stop", Qt.ConnectionType.BlockingQueuedConnection
            )
            self._thread.quit()
            self._thread.wait()

    def acknowledge_code(self) -> None:
        """The code was read: the square turns green."""
        self.code_read = True
        self.update()

    def _show(self, image: QImage, face_framed: bool) -> None:
        self.image = image
        self.frames += 1
        if face_framed != self.framed:
            self.framed = face_framed
            self.face_framed.emit(face_framed)
        self.update()

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#1A1F24"))
        if self.image is None:
            return
        scaled = self.image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        target = QRectF(
            (self.width() - scaled.width()) / 2,
            (self.height() - scaled.height()) / 2,
            scaled.width(),
            scaled.height(),
        )
        # the face step is a mirror; QImage.mirrored is deprecated in Qt 6.9
        mirror = Qt.Orientation.Horizontal
        picture = self.image.flipped(mirror) if self.for_face else self.image
        painter.drawImage(target, picture)
        ready = self.framed if self.for_face else self.code_read
        pen = QPen(self.ready_colour if ready else self.waiting_colour, 10)
        if not ready:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        c = target.center()
        if self.for_face:
            w, h = target.width() * 0.36, target.height() * 0.75
            painter.drawEllipse(QRectF(c.x() - w / 2, c.y() - h / 2, w, h))
        else:
            side = min(target.width(), target.height()) * 0.7
            painter.drawRoundedRect(QRectF(c.x() - side / 2, c.y() - side / 2, side, side), 16, 16)
        painter.end()

    def hideEvent(self, event) -> None:
        self.stop()
        super().hideEvent(event)
