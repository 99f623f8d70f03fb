from __future__ import annotations

import threading

import cv2
import numpy as np
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


def test_frames_show_the_code_held_up_and_opencv_reads_it():
    camera = SimulatedCamera()
    empty = camera.frame()
    assert cv2.QRCodeDetector().detectAndDecode(empty)[0] == ""
    camera.show_code("APPT:APT-7F3K9Q")
    assert cv2.QRCodeDetector().detectAndDecode(camera.frame())[0] == "APPT:APT-7F3K9Q"


def test_frames_show_a_person_only_while_one_stands_there():
    camera = SimulatedCamera()
    wall = camera.frame()
    camera.set_face(True)
    person = camera.frame()
    face = camera.find_face(person)
    assert face is not None
    inside = (slice(face.y, face.y + face.height), slice(face.x, face.x + face.width))
    assert not np.array_equal(person[inside], wall[inside])  # the head is drawn where it is found
