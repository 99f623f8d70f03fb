"""Does the live camera view stall the screen? While the face step's view runs (frames
grabbed, faces looked for and converted on the camera thread, painted on the UI thread at
about 15 fps), a 5 ms timer on the UI thread records how late it fires: its worst lateness is
the longest stall. With the OpenCV camera playing a real face video, and with the simulated
camera. `python -m bench` puts the rows in its table (`bench.figures.camera_view`).

Run alone: .venv/bin/python bench/ui_camera_view.py  (headless; about 20 s)
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SECONDS = 8
TICK_MS = 5  # the loop is asked to wake this often; a late wake-up is a stall


@dataclass(frozen=True)
class Stall:
    fps: float  # pictures the view painted a second
    median_ms: float  # the timer's lateness
    p99_ms: float
    max_ms: float


def face_video() -> Path:
    """A short MJPG video of a real face (scikit-image's astronaut), for OpenCV to play."""
    import cv2
    from skimage import data as skimage_data

    path = Path(tempfile.mkdtemp(prefix="bench-camera-")) / "astronaut.avi"
    picture = cv2.cvtColor(skimage_data.astronaut(), cv2.COLOR_RGB2BGR)
    h, w = picture.shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 15, (w, h))
    for _ in range(30):
        writer.write(picture)
    writer.release()
    return path


def measure(camera, seconds: float = SECONDS) -> Stall:
    """The view on `camera` shown at the face step's size for `seconds`, the timer beside it."""
    from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from ui.camera_view import CameraView

    QApplication.instance() or QApplication([])
    view = CameraView(camera, face=True, colours=("#1E7B3A", "#FFFFFF"))
    view.resize(1100, 800)
    view.show()
    late: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.nsecsElapsed()]

    def tick() -> None:
        now = clock.nsecsElapsed()
        late.append(max(0.0, (now - last[0]) / 1e6 - TICK_MS))
        last[0] = now

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    timer.start()
    started, frames = time.perf_counter(), view.frames
    loop.exec()
    elapsed = time.perf_counter() - started
    timer.stop()
    painted = view.frames - frames
    view.stop()
    view.deleteLater()
    ordered = sorted(late)
    return Stall(
        fps=painted / elapsed,
        median_ms=statistics.median(ordered),
        p99_ms=ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        max_ms=ordered[-1],
    )


def cameras() -> list[tuple[str, object]]:
    from hardware.camera.opencv import OpenCvCamera
    from hardware.camera.simulated import SimulatedCamera

    return [
        ("OpenCV camera, real face video", OpenCvCamera(source=str(face_video()))),
        ("simulated camera, face shown", SimulatedCamera(face=True)),
    ]


def main() -> None:
    print(f"live camera view, {SECONDS} s each; lateness of a {TICK_MS} ms timer on the UI loop")
    print("| camera                         |   fps | median |    p99 |    max |")
    print("|---|---|---|---|---|")
    for name, camera in cameras():
        s = measure(camera)
        print(
            f"| {name:<30} | {s.fps:>5.1f} | {s.median_ms:>6.1f} | {s.p99_ms:>6.1f} |"
            f" {s.max_ms:>6.1f} |"
        )


if __name__ == "__main__":
    main()
