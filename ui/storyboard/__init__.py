"""`kiosk storyboard`: every screen of the kiosk, drawn by the real window on the real engine,
the embedded sandbox bank and the simulated devices, headless at 1920x1080 — one PNG per
screen, language and theme, an index.html grid, and a check that no text is clipped or
elided, no widgets of one layout overlap, and no word is missing from the catalogs.

The demo customers' journeys are in ui/storyboard/journeys.py; the check in ui/layout_check.py.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.config import Config, load_config
from kiosk.flows.model import StepKind
from kiosk.i18n import load_language

THEMES = ("standard", "care")
SCREEN_SIZE = (1920, 1080)
SCREEN: dict[str, list[dict[str, Any]]] = {
    "screens": [
        {
            "name": "kiosk",
            "x": 0,
            "y": 0,
            "width": SCREEN_SIZE[0],
            "height": SCREEN_SIZE[1],
            "logicalDpi": 96,
            "logicalBaseDpi": 96,
            "dpr": 1,
        }
    ]
}

log = logging.getLogger(__name__)


def use_offscreen_1080p() -> None:
    """A 1920x1080 offscreen screen, unless a platform is configured already."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return
    path = Path(tempfile.gettempdir()) / "smart-teller-screen.json"
    # written whole then moved into place: another kiosk starting now may be reading it
    draft = path.with_suffix(f".{os.getpid()}.tmp")
    draft.write_text(json.dumps(SCREEN))
    draft.replace(path)
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={path}"


@dataclass
class Shot:
    flow: str
    name: str  # the step id, or the screen's name outside the flows
    variant: str  # a failure's message key, or the journey that shows a step again
    language: str
    theme: str
    file: str | None
    offences: list[str] = field(default_factory=list)
    text: str = ""  # what the screen said, for a reader of the run (and its test)

    @property
    def screen(self) -> tuple[str, str, str]:
        return self.flow, self.name, self.variant

    def label(self) -> str:
        variant = f" [{self.variant}]" if self.variant else ""
        return f"{self.flow}/{self.name}{variant} ({self.language}, {self.theme})"


@dataclass
class Storyboard:
    shots: list[Shot] = field(default_factory=list)
    stuck: list[str] = field(default_factory=list)  # journeys that could not finish
    seconds: float = 0.0

    @property
    def offences(self) -> list[str]:
        lines = [f"{s.label()}: {o}" for s in self.shots for o in s.offences]
        return lines + [f"journey stuck: {s}" for s in self.stuck]


def _catalog_texts(language: str) -> frozenset[str]:
    return frozenset(v for v in load_language(language).values() if isinstance(v, str))


