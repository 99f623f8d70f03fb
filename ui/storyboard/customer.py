"""A demo customer in front of a whole kiosk built for the storyboard: taps the window's real
buttons, uses the simulated devices, and waits in a Qt event loop (the screen and the
workers' results go on meanwhile), never in time.sleep."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QLabel, QPushButton, QScrollArea

from kiosk.flows.model import StepKind
from ui.widgets import PinBoxes

WAIT_S = 20.0


class Stuck(Exception):
    """The customer waited for something that never came (a script out of step with a flow)."""


class Customer:
    def __init__(self, window):
        self.window = window
        self.kiosk = window.kiosk
        self.engine = window.engine
        self.devices = self.engine.services.devices
        self.sandbox = self.kiosk.sandbox
        self.failed_here = False  # whether the step on screen has shown a failure
        self.updates_here = 0  # how often the step on screen was updated (PIN-pad keys)
        self.engine.step_entered.connect(lambda _view: self._entered())
        self.engine.step_failed.connect(lambda _error: setattr(self, "failed_here", True))
        self.engine.progress.connect(
            lambda _view: setattr(self, "updates_here", self.updates_here + 1)
        )

    def _entered(self) -> None:
        self.failed_here, self.updates_here = False, 0

    # --- waiting --------------------------------------------------------------------------

    def wait(self, condition: Callable[[], bool], what: str, seconds: float = WAIT_S) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                raise Stuck(f"waited for {what}; the screen says: {self.screen_text()[:300]!r}")
            pause = QEventLoop()
            QTimer.singleShot(20, pause.quit)
            pause.exec()

    def at(self, step_id: str) -> None:
        """Until the step is on screen and waiting for the customer (a device step is busy
        while it waits)."""

        def there() -> bool:
            view = self.engine.view
            if (
                view
                and view.step.id.startswith("take_back")
                and self.devices.id_card_reader.present()
            ):
                self.devices.id_card_reader.take()  # asked for it, the customer takes the ID card
            return bool(
                view
                and view.step.id == step_id
                and (view.step.kind is StepKind.DEVICE or not self.engine.busy)
            )

        self.wait(there, f"step {step_id}")

    def fails(self) -> None:
        """Until the step on screen shows a failure."""
        self.wait(lambda: self.failed_here, "a failure")

    def then_fails(self, act: Callable[[], None]) -> None:
        """Does something on a step that showed a failure already, until it shows another."""
        self.failed_here = False
        act()
        self.fails()

    # --- doing ----------------------------------------------------------------------------

    def _buttons(self, name: str) -> list[QPushButton]:
        return [
            b
            for b in self.window.findChildren(QPushButton, name)
            if b.isVisible() and b.isEnabled()
        ]

    def tap(self, name: str) -> None:
        """Taps the button; a choice or a service on another page (care mode shows three
        and "more") is looked for with "more options"."""

        def shown() -> bool:
            if self._buttons(name):
                return True
            more = self._buttons("more")
            if more and name.startswith(("choice_", "service_")):
                more[0].click()
            return False

        self.wait(shown, f"button {name}")
        self._buttons(name)[0].click()

    def reads_to_the_end(self) -> None:
        """Scrolls the text on screen (an agreement) to its last line, as a finger would,
        until the kiosk counts it as read (once laid out, the text has its length)."""

        def scrolled() -> bool:
            for area in self.window.findChildren(QScrollArea):
                if area.isVisible():
                    area.verticalScrollBar().setValue(area.verticalScrollBar().maximum())
            return bool(self.engine.view and self.engine.view.read)

        self.wait(scrolled, "the text read to its end")

    def digits(self, digits: str) -> None:
        for digit in digits:
            self.tap(f"key_{digit}")

    def keyed(self, field_value: str) -> None:
        """Types on the on-screen keypad and confirms."""
        self.digits(field_value)
        self.tap("confirm")

    def pin_pad(self, keys: str) -> None:
        """Presses PIN-pad keys, then Enter."""
        for key in (*keys, "enter"):
            self.devices.pin_pad.press(key)

    def start(self, flow_id: str) -> None:
        """From the home screen, the service's tile (the guide's too)."""
        self.wait(lambda: self.window.current_screen() == "home", "the home screen")
        self.tap(f"service_{flow_id}")

    def screen_text(self) -> str:
        return screen_text(self.window)

    def pin_boxes_filled(self) -> int:
        """How many of the PIN's boxes on screen are filled (keys pressed, never digits)."""
        boxes = [b for b in self.window.findChildren(PinBoxes) if b.isVisible()]
        return boxes[0].filled if boxes else 0


def screen_text(window) -> str:
    """What the screen says: every shown label and button, in one line."""
    widgets = window.findChildren(QLabel) + window.findChildren(QPushButton)
    return " | ".join(w.text() for w in widgets if w.isVisible() and w.text())
