"""Shared fixtures of the hardware tests: a real pcscd with the vpcd virtual reader and our
virtual card, and real picture/video files (a qrcode-made QR, scikit-image's astronaut)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
import qrcode
from skimage import data as skimage_data


def qr_image(payload: str) -> np.ndarray:
    """A QR code made by the qrcode package, as a BGR picture on a grey page."""
    img = qrcode.make(payload, box_size=8, border=4).convert("RGB")
    code = cv2.cvtColor(np.array(img), cv2.COLOR_RGB2BGR)
    page = np.full((480, 640, 3), 200, np.uint8)
    h, w = code.shape[:2]
    page[(480 - h) // 2 : (480 - h) // 2 + h, (640 - w) // 2 : (640 - w) // 2 + w] = code
    return page


@pytest.fixture(scope="session")
def media(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("media")
    files: dict[str, Path] = {}
    for name, payload in (("bill_qr", "BILL:water:1001234567"), ("appt_qr", "APPT:APT-7F3K9Q")):
        files[name] = folder / f"{name}.png"
        qrcode.make(payload).save(files[name])
        files[name + "_video"] = _video(folder / f"{name}.avi", qr_image(payload))
    astronaut = cv2.cvtColor(skimage_data.astronaut(), cv2.COLOR_RGB2BGR)  # a real face
    files["face"] = folder / "astronaut.png"
    cv2.imwrite(str(files["face"]), astronaut)
    files["face_video"] = _video(folder / "astronaut.avi", astronaut)
    coffee = cv2.cvtColor(skimage_data.coffee(), cv2.COLOR_RGB2BGR)  # a real photo, no face
    files["no_face"] = folder / "coffee.png"
    cv2.imwrite(str(files["no_face"]), coffee)
    files["no_face_video"] = _video(folder / "coffee.avi", coffee)
    return files


def _video(path: Path, picture: np.ndarray, frames: int = 8) -> Path:
    """A short MJPG video of one picture with a little camera shake, as a webcam would give."""
    h, w = picture.shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (w, h))
    assert writer.isOpened(), "OpenCV cannot write MJPG video here"
    for i in range(frames):
        shift = np.float32([[1, 0, i % 3], [0, 1, (i * 2) % 3]])
        writer.write(cv2.warpAffine(picture, shift, (w, h), borderMode=cv2.BORDER_REPLICATE))
    writer.release()
    return path
