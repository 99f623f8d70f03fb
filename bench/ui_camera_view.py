"""Does the live camera view stall the screen? The event loop's longest gap while the face
step's view runs (frames grabbed, faces looked for and converted on the camera thread), with
the OpenCV camera playing a real face video, and with the simulated camera.

Run: .venv/bin/python bench/ui_camera_view.py  (headless; about 20 s)
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import cv2
from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
from skimage import data as skimage_data

from hardware.camera.opencv import OpenCvCamera
from hardware.camera.simulated import SimulatedCamera
from ui.camera_view import CameraView

SECONDS = 8
TICK_MS = 5  # the loop is asked to wake this often; a late wake-up is a stall


def face_video() -> Path:
    path = Path(tempfile.mkdtemp()) / "astronaut.avi"
    picture = cv2.cvtColor(skimage_data.astronaut(), cv2.COLOR_RGB2BGR)
    h, w = picture.shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 15, (w, h))
    for _ in range(30):
        writer.write(picture)
    writer.release()
    return path


def measure(name: str, camera) -> None:
    view = CameraView(camera, face=True, colours=("#1E7B3A", "#FFFFFF"))
    view.resize(1100, 800)
    view.show()
    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    timer.start()
    loop = QEventLoop()
    QTimer.singleShot(SECONDS * 1000, loop.quit)
    started = time.perf_counter()
    loop.exec()
    elapsed = time.perf_counter() - started
    timer.stop()
    view.stop()
    fps = view.frames / elapsed
    print(
        f"| {name:<28} | {fps:>5.1f} | {statistics.median(gaps):>6.1f} | "
        f"{sorted(gaps)[int(len(gaps) * 0.99)]:>6.1f} | {max(gaps):>6.1f} |"
    )


def main() -> None:
    QApplication.instance() or QApplication([])
    print(f"live camera view, {SECONDS} s each; gaps between {TICK_MS} ms ticks of the UI loop")
    print("| camera                       |   fps | median |    p99 |    max |")
    print("|---|---|---|---|---|")
    measure("OpenCV, real face video", OpenCvCamera(source=str(face_video())))
    simulated = SimulatedCamera(face=True)
    measure("simulated, face shown", simulated)


if __name__ == "__main__":
    main()
