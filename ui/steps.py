"""One widget per step kind; StepScreen frames whichever the current step needs.

Widgets only draw a StepView and report what the customer did through `answer` (a choice id,
the keyed-in text, or a dict for staff authorisation); the engine decides what it means.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.flows.model import CONFIRM, Choice, StepKind, StepView
from kiosk.i18n import Catalog
from ui.theme import Theme
from ui.widgets import Keypad, StaffSignIn, button, clear_layout, label

ASSETS = Path(__file__).resolve().parent.parent / "assets"


def _text(catalog: Catalog, key: str | None, params: Any) -> str:
    return catalog.text(key, **params) if key else ""


class StepBody(QWidget):
    """Base of the per-kind widgets."""

    answer = Signal(object)

    def __init__(self, view: StepView, catalog: Catalog, theme: Theme):
        super().__init__()
        self.view, self.catalog, self.theme = view, catalog, theme
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setSpacing(16)

    def set_enabled_for_input(self, enabled: bool) -> None:
        self.setEnabled(enabled)

    def choice_buttons(self, choices: tuple[Choice, ...], columns: int) -> QWidget:
        """Choices in pages of the theme's size, with "more options" when they do not fit."""
        holder = QWidget()
        grid = QGridLayout(holder)
        grid.setSpacing(20)
        per_page = self.theme.choices_per_page
        choices = tuple(c for c in choices if not c.aside)  # those are in the footer
        pages = [choices[i : i + per_page] for i in range(0, len(choices), per_page)] or [()]
        page = getattr(self, "_page", 0) % len(pages)
        shown = list(pages[page])
        for i, choice in enumerate(shown):
            text = self.catalog.text(choice.label)
            if choice.hint:
                text += "\n" + self.catalog.text(choice.hint)
            widget = button(
                text,
                partial(self.answer.emit, choice.id),
                name=f"choice_{choice.id}",
                primary=choice.primary,
                choice=self.view.step.kind is StepKind.CHOOSE,
            )
            grid.addWidget(widget, i // columns, i % columns)
        if len(pages) > 1:
            more = button(self.catalog.text("common.more"), self._next_page, name="more")
            grid.addWidget(more, (len(shown) + columns - 1) // columns, 0, 1, columns)
        return holder

    def _next_page(self) -> None:
        self._page = getattr(self, "_page", 0) + 1
        self.refresh()

    def refresh(self) -> None:
        """Redraws the body (a new page of choices)."""


class ChooseBody(StepBody):
    def __init__(self, view, catalog, theme):
        super().__init__(view, catalog, theme)
        self.refresh()

    def refresh(self) -> None:
        clear_layout(self.layout_)
        self.layout_.addWidget(self.choice_buttons(self.view.choices, 2))
        self.layout_.addStretch(1)


class FieldBody(StepBody):
    def __init__(self, view, catalog, theme):
        super().__init__(view, catalog, theme)
        spec = view.step.field
        # What was typed and "confirm" beside the keypad, not above it: in care mode's large
        # keys a keypad under the entry would push the screen past 1080 lines.
        row = QHBoxLayout()
        row.setSpacing(24)
        entered = QVBoxLayout()
        entered.addWidget(label(catalog.text(spec.label), "small"))
        self.entry = QLineEdit(view.value)
        self.entry.setObjectName("entry")
        self.entry.setMaxLength(spec.max_length)
        digits = spec.input != "text"
        self.entry.setReadOnly(digits)  # digits come from the keypad; no system keyboard here
        entered.addWidget(self.entry)
        self.problem = label("", "error")
        entered.addWidget(self.problem)
        entered.addStretch(1)
        entered.addWidget(
            button(catalog.text("common.confirm"), self._confirm, name="confirm", primary=True)
        )
        row.addLayout(entered, 2)
        if digits:
            keypad = Keypad(
                catalog.text("common.delete"),
                catalog.text("common.clear"),
                with_x=spec.input == "id_number",
            )
            keypad.key.connect(self._key)
            row.addWidget(keypad, 3)
        self.layout_.addLayout(row)

    def _key(self, key: str) -> None:
        text = self.entry.text()
        if key == "delete":
            text = text[:-1]
        elif key == "clear":
            text = ""
        elif len(text) < self.entry.maxLength():
            text += key
        self.entry.setText(text)
        self.problem.setText("")

    def _confirm(self) -> None:
        self.answer.emit(self.entry.text())

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)


class DeviceBody(StepBody):
    """The machine is working: an illustration of what the customer should do, and a status."""

    def __init__(self, view, catalog, theme):
        super().__init__(view, catalog, theme)
        picture = ASSETS / "illustrations" / (view.step.illustration or "")
        if view.step.illustration and picture.is_file():
            image = QLabel()
            image.setPixmap(
                QPixmap(str(picture)).scaledToHeight(
                    theme.target_px * 3, Qt.TransformationMode.SmoothTransformation
                )
            )
            image.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.layout_.addWidget(image)
        self.status = label(catalog.text("ui.busy.working"), "small", centre=True)
        self.layout_.addWidget(self.status)
        self.layout_.addStretch(1)


class ReviewBody(StepBody):
    """Something to read and confirm: an agreement, or the collected data (already masked)."""

    def __init__(self, view, catalog, theme):
        super().__init__(view, catalog, theme)
        if view.step.body:
            area = QScrollArea()
            area.setObjectName("panel")
            area.setWidgetResizable(True)
            area.setWidget(label(_text(catalog, view.step.body, view.params), "body"))
            self.layout_.addWidget(area, 1)
        if view.summary:
            panel = QFrame()
            panel.setObjectName("panel")
            grid = QGridLayout(panel)
            for row, (key, value) in enumerate(view.summary):
                grid.addWidget(label(catalog.text(key), "prompt"), row, 0)
                grid.addWidget(label(value, "summary_value"), row, 1)
            self.layout_.addWidget(panel)
        if view.choices:
            self.layout_.addWidget(self.choice_buttons(view.choices, len(view.choices)))
        else:
            self.layout_.addWidget(
                button(
                    catalog.text("common.confirm"),
                    lambda: self.answer.emit(CONFIRM),
                    name="confirm",
                    primary=True,
                )
            )
        if not view.step.body:
            self.layout_.addStretch(1)


class AuthoriseBody(StepBody):
    """A member of staff keys in their staff number and password on the screen's keypad."""

    def __init__(self, view, catalog, theme):
        super().__init__(view, catalog, theme)
        form = StaffSignIn(catalog)
        form.submitted.connect(self.answer.emit)
        self.layout_.addWidget(form)


class ResultBody(StepBody):
    def __init__(self, view, catalog, theme):
        super().__init__(view, catalog, theme)
        self.layout_.addStretch(1)
        choices = view.choices or (Choice("done", "common.done", primary=True),)
        self.layout_.addWidget(self.choice_buttons(choices, len(choices)))


BODIES: dict[StepKind, type[StepBody]] = {
    StepKind.CHOOSE: ChooseBody,
    StepKind.FIELD: FieldBody,
    StepKind.DEVICE: DeviceBody,
    StepKind.REVIEW: ReviewBody,
    StepKind.AUTHORISE: AuthoriseBody,
    StepKind.RESULT: ResultBody,
}


class StepScreen(QWidget):
    """The frame every step shares: progress, title, prompt, the body, an error line, and
    back / cancel at the bottom."""

    def __init__(
        self,
        catalog: Catalog,
        on_answer: Callable[[Any], None],
        on_back: Callable[[], None],
        on_cancel: Callable[[], None],
        on_retry: Callable[[], None],
    ):
        super().__init__()
        self.catalog = catalog
        self._on_answer, self._on_back, self._on_cancel = on_answer, on_back, on_cancel
        self._on_retry = on_retry
        self.view: StepView | None = None
        self.body: StepBody | None = None
        self._wait_started = 0.0
        self._wait_clock = QTimer(self)
        self._wait_clock.setInterval(1000)
        self._wait_clock.timeout.connect(lambda: self._show_waited())
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(48, 16, 48, 16)
        self.outer.setSpacing(16)

    def show_view(self, view: StepView, theme: Theme) -> None:
        self.view = view
        self._wait_clock.stop()
        clear_layout(self.outer)
        c = self.catalog
        self.outer.addWidget(
            label(c.text("common.step_of", number=view.number, total=view.total), "progress")
        )
        self.title = label(_text(c, view.step.title, view.params), "title")
        self.outer.addWidget(self.title)
        self.prompt = label(_text(c, view.step.prompt, view.params), "prompt")
        self.outer.addWidget(self.prompt)
        self.error = label("", "error")
        self.error.hide()
        self.outer.addWidget(self.error)
        self.waiting = label("", "waiting")  # how long the bank has been working, while it is
        self.waiting.hide()
        self.outer.addWidget(self.waiting)
        self.body = BODIES[view.step.kind](view, c, theme)
        self.body.answer.connect(self._answer)
        self.outer.addWidget(self.body, 1)
        footer = QHBoxLayout()
        self.retry_button = button(c.text("common.retry"), self._on_retry, name="retry")
        self.retry_button.hide()
        footer.addWidget(self.retry_button)
        if view.can_go_back:
            footer.addWidget(button(c.text("common.back"), self._on_back, name="back"))
        if view.step.kind is not StepKind.RESULT:
            footer.addWidget(button(c.text("common.cancel"), self._on_cancel, name="cancel"))
        for choice in (ch for ch in view.choices if ch.aside):
            footer.addWidget(
                button(
                    c.text(choice.label),
                    partial(self._answer, choice.id),
                    name=f"choice_{choice.id}",
                )
            )
        self.outer.addLayout(footer)

    def show_progress(self, view: StepView) -> None:
        """An action updated its screen (e.g. one more PIN key pressed)."""
        self.view = view
        self.title.setText(_text(self.catalog, view.step.title, view.params))
        self.prompt.setText(_text(self.catalog, view.step.prompt, view.params))

    def show_field_value(self, text: str) -> None:
        """Digits said aloud or keyed on the PIN pad (voice and speech mode) show here too."""
        if isinstance(self.body, FieldBody):
            self.body.entry.setText(text)
            self.body.problem.setText("")

    def _is_device_step(self) -> bool:
        return self.view is not None and self.view.step.kind is StepKind.DEVICE

    def set_busy(self, busy: bool) -> None:
        """While the bank works on a step the customer cannot answer it again, but sees the
        seconds go by, and keeps cancel and call staff."""
        if self.body is None or self._is_device_step():
            return
        self.body.set_enabled_for_input(not busy)
        self._wait_started = time.monotonic()
        self._show_waited()
        self.waiting.setVisible(busy)
        self._wait_clock.start() if busy else self._wait_clock.stop()

    def _show_waited(self) -> None:
        seconds = int(time.monotonic() - self._wait_started)
        self.waiting.setText(self.catalog.text("ui.busy.waited", seconds=seconds))

    def show_error(self, text: str, can_retry: bool) -> None:
        if isinstance(self.body, FieldBody):
            self.body.show_problem(text)
            return
        self.error.setText(text)
        self.error.show()
        self.retry_button.setVisible(can_retry and self._is_device_step())
        if isinstance(self.body, DeviceBody):
            self.body.status.hide()

    def _answer(self, value: Any) -> None:
        self.error.hide()
        self._on_answer(value)
