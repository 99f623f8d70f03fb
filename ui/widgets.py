"""Small building blocks shared by every screen: labels, buttons, the on-screen keypad."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui.art import BUSY_ICON, icon

T = TypeVar("T")


def clear_layout(layout) -> None:
    """Empties a layout at once: old widgets vanish now, not at the next event loop turn."""
    while layout.count():
        item = layout.takeAt(0)
        if item.widget():
            item.widget().hide()
            item.widget().deleteLater()
        elif item.layout():
            clear_layout(item.layout())


def label(text: str, role: str = "", wrap: bool = True, centre: bool = False) -> QLabel:
    widget = QLabel(text)
    if role:
        widget.setObjectName(role)
    widget.setWordWrap(wrap)
    if centre:
        widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return widget


def button(
    text: str,
    on_click: Callable[[], None],
    *,
    name: str = "",
    primary: bool = False,
    tile: bool = False,
    choice: bool = False,
    staff: bool = False,
    key: bool = False,
    wrap: bool = False,
) -> QPushButton:
    """A button; `wrap` for words that may not fit one line (a choice and its hint): Qt's
    buttons never wrap, so the words are a wrapping label inside it (`button.words`)."""
    widget = WrapButton(text) if wrap else QPushButton(text)
    if name:
        widget.setObjectName(name)
    for prop, on in (
        ("primary", primary),
        ("tile", tile),
        ("choice", choice),
        ("staff", staff),
        ("key", key),
    ):
        if on:
            widget.setProperty(prop, True)
    widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a touch screen: no focus rectangles
    widget.clicked.connect(lambda _checked=False: on_click())
    return widget


class WrapButton(QPushButton):
    """A button whose words wrap to its width and whose height follows them, so a long choice
    takes two lines instead of widening the screen. Its own text stays empty."""

    def __init__(self, text: str):
        super().__init__()
        self.words = QLabel(text)
        self.words.setObjectName("button_words")
        self.words.setWordWrap(True)
        self.words.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.words.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        inside = QVBoxLayout(self)
        # the style sheet's padding (8px 24px) and border (3px) of every button
        inside.setContentsMargins(27, 11, 27, 11)
        inside.addWidget(self.words)


class Keypad(QWidget):
    """A telephone-layout keypad (1-2-3 on top, as ADA 707.6.2 asks of ATMs)."""

    key = Signal(str)  # a digit, "X", "delete" or "clear"

    def __init__(self, delete_text: str, clear_text: str, with_x: bool = False):
        super().__init__()
        grid = QGridLayout(self)
        grid.setSpacing(8)
        rows = ["123", "456", "789"]
        for r, row in enumerate(rows):
            for c, digit in enumerate(row):
                grid.addWidget(self._key(digit, digit), r, c)
        grid.addWidget(self._key("0", "0"), 3, 1)
        # always four rows (care mode's large keys must fit a 1080p screen): the ID number's
        # X takes the bottom-left key and "clear" moves up beside "delete"
        if with_x:
            grid.addWidget(self._key("X", "X"), 3, 0)
            grid.addWidget(self._key(delete_text, "delete"), 0, 3)
            grid.addWidget(self._key(clear_text, "clear"), 1, 3)
        else:
            grid.addWidget(self._key(clear_text, "clear"), 3, 0)
            grid.addWidget(self._key(delete_text, "delete"), 3, 2)

    def _key(self, text: str, value: str) -> QPushButton:
        return button(text, lambda: self.key.emit(value), name=f"key_{value}", key=True)


class StaffSignIn(QWidget):
    """Staff number and password keyed on the screen's keypad; `submitted` carries both.

    One action at a time: "next" while the staff number is keyed, "confirm" once the password
    is (tapping a field keys into it again). Used for staff authorisation inside a flow and for
    the supervisor's sign-in.
    """

    submitted = Signal(dict)

    def __init__(self, catalog):
        super().__init__()
        t = catalog.text
        self.staff_id = QLineEdit()
        self.staff_id.setObjectName("staff_id")
        self.password = QLineEdit()
        self.password.setObjectName("staff_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        for field in (self.staff_id, self.password):
            field.setReadOnly(True)
            field.installEventFilter(self)
        # the form beside the keypad, so care mode's large keys still fit a 1080p screen
        fields = QGridLayout()
        fields.addWidget(label(t("flow.authorise.staff_id"), "small"), 0, 0)
        fields.addWidget(self.staff_id, 0, 1)
        fields.addWidget(label(t("flow.authorise.password"), "small"), 1, 0)
        fields.addWidget(self.password, 1, 1)
        form = QVBoxLayout()
        form.addLayout(fields)
        form.addStretch(1)
        # as high as a key: two fields and a full-height button would not fit beside the
        # keypad under a two-line prompt and an error line in care mode
        self.next_button = button(t("common.next"), self._next, name="next", primary=True, key=True)
        self.confirm_button = button(
            t("common.confirm"), self._confirm, name="confirm", primary=True, key=True
        )
        form.addWidget(self.next_button)
        form.addWidget(self.confirm_button)
        keypad = Keypad(t("common.delete"), t("common.clear"))
        keypad.key.connect(self._key)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(24)
        row.addLayout(form, 2)
        row.addWidget(keypad, 3)
        self._keying(self.staff_id)

    def _keying(self, field: QLineEdit) -> None:
        """Keys go to `field`, which is marked; the one action is the one that field needs."""
        self.active = field
        for each in (self.staff_id, self.password):
            each.setProperty("active", each is field)
            each.style().unpolish(each)
            each.style().polish(each)
        self.next_button.setVisible(field is self.staff_id)
        self.confirm_button.setVisible(field is self.password)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.MouseButtonPress and watched in (
            self.staff_id,
            self.password,
        ):
            self._keying(watched)
        return False

    def _key(self, key: str) -> None:
        text = self.active.text()
        text = text[:-1] if key == "delete" else "" if key == "clear" else text + key
        self.active.setText(text)

    def _next(self) -> None:
        self._keying(self.password)

    def _confirm(self) -> None:
        self.submitted.emit({"staff_id": self.staff_id.text(), "password": self.password.text()})
        self.staff_id.clear()  # a second try starts from an empty form
        self.password.clear()
        self._keying(self.staff_id)


def paged(items: Sequence[T], per_page: int, page: int) -> tuple[list[T], bool]:
    """One page of choices and whether "more" is needed. When they do not all fit, the last
    place of every page is "more", so a page never shows more than `per_page` buttons."""
    if len(items) <= per_page:
        return list(items), False
    room = per_page - 1
    pages = [items[i : i + room] for i in range(0, len(items), room)]
    return list(pages[page % len(pages)]), True


class StageBar(QWidget):
    """The flow's named stages (核验身份 → 填写信息 → 确认 → 完成), the current one marked."""

    def __init__(self, names: Sequence[str], current: int):
        super().__init__()
        self.setObjectName("stage_bar")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        for i, name in enumerate(names):
            if i:
                row.addWidget(label("›", "stage_todo", wrap=False))
            state = "done" if i < current else "current" if i == current else "todo"
            row.addWidget(label(name, f"stage_{state}", wrap=False))
        row.addStretch(1)


