"""The whole kiosk for end-to-end journeys: the real window (pytest-qt, headless), the embedded
sandbox over real HTTP on loopback, simulated devices (or the PC/SC virtual card), a journal in a
temporary folder. Tests tap as a customer would and then look at what the backend and the
journal hold."""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QScrollArea
from pytestqt.exceptions import TimeoutError as QtWaitTimeout

from kiosk import formats
from ui.qt_runtime import QtRunner


def message_pattern(template: str, params: Mapping[str, object]) -> re.Pattern[str]:
    """A catalog template as a pattern: its words literally, each field the given parameter
    (formatted as the catalog would) or, when not given, any text."""
    parts: list[str] = []
    for literal, field, spec, conversion in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if field is None:
            continue
        if field in params:
            value = params[field]
            value = {"r": repr, "s": str, "a": ascii}[conversion](value) if conversion else value
            parts.append(re.escape(format(value, spec or "")))
        else:
            parts.append(".*?")
    return re.compile("".join(parts), re.DOTALL)


class KioskDriver:
    """A customer (and a tester) in front of the kiosk."""

    def __init__(self, qtbot, window, runner: QtRunner):
        self.qtbot, self.window, self.runner = qtbot, window, runner
        self.kiosk = window.kiosk
        self.engine = window.engine
        self.services = window.engine.services
        self.devices = self.services.devices
        self.backend = self.services.backend
        self.journal = self.services.journal
        self.sandbox = self.kiosk.sandbox

    # --- what a customer does --------------------------------------------------------------

    def buttons(self, name: str) -> list[QPushButton]:
        return [b for b in self.window.findChildren(QPushButton, name) if b.isVisible()]

    def tap(self, name: str, timeout_ms: int = 10_000) -> None:
        """Taps the visible, enabled button with this object name (waiting for it to show)."""

        def ready() -> bool:
            return any(b.isEnabled() for b in self.buttons(name))

        try:
            self.qtbot.waitUntil(ready, timeout=timeout_ms)
        except QtWaitTimeout:
            raise AssertionError(
                f"no enabled button {name!r}; the screen says:\n{self.screen_text()}"
            ) from None
        button = next(b for b in self.buttons(name) if b.isEnabled())
        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        QApplication.processEvents()

    def reads_to_the_end(self) -> None:
        """Scrolls the text on screen (an agreement) down to its last line, as a finger
        swiping it would, until the kiosk counts it read (once laid out, it has its length)."""

        def scrolled() -> bool:
            for area in self.window.step_screen.findChildren(QScrollArea):
                if area.isVisible():
                    area.verticalScrollBar().setValue(area.verticalScrollBar().maximum())
            return bool(self.engine.view and self.engine.view.read)

        self.wait_until(scrolled)

    def type_digits(self, digits: str) -> None:
        """Types on the on-screen keypad, key by key."""
        for digit in digits:
            self.tap(f"key_{digit}")

    def start(self, flow_id: str) -> None:
        """Walks up to the kiosk and chooses a service on the home screen."""
        self.qtbot.mouseClick(self.window.attract, Qt.MouseButton.LeftButton)
        self.tap(f"service_{flow_id}")

    def takes_id_card_back(self) -> None:
        """On the take-back step, the customer lifts their ID card off the reader."""
        self.wait_until(lambda: self.step() == "take_back")  # it waits: always busy
        self.devices.id_card_reader.take()

    # --- what a customer sees --------------------------------------------------------------

    def screen_text(self) -> str:
        QApplication.processEvents()
        widgets = [
            w
            for w in self.window.findChildren(QLabel) + self.window.findChildren(QPushButton)
            if w.isVisible()
        ]
        return "\n".join(w.text() for w in widgets)

    def sees(self, text: str, timeout_ms: int = 10_000) -> None:
        try:
            self.qtbot.waitUntil(lambda: text in self.screen_text(), timeout=timeout_ms)
        except QtWaitTimeout:
            raise AssertionError(
                f"{text!r} is not on screen; it says:\n{self.screen_text()}"
            ) from None

    def message(self, key: str, **params: object) -> str:
        """The message `key` in the kiosk's current language, as the catalogs word it today."""
        assert self.kiosk.catalog.has(key), f"no message {key!r} in the catalogs"
        return self.kiosk.catalog.text(key, **params)

    def shows_message(self, key: str, **params: object) -> bool:
        """Whether the message `key` is on screen now; a parameter not given may be anything."""
        return message_pattern(self.message(key), params).search(self.screen_text()) is not None

    def sees_message(self, key: str, timeout_ms: int = 10_000, **params: object) -> None:
        """The message `key` is on screen, in the kiosk's current language (waiting for it);
        a parameter not given may be anything (the message's words around it must show)."""
        try:
            self.qtbot.waitUntil(lambda: self.shows_message(key, **params), timeout=timeout_ms)
        except QtWaitTimeout:
            raise AssertionError(
                f"message {key!r} {params or ''} ({self.message(key)!r}) is not on screen;"
                f" it says:\n{self.screen_text()}"
            ) from None

    def amount(self, fen: int) -> str:
        """An amount as the kiosk shows it in its current language (86.50 元)."""
        return self.message("receipt.yuan", amount=formats.amount(fen, self.kiosk.catalog.language))

    def sees_amount(self, fen: int) -> None:
        self.sees(self.amount(fen))

    def step(self) -> str | None:
        view = self.engine.view
        return view.step.id if view else None

    def wait_for_step(self, step_id: str, timeout_ms: int = 15_000) -> None:
        try:
            self.qtbot.waitUntil(
                lambda: self.step() == step_id and not self.engine.busy, timeout=timeout_ms
            )
        except QtWaitTimeout:
            raise AssertionError(
                f"still on {self.step()!r}, not {step_id!r}; the screen says:\n{self.screen_text()}"
            ) from None

    def wait_for_screen(self, name: str, timeout_ms: int = 15_000) -> None:
        self.qtbot.waitUntil(lambda: self.window.current_screen() == name, timeout=timeout_ms)

    def wait_until(self, condition: Callable[[], bool], timeout_ms: int = 15_000) -> None:
        self.qtbot.waitUntil(condition, timeout=timeout_ms)

    # --- what the bank holds ---------------------------------------------------------------

    def journaled(self) -> list[tuple[str, str | None]]:
        """(operation, final outcome) of every call the journal holds, in order."""
        entries = self.journal.entries()
        outcome = {e.idempotency_key: e.outcome for e in entries if e.kind == "outcome"}
        return [
            (e.operation, outcome.get(e.idempotency_key)) for e in entries if e.kind == "intent"
        ]

    def staff_calls(self) -> list[str]:
        """The reasons of the staff calls the branch's staff have been sent."""
        with self.sandbox.database.transaction() as tx:
            return [r["reason"] for r in tx.all("SELECT reason FROM staff_calls")]


