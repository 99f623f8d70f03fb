from __future__ import annotations

import threading

import pytest

from hardware.camera.simulated import SimulatedCamera
from hardware.errors import FaceNotFound


def test_face_and_code_are_what_the_test_says():
    camera = SimulatedCamera()
    assert not camera.face_present()
    with pytest.raises(FaceNotFound):
        camera.capture_photo(timeout=0.1)
    camera.set_face(True)
    assert camera.face_present() and camera.capture_photo(timeout=1)[:2] == b"\xff\xd8"
    threading.Timer(0.1, camera.show_code, args=("APPT:APT-7F3K9Q",)).start()
    assert camera.scan_code(timeout=30) == "APPT:APT-7F3K9Q"


def test_code_from_config():
    assert SimulatedCamera(code="BILL:water:1001234567").scan_code(1) == "BILL:water:1001234567"
