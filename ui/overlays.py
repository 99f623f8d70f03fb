"""Questions drawn over the current screen: need more time?, really cancel?, which language?,
and "staff are on the way".

They are plain widgets over the window, not dialogs: a frameless full-screen kiosk has no
window manager to place a dialog, and a dialog must never hide behind the kiosk.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QFrame, QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from ui.art import Picture
from ui.widgets import button, clear_layout, label

MAX_PANEL_PX = 1400
SIDE_PX = 120  # the dimmed screen left either side of the panel
WORD_SLACK_PX = 8  # a line measured to the pixel may still wrap at that width (rounding)
MIN_WORDS_PX = 720  # a prompt wrapped narrower than this reads as a column of words


class Overlay(QWidget):
    """A panel centred over a dimmed screen, as large as its words need and no larger."""

    def __init__(self, parent: QWidget, name: str = "overlay"):
        super().__init__(parent)
        self.setObjectName(name)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(SIDE_PX, 80, SIDE_PX, 80)
        self.panel = QFrame()
        self.panel.setObjectName("panel")
        # as tall as its words wrapped at its width: the stretches above and below take the rest
        self.panel.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.inner = QVBoxLayout(self.panel)
        self.inner.setContentsMargins(48, 40, 48, 40)
        self.inner.setSpacing(24)
        outer.addStretch(1)
        # centred by stretches, not by alignment: an aligned item's words would be measured
        # at the whole screen's width and drawn at the panel's (clipped lines)
        middle = QHBoxLayout()
        middle.addStretch(1)
        middle.addWidget(self.panel)
        middle.addStretch(1)
        outer.addLayout(middle)
        outer.addStretch(1)
        self._left = 0
        self._countdown: Callable[[int], str] | None = None
        self.tick = QTimer(self)
        self.tick.setInterval(1000)
        self.tick.timeout.connect(self._count_down)
        self.hide()

    def ask(
        self,
        title: str,
        prompt: str,
        answers: Sequence[tuple[str, str, Callable[[], None], bool]],
        *,
        picture: Path | None = None,
        countdown: tuple[int, Callable[[int], str]] | None = None,
    ) -> None:
        """Shows a question; each answer is (object name, text, callback, primary).

        `countdown` is (seconds, their words): a number that counts down while it waits."""
        # built hidden: words added to a shown panel stay out of its layout until the next
        # turn of the event loop, and the panel's width would be measured without them
        self.hide()
        clear_layout(self.inner)
        self.title = label(title, "title")
        self.prompt = label(prompt, "prompt")
        self.prompt.setVisible(bool(prompt))
        words = QVBoxLayout()
        words.setSpacing(16)
        words.addWidget(self.title)
        words.addWidget(self.prompt)
        self.countdown = label("", "countdown")
        self.countdown.hide()
        words.addWidget(self.countdown)
        if picture is not None:
            row = QHBoxLayout()
            row.setSpacing(40)
            art = Picture(picture)
            art.setFixedSize(320, 240)
            row.addWidget(art)
            row.addLayout(words, 1)
            self.inner.addLayout(row)
        else:
            self.inner.addLayout(words)
        if countdown is not None:
            self._left, self._countdown = countdown
            self.countdown.setText(self._countdown(self._left))
            self.countdown.show()
            self.tick.start()
        buttons = QHBoxLayout()
        buttons.setSpacing(24)
        for name, text, callback, primary in answers:
            buttons.addWidget(button(text, self._then(callback), name=name, primary=primary))
        self.inner.addLayout(buttons)
        owner = self.parentWidget()
        assert owner is not None  # an overlay is always made on the window
        self._fit_width(0 if picture is None else 320 + 40, owner.width())
        self.setGeometry(owner.rect())
        self.show()
        self.raise_()

    def _fit_width(self, beside: int, room: int) -> None:
        """A width the panel keeps: its title and countdown on one line, its answers side by
        side, the prompt wrapped into what that leaves. A width fixed before it is laid out is
        what lets Qt give the wrapped words the height they need at that width (a centred
        panel free to shrink is measured at one width and drawn at another)."""
        for widget in self.panel.findChildren(QWidget):
            widget.ensurePolished()  # measured in the style sheet's fonts, not the default
        self.inner.invalidate()
        words = 0
        for line in (self.title, self.countdown):
            words = max(words, QFontMetrics(line.font()).horizontalAdvance(line.text()))
        margins, frame = self.inner.contentsMargins(), self.panel.contentsMargins()
        sides = margins.left() + margins.right() + frame.left() + frame.right()
        natural = max(
            beside + words + WORD_SLACK_PX + sides,
            MIN_WORDS_PX + sides,
            self.panel.minimumSizeHint().width(),  # the answers side by side
        )
        self.panel.setFixedWidth(min(natural, MAX_PANEL_PX, max(room - 2 * SIDE_PX, MIN_WORDS_PX)))

    def hideEvent(self, event) -> None:
        self.tick.stop()
        super().hideEvent(event)

    def _count_down(self) -> None:
        self._left = max(self._left - 1, 0)
        if self._countdown is not None:
            self.countdown.setText(self._countdown(self._left))
        if not self._left:
            self.tick.stop()

    def _then(self, callback: Callable[[], None]) -> Callable[[], None]:
        def answer() -> None:
            self.hide()
            callback()

        return answer
