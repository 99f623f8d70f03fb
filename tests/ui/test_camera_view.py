"""The live camera view with the simulated camera and with OpenCV playing real photos: frames
arrive off the UI thread, the oval follows the face, a read code turns the square green."""

from __future__ import annotations

import cv2
import numpy as np
from skimage import data as skimage_data

from hardware.camera.opencv import OpenCvCamera
from hardware.camera.simulated import SimulatedCamera
from hardware.ports import Face
from tests.hardware.conftest import _video
from ui.camera_view import CameraView, framed, to_image


def test_frames_keep_their_colours():
    frame = np.zeros((4, 6, 3), np.uint8)
    frame[:, :, 2] = 255  # red, in OpenCV's BGR
    assert to_image(frame).pixelColor(1, 1).name() == "#ff0000"


def test_a_face_counts_as_framed_only_in_the_middle_and_near_enough():
    assert framed(Face(240, 160, 160, 160), 640, 480)
    assert not framed(Face(0, 0, 160, 160), 640, 480)  # in a corner
    assert not framed(Face(300, 220, 40, 40), 640, 480)  # far away
    assert not framed(None, 640, 480)


def test_the_oval_turns_green_with_a_face_and_back(qtbot):
    camera = SimulatedCamera()
    view = CameraView(camera, face=True, colours=("#1E7B3A", "#FFFFFF"))
    qtbot.addWidget(view)
    view.resize(640, 480)
    view.show()
    qtbot.waitUntil(lambda: view.frames > 0)
    assert not view.framed
    with qtbot.waitSignal(view.face_framed) as turned:
        camera.set_face(True)
    assert turned.args == [True]
    image = view.grab().toImage()
    assert image.pixelColor(320, 240 - int(480 * 0.75 / 2)).name() == "#1e7b3a"  # the oval's top
    view.stop()
    assert not view._thread.isRunning()


def test_a_code_step_acknowledges_the_read_code(qtbot):
    view = CameraView(
        SimulatedCamera(code="APPT:APT-7F3K9Q"), face=False, colours=("#1E7B3A", "#FFFFFF")
    )
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.frames > 0)
    assert not view.code_read
    view.acknowledge_code()
    assert view.code_read
    view.stop()


def test_the_oval_turns_green_on_a_real_face_and_not_on_a_real_photo_without_one(qtbot, tmp_path):
    """OpenCV plays scikit-image's astronaut, framed head and shoulders as at the kiosk (faces
    are looked for on a scaled-down grey copy, every other frame), then its coffee cup."""
    astronaut = cv2.cvtColor(skimage_data.astronaut(), cv2.COLOR_RGB2BGR)
    head = cv2.resize(astronaut[0:240, 103:343], (480, 480))  # her face in the middle
    coffee = cv2.cvtColor(skimage_data.coffee(), cv2.COLOR_RGB2BGR)
    for picture, name, face in ((head, "face.avi", True), (coffee, "coffee.avi", False)):
        camera = OpenCvCamera(source=str(_video(tmp_path / name, picture)))
        view = CameraView(camera, face=True, colours=("#1E7B3A", "#FFFFFF"))
        qtbot.addWidget(view)
        view.resize(640, 480)
        view.show()
        if face:
            with qtbot.waitSignal(view.face_framed) as turned:
                pass
            assert turned.args == [True]
        else:
            qtbot.waitUntil(lambda view=view: view.frames >= 6)  # three searches at least
            assert not view.framed
        view.stop()
        camera.close()
