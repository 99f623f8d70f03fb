"""The OpenCV camera on real files: qrcode-made QR codes and scikit-image's real photos."""

from __future__ import annotations

import threading

import cv2
import numpy as np
import pytest

from hardware.camera.opencv import OpenCvCamera
from hardware.errors import Cancelled, DeviceOffline, DeviceTimeout, FaceNotFound, RecommendedAction
from hardware.status import DeviceState


@pytest.mark.parametrize(
    "name, payload",
    [("bill_qr_video", "BILL:water:1001234567"), ("appt_qr_video", "APPT:APT-7F3K9Q")],
)
def test_reads_the_qr_code_shown_to_the_camera(media, name, payload):
    camera = OpenCvCamera(source=str(media[name]))
    assert camera.scan_code(timeout=10) == payload
    camera.close()


def test_reads_a_qr_png_made_by_qrcode(media):
    camera = OpenCvCamera(source=str(media["bill_qr"]))  # a still image is a one-frame video
    assert camera.scan_code(timeout=10) == "BILL:water:1001234567"


def test_face_presence_on_a_real_face_and_a_real_photo_without_one(media):
    with_face = OpenCvCamera(source=str(media["face_video"]))
    without = OpenCvCamera(source=str(media["no_face_video"]))
    assert with_face.face_present()
    assert not without.face_present()
    assert with_face.find_face(cv2.imread(str(media["no_face"]))) is None


def test_photo_is_a_jpeg_framed_on_the_face(media):
    camera = OpenCvCamera(source=str(media["face_video"]))
    photo = cv2.imdecode(
        np.frombuffer(camera.capture_photo(timeout=10), np.uint8), cv2.IMREAD_COLOR
    )
    height, width = photo.shape[:2]
    assert height > width  # portrait, like an ID photo
    face = camera.find_face(photo)
    assert face is not None  # the face is in the picture, and fills a good part of it
    assert face.width * face.height > 0.15 * width * height
    assert abs((face.x + face.width / 2) - width / 2) < width * 0.2


def test_video_file_loops_so_reading_never_runs_dry(media):
    camera = OpenCvCamera(source=str(media["no_face_video"]))
    for _ in range(20):  # the file has 8 frames
        assert camera.frame().shape == (400, 600, 3)


def test_no_face_or_no_code_gives_typed_errors(media):
    camera = OpenCvCamera(source=str(media["no_face_video"]))
    with pytest.raises(FaceNotFound) as caught:
        camera.capture_photo(timeout=0.5)
    assert caught.value.action is RecommendedAction.RETRY
    with pytest.raises(DeviceTimeout):
        camera.scan_code(timeout=0.5)
    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled):
        camera.scan_code(timeout=30, cancel=stop)


def test_missing_camera_is_offline(tmp_path):
    camera = OpenCvCamera(source=str(tmp_path / "unplugged.avi"))
    with pytest.raises(DeviceOffline):
        camera.frame()
    status = camera.status()
    assert status.state is DeviceState.OFFLINE and status.message_key == "devices.error.offline"
