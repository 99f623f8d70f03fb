"""Questions drawn over the current screen: need more time?, really cancel?, which language?,
and "staff are on the way".

They are plain widgets over the window, not dialogs: a frameless full-screen kiosk has no
window manager to place a dialog, and a dialog must never hide behind the kiosk.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from ui.art import Picture
from ui.widgets import button, clear_layout, label


class Overlay(QWidget):
    """A panel centred over a dimmed screen, as large as its words need and no larger."""

    def __init__(self, parent: QWidget, name: str = "overlay"):
        super().__init__(parent)
        self.setObjectName(name)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(120, 80, 120, 80)
        self.panel = QFrame()
        self.panel.setObjectName("panel")
        self.panel.setMaximumWidth(1400)
        self.panel.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.inner = QVBoxLayout(self.panel)
        self.inner.setContentsMargins(48, 40, 48, 40)
        self.inner.setSpacing(24)
        outer.addStretch(1)
        outer.addWidget(self.panel, 0, Qt.AlignmentFlag.AlignHCenter)
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
        clear_layout(self.inner)
        self.tick.stop()
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
        self.setGeometry(owner.rect())
        self.show()
        self.raise_()

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