class Board:
    """Photographs one journey on one kiosk: each step entered, each failure shown, and the
    screens the journey names."""

    def __init__(self, window, journey, language, theme, taken, out, check, missing, texts):
        self.window, self.journey = window, journey
        self.language, self.theme = language, theme
        self.taken = taken  # screens this run already has: (flow, name, variant)
        self.out, self.check_on = out, check
        self.missing, self.texts = missing, texts
        self.shots: list[Shot] = []
        engine = window.engine
        engine.step_entered.connect(self._step_entered)
        engine.step_failed.connect(self._step_failed)

    def _step_entered(self, view) -> None:
        step = view.step.id
        if step in self.journey.shows and view.flow.id == self.journey.flow:
            variant = self.journey.name
        elif view.step.kind is StepKind.RESULT:  # the same result step says why it failed
            session = self.window.engine.session
            failure = session.failure if session else None
            variant = failure.message_key if failure else ""
        else:
            variant = ""
        self._take(view.flow.id, step, variant)

    def _step_failed(self, error) -> None:
        view = self.window.engine.view
        if view is not None:
            self._take(view.flow.id, view.step.id, error.message_key)

    def dress(self) -> None:
        """The run's language and theme, as the customer chooses them on the home screen (and
        again after the kiosk went back to its own between customers)."""
        self.window.kiosk.set_language(self.language)
        self.window.kiosk.set_care_mode(self.theme == "care")

    def shoot(self, name: str, step: str | None = None) -> None:
        """A screen the journey names (home, a dialog, the supervisor's)."""
        view = self.window.engine.view
        flow = view.flow.id if view and step else self.journey.flow
        self._take(flow, step or name, name if step else "", force=True)

    def _take(self, flow: str, name: str, variant: str, force: bool = False) -> None:
        key = (flow, name, variant)
        if key in self.taken and not force:
            return
        self.taken.add(key)
        _settle(self.window)
        from ui.storyboard.customer import screen_text

        shot = Shot(flow, name, variant, self.language, self.theme, None)
        shot.text = screen_text(self.window)
        if self.out is not None:
            stem = "--".join(p for p in (flow, name, variant.replace(".", "_")) if p)
            shot.file = f"{stem}--{self.language}--{self.theme}.png"
            self.window.grab().save(str(self.out / shot.file))
        if self.check_on:
            from PySide6.QtCore import QSize

            from ui.layout_check import check

            screen = QSize(*SCREEN_SIZE)
            shot.offences = [str(o) for o in check(self.window, self.texts, screen)]
            shot.offences += [f"missing: {m}" for m in self.missing]
        self.missing.clear()
        self.shots.append(shot)


def _settle(window) -> None:
    """Shows and lays out the screen just built, as the next turn of the event loop would,
    without running anything else that is waiting (the workers' answers): a widget added to a
    shown layout is shown by a call Qt queues to that widget."""
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QWidget

    for widget in window.findChildren(QWidget):
        QCoreApplication.sendPostedEvents(widget, QEvent.Type.MetaCall)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)


def _config(base: str | None) -> Config:
    config = load_config(base)
    # a fresh sandbox bank for each journey: today's demo bookings, nothing paid yet
    config.kiosk.data_dir = tempfile.mkdtemp(prefix="smart-teller-storyboard-")
    return config


def run_journey(
    journey,
    language: str,
    theme: str,
    taken: set,
    *,
    out: Path | None,
    check: bool,
    config: str | None = None,
) -> tuple[list[Shot], str | None]:
    """One journey on a kiosk of its own; its shots, and why it got stuck (or None)."""
    from ui.app import build_window
    from ui.layout_check import missing_words
    from ui.qt_runtime import QtRunner
    from ui.storyboard.customer import Customer, Stuck

    cfg = _config(config)
    runner = QtRunner()
    window = build_window(cfg, runner)
    window.setGeometry(0, 0, 1920, 1080)
    window.show()
    problem = None
    with missing_words() as missing:
        board = Board(
            window, journey, language, theme, taken, out, check, missing, _catalog_texts(language)
        )
        customer = Customer(window)
        try:
            window.show_home()
            board.dress()
            journey.script(customer, board)
        except Stuck as exc:
            problem = f"{journey.name} ({language}, {theme}): {exc}"
            log.error("storyboard: %s", problem)
        finally:
            _close(window, runner)
            shutil.rmtree(cfg.kiosk.data_dir, ignore_errors=True)
    return board.shots, problem


def _close(window, runner) -> None:
    window.allow_close()
    if window.engine.active:  # at once: nobody is left to take a card back
        window.engine.end("cancelled")
    for device in window.engine.services.devices.all():
        device.cancel()
    runner.settle()  # the journey's last answers reach this kiosk, not the next one
    window.kiosk.close()
    window.close()
    window.deleteLater()
    from PySide6.QtCore import QCoreApplication, QEvent

    # no event loop runs between journeys: free the kiosk's widgets now, and what its
    # callbacks still hold (a speech model is hundreds of MB), not at exit
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


