"""One widget per step kind; StepScreen frames whichever the current step needs.

Widgets only draw a StepView and report what the customer did through `answer` (a choice id,
the keyed-in text, or a dict for staff authorisation); the engine decides what it means.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from hardware.ports import Camera
from kiosk.flows.model import CONFIRM, KEYED, PIN_BOXES, WORKING, Choice, StepKind, StepView
from kiosk.i18n import Catalog
from ui.art import OUTCOME_ICONS, Picture, icon, illustration_path
from ui.camera_view import CameraView
from ui.theme import Theme
from ui.widgets import (
    Busy,
    Keypad,
    PinBoxes,
    StaffSignIn,
    StageBar,
    button,
    clear_layout,
    label,
    paged,
)


def _text(catalog: Catalog, key: str | None, params: Any) -> str:
    return catalog.text(key, **params) if key else ""


def offered(view: StepView, choice: Choice) -> bool:
    """Whether a choice may be tapped now: its countdown is over and, for an agreement's
    "I agree", the text has been read to its end."""
    return choice.id not in view.waits and (view.read or not choice.after_reading)


class StepBody(QWidget):
    """Base of the per-kind widgets."""

    answer = Signal(object)
    read_to_end = Signal()  # the customer scrolled the step's body to its end

    def __init__(self, view: StepView, catalog: Catalog, theme: Theme):
        super().__init__()
        self.view, self.catalog, self.theme = view, catalog, theme
        self._page = 0
        self.choice_widgets: dict[str, QWidget] = {}
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setSpacing(16)

    def set_enabled_for_input(self, enabled: bool) -> None:
        self.setEnabled(enabled)

    def choice_buttons(self, choices: tuple[Choice, ...], columns: int) -> QWidget:
        """Choices in pages of the theme's size; when they do not fit, the last place of each
        page is "more" (care mode: three choices and "more")."""
        holder = QWidget()
        grid = QGridLayout(holder)
        grid.setSpacing(20)
        choices = tuple(c for c in choices if not c.aside)  # those are in the footer
        shown, more = paged(choices, self.theme.choices_per_page, self._page)
        columns = max(1, min(columns, len(shown) + more))
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
                wrap=True,
            )
            widget.setEnabled(offered(self.view, choice))
            self.choice_widgets[choice.id] = widget
            grid.addWidget(widget, i // columns, i % columns)
        if more:
            widget = button(
                self.catalog.text("common.more"),
                self._next_page,
                name="more",
                choice=self.view.step.kind is StepKind.CHOOSE,
            )
            grid.addWidget(widget, len(shown) // columns, len(shown) % columns)
        self._holder, self._shown = holder, (choices, columns)
        return holder

    def update_view(self, view: StepView) -> None:
        """The engine's news on this step: a countdown moved on, the body was read."""
        self.view = view
        for choice in view.choices:
            if (widget := self.choice_widgets.get(choice.id)) is not None:
                widget.setEnabled(offered(view, choice))

    def _next_page(self) -> None:
        """The next page of choices, in the place of this one."""
        self._page += 1
        old = self._holder
        self._holder = self.choice_buttons(*self._shown)
        self.layout_.replaceWidget(old, self._holder)
        old.hide()
        old.deleteLater()


class ChooseBody(StepBody):
    def __init__(self, view, catalog, theme):
        super().__init__(view, catalog, theme)
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
        # What was wrong, above the entry and keypad across the whole width: one line there,
        # where the entry's narrow column would wrap it into three in care mode.
        self.problem = label("", "error")
        self.problem.hide()
        self.layout_.addWidget(self.problem)
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
        self.show_problem("")

    def _confirm(self) -> None:
        self.answer.emit(self.entry.text())

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))


class DeviceBody(StepBody):
    """A machine step: what to do is the prompt beside the picture; a PIN step adds its boxes."""

    def __init__(self, view, catalog, theme):
        super().__init__(view, catalog, theme)
        self.pin: PinBoxes | None = None
        if PIN_BOXES in view.params:
            self.pin = PinBoxes(view.params[PIN_BOXES])
            self.pin.fill(view.params.get(KEYED, 0))
            self.layout_.addWidget(self.pin)
        if view.summary:  # what the customer sees of their application meanwhile (masked)
            # scrolls rather than squeezes its lines when an error line takes room (care mode)
            area = QScrollArea()
            area.setObjectName("summary_scroll")
            area.setFrameShape(QFrame.Shape.NoFrame)
            area.setWidgetResizable(True)
            area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            area.setWidget(summary_panel(view.summary, catalog, columns=2))
            self.layout_.addWidget(area)
        self.layout_.addStretch(1)


