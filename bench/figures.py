"""Each figure of `python -m bench`, measured in a process of its own.

    .venv/bin/python -m bench.figures NAME [--quick]

prints the figure's rows as JSON on its last line: [figure, measured, goal, met?]. Met is
"yes", "NO" or "-" (reported, no goal)."""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

STALL_TICK_MS = 5


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def cold_start(quick: bool) -> list[list[str]]:
    """The `kiosk` command's own start: its module imported, then ui.app.run (window, voice,
    embedded sandbox, simulated devices, shown full screen) until the first paint event;
    started by the parent, which passes the wall-clock time it launched this process
    (BENCH_LAUNCHED). The loop is left right after that paint."""
    import ui.cli  # noqa: F401 (what `kiosk` imports before it runs)
    from kiosk.config import Config
    from ui.app import application, run

    app = application()
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        at: float | None = None
        cpu = 0.0  # this process's CPU seconds (all threads) by then: what a load cannot stretch
        main_cpu = 0.0  # the UI thread's alone
        screen = ""

        def eventFilter(self, obj, event):  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint and self.at is None:
                self.at, self.cpu = time.time(), time.process_time()
                self.main_cpu = time.thread_time()
                window = obj.window()
                self.screen = window.current_screen() if hasattr(window, "current_screen") else ""
                QTimer.singleShot(0, lambda: _stop(window))
            return False

    def _stop(window) -> None:
        window.allow_close()
        app.quit()

    first = FirstPaint()
    app.installEventFilter(first)
    with tempfile.TemporaryDirectory() as data:
        config = Config()
        config.kiosk.data_dir = data
        run(config)
    assert first.at is not None
    seconds = first.at - float(os.environ["BENCH_LAUNCHED"])
    return [
        [
            "cold start (one run)",
            f"{seconds:.2f} s, CPU {first.cpu:.2f} s, UI thread {first.main_cpu:.2f} s "
            f"({first.screen})",
            "<= 1.5 s",
            _met(seconds, 1.5),
        ]
    ]