class PinBoxes(QWidget):
    """One box per PIN digit, filled as keys are pressed on the PIN pad: the screen knows how
    many keys, never which."""

    def __init__(self, count: int):
        super().__init__()
        self.setObjectName("pin_boxes")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(16)
        self.boxes = [label("", "pin_box", wrap=False) for _ in range(count)]
        for box in self.boxes:
            row.addWidget(box)
        row.addStretch(1)

    @property
    def filled(self) -> int:
        return sum(bool(box.property("filled")) for box in self.boxes)

    def fill(self, keyed: int) -> None:
        for i, box in enumerate(self.boxes):
            on = i < keyed
            box.setText("●" if on else "")
            box.setProperty("filled", on)
            box.style().unpolish(box)
            box.style().polish(box)


class Busy(QWidget):
    """The kiosk or the bank is working: a turning wheel and the seconds it has taken (the
    customer can still cancel or call staff). After a second still at it, `still_working`
    fires (care mode then says "please wait")."""

    still_working = Signal()

    def __init__(
        self,
        words: Callable[[int], str],
        colour: str,
        icon_px: int,
        instead: QWidget | None = None,
    ):
        super().__init__()
        self.instead = instead
        self._words = words
        self._started = 0.0
        self.setObjectName("busy")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        # a flat button repaints its icon, so the wheel turns; it takes no taps
        self.wheel = QPushButton()
        self.wheel.setObjectName("busy_wheel")
        self.wheel.setFlat(True)
        self.wheel.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.wheel.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.wheel.setIcon(icon(BUSY_ICON, colour, spin_on=self.wheel))
        self.wheel.setIconSize(QSize(icon_px, icon_px))
        row.addWidget(self.wheel)
        self.text = label(words(0), "busy_text", wrap=False)
        row.addWidget(self.text, 1)
        self._second = QTimer(self)
        self._second.setInterval(1000)
        self._second.timeout.connect(self._tick)
        self.hide()

    def _tick(self) -> None:
        seconds = int(time.monotonic() - self._started)
        self.text.setText(self._words(seconds))
        if seconds == 1:
            self.still_working.emit()

    def set_working(self, working: bool) -> None:
        """Shown in the place of `instead` (the prompt: what to do matters again after),
        in no more room than it had, so a full screen does not grow."""
        if self.instead is not None:
            if working and self.instead.isVisible():
                self.setMaximumHeight(max(self.instead.height(), self.wheel.iconSize().height()))
            self.instead.setVisible(not working)
        if working and not self._second.isActive():
            self._started = time.monotonic()
            self.text.setText(self._words(0))
            self._second.start()
        elif not working:
            self._second.stop()
        self.setVisible(working)