class ReviewBody(StepBody):
    """Something to read and confirm: an agreement, or the collected data (already masked);
    the line the customer must check (the amount) stands out."""

    def __init__(self, view, catalog, theme):
        super().__init__(view, catalog, theme)
        self.area: QScrollArea | None = None
        if view.step.body:
            self.area = area = QScrollArea()
            area.setObjectName("panel")
            area.setWidgetResizable(True)
            area.setWidget(label(_text(catalog, view.step.body, view.params), "body"))
            bar = area.verticalScrollBar()
            bar.valueChanged.connect(lambda _value: self._check_read())
            bar.rangeChanged.connect(lambda _low, _high: self._check_read())
            area.viewport().installEventFilter(self)
            self.layout_.addWidget(area, 1)
        emphasised = view.step.takeaway[0] if view.step.takeaway else None
        lines = [(k, v) for k, v in view.summary if k != emphasised]
        # the details on the left; on the right the amount, then what confirms it
        row = QHBoxLayout()
        row.setSpacing(24)
        if view.photo:
            row.addWidget(id_photo(view.photo, theme), 0, Qt.AlignmentFlag.AlignTop)
        if lines:
            row.addWidget(summary_panel(lines, catalog), 3)
        side = QVBoxLayout()
        side.setSpacing(16)
        for key, value in view.summary:
            if key == emphasised:
                side.addWidget(takeaway(catalog.text(key), value, "amount_line"))
        side.addStretch(1)
        if view.choices:
            side.addWidget(self.choice_buttons(view.choices, len(view.choices)))
        else:
            side.addWidget(
                button(
                    catalog.text("common.confirm"),
                    lambda: self.answer.emit(CONFIRM),
                    name="confirm",
                    primary=True,
                )
            )
        row.addLayout(side, 2)
        self.layout_.addLayout(row)
        if not view.step.body:
            self.layout_.addStretch(1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self._check_read()
        return False

    def _check_read(self) -> None:
        """Reports once that the body has been seen to its last line: scrolled to the end, or
        all of it in view (laid out and shown, not just built)."""
        area = self.area
        if area is None or self.view.read or not area.isVisible():
            return
        bar, viewport, text = area.verticalScrollBar(), area.viewport(), area.widget()
        if viewport.height() <= 0 or text is None or text.height() <= 0:
            return
        if bar.maximum() > 0:
            at_end = bar.value() >= bar.maximum()
        else:
            needed = (
                text.heightForWidth(viewport.width())
                if text.hasHeightForWidth()
                else text.sizeHint().height()
            )
            at_end = needed <= viewport.height()
        if at_end:
            self.view = replace(self.view, read=True)  # once
            self.read_to_end.emit()


def id_photo(data: bytes, theme: Theme) -> QLabel:
    """The ID card chip's photo, at the size it has on the card scaled to the theme."""
    picture = QLabel()
    picture.setObjectName("id_photo")
    pixmap = QPixmap()
    pixmap.loadFromData(data)
    height = theme.target_px * 3
    picture.setPixmap(pixmap.scaledToHeight(height, Qt.TransformationMode.SmoothTransformation))
    return picture


def summary_panel(lines: Any, catalog: Catalog, columns: int = 1) -> QFrame:
    """The collected data as caption and value lines (the flow masked the values). In
    `columns` of cards, each a small caption over its value, read down then across: half the
    height, for a panel that shares its side with a prompt and an error line."""
    panel = QFrame()
    panel.setObjectName("panel")
    grid = QGridLayout(panel)
    if columns == 1:
        grid.setContentsMargins(24, 16, 24, 16)
        grid.setHorizontalSpacing(32)  # a caption and its value read apart
        for i, (key, value) in enumerate(lines):
            grid.addWidget(label(catalog.text(key), "prompt"), i, 0)
            grid.addWidget(label(value, "summary_value"), i, 1)
        grid.setColumnStretch(1, 1)
        return panel
    grid.setContentsMargins(24, 8, 24, 8)
    grid.setHorizontalSpacing(32)
    grid.setVerticalSpacing(8)
    rows = -(-len(lines) // columns)
    for i, (key, value) in enumerate(lines):
        card = QVBoxLayout()
        card.setSpacing(0)
        card.addWidget(label(catalog.text(key), "small"))
        card.addWidget(label(value, "summary_value"))
        grid.addLayout(card, i % rows, i // rows)
    for column in range(columns):
        grid.setColumnStretch(column, 1)
    return panel


def takeaway(caption: str, value: str, name: str = "takeaway_box") -> QFrame:
    """What the customer must take away or check, as the largest thing on the screen."""
    box = QFrame()
    box.setObjectName(name)
    column = QVBoxLayout(box)
    column.setContentsMargins(24, 12, 24, 12)
    column.addWidget(label(caption, "takeaway_label"))
    column.addWidget(label(value, "takeaway"))
    return box


class AuthoriseBody(StepBody):
    """A member of staff keys in their staff number and password on the screen's keypad."""

    def __init__(self, view, catalog, theme):
        super().__init__(view, catalog, theme)
        form = StaffSignIn(catalog)
        form.submitted.connect(self.answer.emit)
        self.layout_.addWidget(form)


OUTCOME_COLOURS = {"success": "success", "refused": "danger", "partial": "partial", "": "accent"}


class ResultBody(StepBody):
    """The outcome under its icon and colour (success, refusal, partial never look alike), what
    to take away largest, then what to do next."""

    def __init__(self, view, catalog, theme):
        super().__init__(view, catalog, theme)
        outcome = view.step.outcome
        banner = QFrame()
        banner.setObjectName(f"result_{outcome or 'info'}")
        row = QHBoxLayout(banner)
        row.setContentsMargins(32, 24, 32, 24)
        row.setSpacing(32)
        colour = getattr(theme, OUTCOME_COLOURS[outcome])
        self.icon = QLabel()
        self.icon.setObjectName(f"result_icon_{outcome or 'info'}")
        side = theme.target_px * 2
        self.icon.setPixmap(icon(OUTCOME_ICONS[outcome], colour).pixmap(side, side))
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.icon)
        words = QVBoxLayout()
        words.setSpacing(16)
        self.title = label(_text(catalog, view.step.title, view.params), "title")
        words.addWidget(self.title)
        if view.step.takeaway and view.params.get(view.step.takeaway[1]):
            key, param = view.step.takeaway
            words.addWidget(takeaway(catalog.text(key), str(view.params[param])))
        self.prompt = label(_text(catalog, view.step.prompt, view.params), "prompt")
        words.addWidget(self.prompt)
        words.addStretch(1)
        row.addLayout(words, 1)
        self.layout_.addWidget(banner, 1)
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


# Steps whose picture is the camera's live view: the face oval, or the square a code goes in.
CAMERA_STEPS = {"face": True, "scan_phone": False, "scan_bill": False}


class StepScreen(QWidget):
    """The frame every step shares: the stage bar, the title, the picture on the left and on
    the right what to do (prompt, "processing" while the kiosk works, an error line, the
    body), and back / cancel at the bottom."""

    still_working = Signal()  # the kiosk has worked for a second: care mode says "please wait"
    read_to_end = Signal()  # relays the body's: connected once here, signal to signal per step

    def __init__(
        self,
        catalog: Catalog,
        on_answer: Callable[[Any], None],
        on_back: Callable[[], None],
        on_cancel: Callable[[], None],
        on_retry: Callable[[], None],
        camera: Camera | None = None,
        on_read: Callable[[], None] = lambda: None,
    ):
        super().__init__()
        self.catalog = catalog
        self._on_answer, self._on_back, self._on_cancel = on_answer, on_back, on_cancel
        self._on_retry = on_retry
        self.read_to_end.connect(on_read)
        self.asides: dict[str, QPushButton] = {}
        self.camera = camera
        self.view: StepView | None = None
        self.body: StepBody | None = None
        self.camera_view: CameraView | None = None
        self.busy: Busy | None = None
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(48, 16, 48, 16)
        self.outer.setSpacing(16)

    def show_view(self, view: StepView, theme: Theme) -> None:
        self.view = view
        self.stop_camera()
        clear_layout(self.outer)
        c = self.catalog
        if view.stages:
            self.outer.addWidget(StageBar([c.text(k) for k in view.stages], view.stage))
        self.body = BODIES[view.step.kind](view, c, theme)
        self.body.answer.connect(self._answer)
        # signal to signal: a callable connected to each step's body kept a wrapper per step
        self.body.read_to_end.connect(self.read_to_end)
        if isinstance(self.body, ResultBody):  # its title and prompt sit in the outcome's frame
            self.title, self.prompt = self.body.title, self.body.prompt
        else:
            self.title = label(_text(c, view.step.title, view.params), "title")
            self.outer.addWidget(self.title)
            self.prompt = label(_text(c, view.step.prompt, view.params), "prompt")
        row = QHBoxLayout()
        row.setSpacing(48)
        picture = self._picture(view, theme)
        if picture is not None:  # smaller beside the application shown while staff review it
            reviewing = view.step.kind is StepKind.DEVICE and bool(view.summary)
            row.addWidget(picture, 1 if reviewing else 2)
        right = QVBoxLayout()
        right.setSpacing(16)
        if view.alone is not None:  # the choice before had one option: it was taken
            title, only = view.alone
            right.addWidget(
                label(c.text("flow.only_one", step=c.text(title), choice=c.text(only)), "note")
            )
        if not isinstance(self.body, ResultBody):
            right.addWidget(self.prompt)
        self.busy = Busy(
            lambda seconds: c.text("ui.busy.waited", seconds=seconds),
            theme.accent,
            round(theme.text_pt * 4 / 3),
            self.prompt,
        )
        # signal to signal: a bound .emit would leave a wrapper behind for every step shown
        self.busy.still_working.connect(self.still_working)
        right.addWidget(self.busy)
        self.error = label("", "error")
        self.error.hide()
        right.addWidget(self.error)
        right.addWidget(self.body, 1)
        row.addLayout(right, 3)
        self.outer.addLayout(row, 1)
        footer = QHBoxLayout()
        self.retry_button = button(c.text("common.retry"), self._on_retry, name="retry")
        self.retry_button.hide()
        footer.addWidget(self.retry_button)
        if view.can_go_back:
            footer.addWidget(button(c.text("common.back"), self._on_back, name="back"))
        if view.step.kind is not StepKind.RESULT and view.can_cancel:
            footer.addWidget(button(c.text("common.cancel"), self._on_cancel, name="cancel"))
        self.asides = {}
        for choice in (ch for ch in view.choices if ch.aside):
            self.asides[choice.id] = aside = button(
                "", partial(self._answer, choice.id), name=f"choice_{choice.id}"
            )
            footer.addWidget(aside)
        self._show_asides(view)
        self.outer.addLayout(footer)

    def _show_asides(self, view: StepView) -> None:
        """The footer's choices (a new SMS code): the seconds still to wait on the button."""
        for choice in view.choices:
            if (aside := self.asides.get(choice.id)) is None:
                continue
            text = self.catalog.text(choice.label, **view.params)
            if choice.id in view.waits:
                text = self.catalog.text(
                    "flow.choice.waiting", choice=text, seconds=view.waits[choice.id]
                )
            aside.setText(text)
            aside.setEnabled(offered(view, choice))

    def _picture(self, view: StepView, theme: Theme) -> QWidget | None:
        """The live camera on a face or code step, else the step's illustration."""
        picture = view.illustration
        if picture is None and isinstance(view.step.illustration, str):
            picture = view.step.illustration  # a view made outside the engine (a test's)
        name = Path(picture or "").stem
        if name in CAMERA_STEPS and self.camera is not None:
            self.camera_view = CameraView(
                self.camera, face=CAMERA_STEPS[name], colours=(theme.success, theme.on_accent)
            )
            return self.camera_view
        path = illustration_path(picture)
        return Picture(path) if path else None

    def stop_camera(self) -> None:
        if self.camera_view is not None:
            self.camera_view.stop()
            self.camera_view = None

    def show_progress(self, view: StepView) -> None:
        """An action updated its screen (one more PIN key pressed, or it went on to work)."""
        self.view = view
        self.title.setText(_text(self.catalog, view.step.title, view.params))
        self.prompt.setText(_text(self.catalog, view.step.prompt, view.params))
        if self.body is not None:
            self.body.update_view(view)
        self._show_asides(view)
        if isinstance(self.body, DeviceBody) and self.body.pin is not None:
            self.body.pin.fill(view.params.get(KEYED, 0))
        if view.params.get(WORKING) and self.busy is not None:
            if self.camera_view is not None:
                self.camera_view.acknowledge_code()
            self.busy.set_working(True)

    def show_field_value(self, text: str) -> None:
        """Digits said aloud or keyed on the PIN pad (voice and speech mode) show here too."""
        if isinstance(self.body, FieldBody):
            self.body.entry.setText(text)
            self.body.show_problem("")

    def _is_device_step(self) -> bool:
        return self.view is not None and self.view.step.kind is StepKind.DEVICE

    def set_busy(self, busy: bool) -> None:
        """The engine runs an action: "processing" only when it is not waiting for the
        customer (a card, a PIN, a face) but working."""
        if self.view is None or self.body is None or self.busy is None:
            return
        if not self._is_device_step():
            self.body.set_enabled_for_input(not busy)
        self.busy.set_working(busy and not self.view.step.waits_for_customer)

    @property
    def working(self) -> bool:
        """Whether "processing" is on screen."""
        return self.busy is not None and self.busy.isVisible()

    @property
    def waiting(self) -> QLabel:
        """The line counting the seconds the kiosk or the bank has been working."""
        assert self.busy is not None  # a step is on screen
        return self.busy.text

    def show_error(self, text: str, can_retry: bool) -> None:
        if self.busy is not None:
            self.busy.set_working(False)
        if isinstance(self.body, FieldBody):
            self.body.show_problem(text)
            return
        if isinstance(self.body, DeviceBody) and self.body.pin is not None:
            self.body.pin.fill(0)  # a wrong PIN: start again from empty boxes
        self.error.setText(text)
        self.error.show()
        self.retry_button.setVisible(can_retry and self._is_device_step())

    def _answer(self, value: Any) -> None:
        self.error.hide()
        self._on_answer(value)