def taps(quick: bool) -> list[list[str]]:
    """The storyboard's demo customers on the whole kiosk, both themes: from a button's click
    to the first paint after the engine entered the next step; a 5 ms timer meanwhile records
    how late it fires (bank calls in flight on the worker pool)."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QAbstractButton

    from ui.app import application
    from ui.storyboard import journeys, run_journey

    app = application()
    clicked_at = [0.0]
    in_click = [False]
    real_click = QAbstractButton.click

    def click(button) -> None:
        clicked_at[0] = time.perf_counter()
        _TAPS[0] += 1
        in_click[0] = True
        try:
            real_click(button)
        finally:
            in_click[0] = False

    QAbstractButton.click = click  # the bench's process only: the tap's moment
    waits: list[float] = []  # steps the tap itself entered
    after_call: list[float] = []  # steps entered when a bank or device call answered
    entered: list[list[float] | None] = [None]

    class Painted(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint and entered[0] is not None:
                entered[0].append(time.perf_counter() - clicked_at[0])
                entered[0] = None
            return False

    painted = Painted()
    app.installEventFilter(painted)
    lateness = [0.0]
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        lateness[0] = max(lateness[0], now - last[0] - STALL_TICK_MS / 1000)
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(STALL_TICK_MS)
    happy = {"guide", "water_bill_paid", "checked_in_by_qr", "senior_by_phone"}
    chosen = [j for j in journeys.JOURNEYS if j.flow != "kiosk" and (not quick or j.name in happy)]
    per_flow: dict[str, list[int]] = {}
    stuck = []
    from ui.storyboard import customer as customer_module

    real_init = customer_module.Customer.__init__

    def hooked_init(self, window) -> None:
        real_init(self, window)
        self.engine.step_entered.connect(
            lambda _view: entered.__setitem__(0, waits if in_click[0] else after_call)
        )
        last[0] = time.perf_counter()  # the stall timer counts from the customer's first wait

    customer_module.Customer.__init__ = hooked_init
    for theme in ("standard", "care"):
        for j in chosen:
            before_taps, before_steps = _count(), len(waits) + len(after_call)
            _shots, problem = run_journey(j, "zh_CN", theme, Taken(), out=None, check=False)
            if problem:
                stuck.append(problem)
            if theme == "standard":
                per_flow[j.name] = [
                    _count() - before_taps,
                    len(waits) + len(after_call) - before_steps,
                ]
    timer.stop()
    ms = [w * 1000 for w in waits]
    called = [w * 1000 for w in after_call] or [0.0]
    p95 = percentile(ms, 0.95)
    rows = [
        [
            f"tap -> next step painted, {len(ms)} steps of {len(chosen)} journeys x 2 themes "
            "(p50 / p95 / max)",
            f"{statistics.median(ms):.0f} / {p95:.0f} / {max(ms):.0f} ms",
            "p95 <= 50 ms",
            _met(p95, 50),
        ],
        [
            f"  tap -> step painted after a bank/device call, {len(called)} steps "
            "(p50 / p95 / max)",
            f"{statistics.median(called):.0f} / {percentile(called, 0.95):.0f} / "
            f"{max(called):.0f} ms",
            "-",
            "-",
        ],
        [
            "longest event-loop stall during those visits (5 ms timer's lateness)",
            f"{lateness[0] * 1000:.0f} ms",
            "<= 50 ms",
            _met(lateness[0] * 1000, 50),
        ],
    ]
    for name, (n_taps, n_steps) in per_flow.items():
        rows.append(
            [f"taps / steps entered, storyboard journey {name}", f"{n_taps} / {n_steps}", "-", "-"]
        )
    for problem in stuck:
        rows.append([f"journey stuck: {problem}", "-", "-", "NO"])
    return rows


_TAPS = [0]


class Taken(set):
    """Every screen counts as photographed already: the storyboard's board then reads no
    screen text and settles no layout at each step, which would be counted in the figures."""

    def __contains__(self, _key) -> bool:
        return True


def _count() -> int:
    return _TAPS[0]


def soak(quick: bool) -> list[list[str]]:
    from bench.soak import soak as run_soak

    beats, visits = (100, 50) if quick else (10_080, 1_000)
    f = run_soak(beats, visits)
    start, middle, end = f["start"], f["middle"], f["end"]
    growth_mb = (end["rss_kib"] - start["rss_kib"]) / 1024
    # flat: no more in the second half than at its start (pools fill in the first visits)
    flat = all(end[k] <= middle[k] for k in ("threads", "fds", "qobjects"))
    return [
        [
            f"{f['visits']} whole visits in one process: RSS growth",
            f"{growth_mb:+.1f} MB",
            "<= 10 MB",
            _met(growth_mb, 10),
        ],
        [
            # warm-up (allocator arenas, SQLite page caches, Qt's font and style caches fill
            # in the first ~200 visits) against what a visit still leaves after it
            "  RSS growth in the second half (after warm-up)",
            f"{(end['rss_kib'] - middle['rss_kib']) / 1024:+.1f} MB",
            "<= 5 MB",
            _met((end["rss_kib"] - middle["rss_kib"]) / 1024, 5),
        ],
        [
            "  what the visits ended on (paper rolls changed by staff)",
            ", ".join(f"{end or 'no result'} {n}" for end, n in f["ended_on"].items())
            + f" ({f['paper_rolls']} rolls)",
            "mostly paid / ticket",
            "yes"
            if sum(f["ended_on"].get(k, 0) for k in ("paid", "ticket")) >= 0.9 * f["visits"]
            else "NO",
        ],
        [
            "  threads / fds / live Qt objects, after the first visit -> half way -> end",
            " / ".join(
                f"{start[k]}->{middle[k]}->{end[k]}" for k in ("threads", "fds", "qobjects")
            ),
            "flat",
            "yes" if flat else "NO",
        ],
    ]


def devices(quick: bool) -> list[list[str]]:
    """Our layer against the bare library on the same input, side by side in this run."""
    from bench.ratios import rows

    return rows(quick)


def stall(quick: bool) -> list[list[str]]:
    """The longest event-loop stall while everything runs at once: the QR step's live camera
    view at ~15 fps, the recognizer listening (Korean, care mode, a WAV of room noise as the
    microphone) and a heartbeat to the bank in flight (the sandbox holds each for 2 s)."""
    import numpy as np
    from PySide6.QtCore import QTimer

    from kiosk.config import Config
    from ui.app import application, build_window

    seconds = 5.0 if quick else 20.0
    app = application()
    folder = tempfile.mkdtemp(prefix="bench-stall-")
    noise = os.path.join(folder, "room.wav")
    _room_noise(noise, seconds + 30, np)
    config = Config()
    config.kiosk.data_dir = folder
    config.backend.heartbeat_s = 1.0  # the next beat a second after the last one came back
    window = build_window(config, voice_input=noise)
    window.setGeometry(0, 0, 1920, 1080)
    window.show()
    kiosk, engine = window.kiosk, window.engine
    assert kiosk.sandbox is not None
    kiosk.sandbox.arm_fault("send_heartbeat", "delay", count=100, delay_s=2.0)
    kiosk.set_language("ko")
    kiosk.set_care_mode(True)
    beats = [0]
    client = engine.services.backend
    real_beat = client.send_heartbeat

    def beat(*args, **kwargs):
        beats[0] += 1
        return real_beat(*args, **kwargs)

    client.send_heartbeat = beat
    kiosk.begin("appointment_checkin")
    _settle_until(app, lambda: engine.view is not None and engine.view.step.id == "method")
    engine.submit("qr")
    view = window.step_screen
    navigator = window.voice.navigator

    def ready() -> bool:
        camera = view.camera_view is not None and view.camera_view.frames > 3
        return camera and navigator.speech_in is not None and navigator.speech_in.listening

    _settle_until(app, ready, 120.0)  # the Korean model loads on a worker first
    listening = True
    lateness: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        lateness.append(now - last[0] - STALL_TICK_MS / 1000)
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    frames0, beats0 = view.camera_view.frames, beats[0]
    timer.start(STALL_TICK_MS)
    last[0] = time.perf_counter()
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    fps = (view.camera_view.frames - frames0) / seconds
    in_flight = beats[0] - beats0
    engine.cancel()  # the QR step's scan returns on the worker, so no work outlives the kiosk
    _settle_until(app, lambda: engine.session is None or not engine.busy, 30.0)
    window.step_screen.stop_camera()
    window.kiosk_runner.wait_idle(30_000)
    window.allow_close()
    kiosk.close()
    worst = max(lateness) * 1000
    return [
        [
            f"longest event-loop stall, {seconds:.0f} s on the QR step: camera view at "
            f"{fps:.1f} fps, recognizer {'listening' if listening else 'NOT listening'}, "
            f"{in_flight} heartbeats held 2 s by the bank (max / p99 of the 5 ms timer)",
            f"{worst:.0f} / {percentile(lateness, 0.99) * 1000:.0f} ms",
            "<= 50 ms",
            _met(worst, 50),
        ]
    ]


def _room_noise(path: str, seconds: float, np) -> None:
    import wave

    rng = np.random.default_rng(7)
    samples = (rng.normal(0, 60, int(16000 * seconds))).astype(np.int16)
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(samples.tobytes())


def _settle_until(app, condition, seconds: float = 90.0) -> None:
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            raise RuntimeError("the kiosk never got there")
        app.processEvents()
        time.sleep(0.005)


def branch(quick: bool) -> list[list[str]]:
    from bench.branch_load import branch_load

    kiosks, visits = (50, 2) if quick else (50, 20)
    f = branch_load(kiosks, visits)
    sound = f["lost"] == f["doubled"] == f["unknown"] == f["wrong_balance"] == 0
    sound = sound and f["replays_differing"] == 0 and f["error_count"] == 0
    worst_op = max(f["p99_by_operation"].items(), key=lambda kv: kv[1])
    return [
        [
            f"sandbox on PostgreSQL ({f['servers']} sandbox processes), {kiosks} kiosks at once, "
            f"each its own token, {visits} whole visits each back to back: per call "
            "(p50 / p99 / max)",
            f"{f['p50_ms']:.0f} / {f['p99_ms']:.0f} / {f['max_ms']:.0f} ms "
            f"(slowest p99: {worst_op[0]} {worst_op[1]:.0f} ms)",
            "p99 <= 100 ms",
            _met(f["p99_ms"], 100),
        ],
        [
            "  throughput",
            f"{f['visits'] / f['seconds']:.1f} visits/s, {f['calls'] / f['seconds']:.0f} calls/s "
            f"({f['visits']} visits, {f['calls']} calls in {f['seconds']:.1f} s)",
            "reported",
            "-",
        ],
        [
            "  payments: told to kiosks / in the bank / sent twice under one key",
            f"{f['told_paid']} / {f['payments']} / {f['replays']}; lost {f['lost']}, doubled "
            f"{f['doubled']}, unknown {f['unknown']}, wrong balance {f['wrong_balance']}, "
            f"replay answered differently {f['replays_differing']}, errors {f['error_count']}",
            "none lost or doubled",
            "yes" if sound else "NO",
        ],
    ]


def voice(quick: bool) -> list[list[str]]:
    from pathlib import Path

    from bench.voice_latency import Catalog, SpeechIn, VoiceModels, first_audio, guide_commands

    rows = []
    model = VoiceModels({}).load("ko")
    if model is None:
        rows.append(["end of speech -> command", "not measured: no Korean vosk model", "-", "-"])
    else:
        folder = Path(tempfile.mkdtemp(prefix="bench-voice-"))
        speech_in = SpeechIn(model, "ko")
        for mode, latency, _goal in guide_commands(
            speech_in, folder, Catalog("ko"), 1 if quick else 3
        ):
            median = float(latency.split("/")[0])
            rows.append(
                [
                    f"end of speech -> command, {mode} (median / p95)",
                    f"{latency} ms",
                    "<= 500 ms",
                    _met(median, 500),
                ]
            )
    for case, latency, _goal in first_audio(3 if quick else 20):
        median = float(latency.split("/")[0])
        rows.append(
            [
                f"step entered -> first audio, {case} (median / p95)",
                f"{latency} ms",
                "<= 300 ms",
                _met(median, 300),
            ]
        )
    return rows


STM_BASELINE = (
    "选业务 → 协议 → 读身份证 → 人脸+联网核查 → 短信验证码 → 信息确认 → 密码 → 授权 → 发卡 → 回单"
)


def flows(quick: bool) -> list[list[str]]:
    """Taps, screens and customer time of each flow's scripted happy path (the engine, the
    sandbox over HTTP and the simulators, no screen), beside an ICBC/CCB-style STM's account
    opening. Customer time: 2 s a tap, 0.7 s a keypad digit or PIN-pad key, 20 s to read a
    long text, plus what the devices take with a customer in front of them (ATM practice:
    bench/flows_account_card.py, bench/flows_bill_checkin.py)."""
    import bench.flows_account_card as opening_bench
    import bench.flows_bill_checkin as bill_bench
    from kiosk.app import build_kiosk
    from kiosk.config import Config
    from kiosk.flows.model import StepKind
    from kiosk.runtime import InlineRunner, ManualClock

    class Keyed(bill_bench.Customer):
        """Counts a keyed-in value as its digits and one confirm tap."""

        digits = 0

        def answer(self, step_id: str, value: str = "confirm") -> None:
            view = self.engine.view
            if view is not None and view.step.kind is StepKind.FIELD:
                self.digits += len(value)
                self.taps -= len(value)  # the parent counts each digit as a tap
            super().answer(step_id, value)

    def kiosk_in(folder: str):
        config = Config()
        config.kiosk.data_dir = folder
        kiosk = build_kiosk(config, InlineRunner(), ManualClock())
        screens = [0]
        kiosk.engine.step_entered.connect(lambda _view: screens.__setitem__(0, screens[0] + 1))
        return kiosk, screens

    rows = [
        [
            f"baseline: ICBC/CCB-style STM account opening and card ({STM_BASELINE})",
            "10 screens, ~180 s",
            "-",
            "-",
        ]
    ]
    with tempfile.TemporaryDirectory() as folder:
        kiosk, screens = kiosk_in(folder)
        try:
            opened, _wall = opening_bench.account_opening(kiosk)
            opening_screens = screens[0]
            issued, _wall = opening_bench.card_issue_after_account_opening(kiosk)
        finally:
            kiosk.close()
    for name, c, n in (
        ("account opening (class II)", opened, opening_screens),
        ("card issue right after it", issued, screens[0] - opening_screens),
    ):
        rows.append(
            [
                f"taps / screens / customer time: {name}",
                f"{c.taps} taps + {c.digits} digits + {c.pin_keys} PIN-pad keys / {n} screens / "
                f"{c.device_s + c.customer_s:.0f} s",
                "reported",
                "-",
            ]
        )
    for name, path in bill_bench.PATHS.items():
        with tempfile.TemporaryDirectory() as folder:
            kiosk, screens = kiosk_in(folder)
            try:
                c = Keyed(kiosk.engine)
                path(kiosk, c)
            finally:
                kiosk.close()
        pin_keys = 7 if name.startswith("bill") else 0
        seconds = (
            c.taps * opening_bench.TAP_S + (c.digits + pin_keys) * opening_bench.KEY_S + c.device_s
        )
        rows.append(
            [
                f"taps / screens / customer time: {name}",
                f"{c.taps} taps + {c.digits} digits + {pin_keys} PIN-pad keys / {screens[0]} "
                f"screens / {seconds:.0f} s",
                "reported",
                "-",
            ]
        )
    return rows


def camera_view(quick: bool) -> list[list[str]]:
    """The face step's live view at about 15 fps (bench/ui_camera_view.py): how late a 5 ms
    timer on the UI thread fires while it runs, with a real face video and the simulator."""
    from bench.ui_camera_view import cameras, measure

    seconds = 3 if quick else 8
    rows = []
    for name, camera in cameras():
        s = measure(camera, seconds)
        rows.append(
            [
                f"event-loop stall while the camera view runs, {name}, {seconds} s "
                f"at {s.fps:.0f} fps (5 ms timer's lateness: median / p99 / max)",
                f"{s.median_ms:.1f} / {s.p99_ms:.1f} / {s.max_ms:.1f} ms",
                "max <= 50 ms",
                _met(s.max_ms, 50),
            ]
        )
    return rows


def _met(value: float, goal: float) -> str:
    return "yes" if value <= goal else "NO"


FIGURES = {
    "cold_start": cold_start,
    "taps": taps,
    "stall": stall,
    "soak": soak,
    "branch": branch,
    "devices": devices,
    "camera_view": camera_view,
    "voice": voice,
    "flows": flows,
}

if __name__ == "__main__":
    name, quick = sys.argv[1], "--quick" in sys.argv
    print(json.dumps(FIGURES[name](quick)))