@pytest.fixture
def make_kiosk(qtbot, build_kiosk):
    """Builds the kiosk; keyword arguments replace device tables, e.g.
    make_kiosk(card_reader={"driver": "pcsc", "reader": "Virtual PCD"}); `flows` its flows."""

    def make(flows=None, scheduler=None, **devices) -> KioskDriver:
        """`scheduler`: the engine's clock (a ManualClock moves countdowns and time-outs)."""
        window, runner = build_kiosk(flows, scheduler, **devices)
        window.engine.step_entered.connect(
            lambda _view: QTimer.singleShot(0, lambda: measure(window))
        )
        return KioskDriver(qtbot, window, runner)

    def measure(window) -> None:
        """Every screen a journey passes through, drawn with its real data, fits 1920x1080."""
        QApplication.sendPostedEvents()  # lay the new step out
        view = window.engine.view
        if view is None or window.current_screen() != "step":
            return
        bar = window.centralWidget().layout().itemAt(0).widget()
        height = bar.sizeHint().height() + window.step_screen.minimumSizeHint().height()
        width = max(bar.minimumSizeHint().width(), window.step_screen.minimumSizeHint().width())
        if height > 1080 or width > 1920:
            too_big.append(
                f"{view.flow.id}/{view.step.id}: {width}x{height}"
                f"{' (care mode)' if window.kiosk.care_mode else ''}"
            )

    too_big: list[str] = []
    yield make
    assert too_big == [], "screens larger than a 1080p display"


@pytest.fixture
def kiosk_app(make_kiosk) -> KioskDriver:
    """The kiosk on its embedded defaults: sandbox backend, simulated devices."""
    return make_kiosk()