def run(
    languages: Sequence[str],
    themes: Sequence[str] = THEMES,
    flows: Iterable[str] | None = None,
    *,
    journeys: Iterable[str] | None = None,
    out: Path | None = None,
    check: bool = True,
    config: str | None = None,
    report=print,
) -> Storyboard:
    """Every journey (of `flows`, or those named in `journeys`, or all) in every language and
    theme."""
    from ui.app import application
    from ui.storyboard.journeys import JOURNEYS

    application()
    _quiet_offscreen_warnings()
    flows, names = set(flows or ()), set(journeys or ())
    chosen = [
        j for j in JOURNEYS if (not flows or j.flow in flows) and (not names or j.name in names)
    ]
    board = Storyboard()
    started = time.monotonic()
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    for language in languages:
        for theme in themes:
            taken: set = set()
            for journey in chosen:
                shots, problem = run_journey(
                    journey, language, theme, taken, out=out, check=check, config=config
                )
                board.shots += shots
                if problem:
                    board.stuck.append(problem)
            report(f"{language} {theme}: {len(taken)} screens")
    board.seconds = time.monotonic() - started
    return board


def _quiet_offscreen_warnings() -> None:
    """The offscreen platform warns on every window it cannot size from hints; nothing else."""
    from PySide6.QtCore import qInstallMessageHandler

    previous = None

    def handler(kind, context, message: str) -> None:
        if "propagateSizeHints" not in message and previous is not None:
            previous(kind, context, message)
        elif "propagateSizeHints" not in message:
            print(message)

    previous = qInstallMessageHandler(handler)


def never_shown(board: Storyboard) -> dict[str, list[str]]:
    """The steps of each flow no journey reached, so a new step without a script shows up."""
    from kiosk.flows import flow_registry

    shown = {(s.flow, s.name) for s in board.shots}
    walked = {s.flow for s in board.shots}
    return {
        flow.id: missing
        for flow in flow_registry().values()
        if flow.id in walked
        and (missing := [s.id for s in flow.steps if (flow.id, s.id) not in shown])
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="kiosk storyboard", description=__doc__)
    parser.add_argument("--out", help="folder for the PNG files and index.html")
    parser.add_argument("--check", action="store_true", help="exit 1 listing every offence")
    parser.add_argument("--languages", help="comma-separated (default: the kiosk's four)")
    parser.add_argument("--themes", default=",".join(THEMES), help="standard,care")
    parser.add_argument("--flows", help="comma-separated flow ids (and 'kiosk' for the rest)")
    parser.add_argument(
        "--journeys", help="comma-separated journey names (ui/storyboard/journeys.py)"
    )
    parser.add_argument("--montage", help="also a PNG of a few thumbnails (the README's)")
    parser.add_argument("--config", help="TOML configuration file")
    args = parser.parse_args(argv)
    if not args.out and not args.check:
        parser.error("say where the pictures go (--out DIR), or --check, or both")
    use_offscreen_1080p()
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    languages = args.languages.split(",") if args.languages else list(Config().kiosk.languages)
    out = Path(args.out) if args.out else None
    board = run(
        languages,
        args.themes.split(","),
        args.flows.split(",") if args.flows else None,
        journeys=args.journeys.split(",") if args.journeys else None,
        out=out,
        check=args.check,
        config=args.config,
    )
    screens = {s.screen for s in board.shots}
    print(
        f"{len(screens)} screens, {len(board.shots)} pictures in {board.seconds:.0f} s"
        f" ({len(languages)} languages x {len(args.themes.split(','))} themes)"
    )
    for flow, steps in never_shown(board).items():
        print(f"not reached in {flow}: {', '.join(steps)}")
    if out is not None:
        from ui.storyboard.index import write_index, write_montage

        print(write_index(board, out, never_shown(board)))
        if args.montage:
            print(write_montage(board, out, Path(args.montage)))
    offences = board.offences
    if args.check:
        for line in offences:
            print(line)
        print(f"{len(offences)} offences")
    return 1 if args.check and offences else 0
