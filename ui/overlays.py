"""Questions drawn over the current screen: need more time?, really cancel?, which language?

They are plain widgets over the window, not dialogs: a frameless full-screen kiosk has no
window manager to place a dialog, and a dialog must never hide behind the kiosk.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from ui.widgets import button, clear_layout, label


class Overlay(QWidget):
    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("overlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(160, 120, 160, 120)
        self.panel = QFrame()
        self.panel.setObjectName("panel")
        self.inner = QVBoxLayout(self.panel)
        self.inner.setContentsMargins(48, 48, 48, 48)
        self.inner.setSpacing(24)
        outer.addWidget(self.panel)
        self.hide()

    def ask(
        self, title: str, prompt: str, answers: Sequence[tuple[str, str, Callable[[], None], bool]]
    ) -> None:
        """Shows a question; each answer is (object name, text, callback, primary)."""
        clear_layout(self.inner)
        self.title = label(title, "title")
        self.prompt = label(prompt, "prompt")
        self.inner.addWidget(self.title)
        self.inner.addWidget(self.prompt)
        row = QHBoxLayout()
        for name, text, callback, primary in answers:
            row.addWidget(button(text, self._then(callback), name=name, primary=primary))
        self.inner.addStretch(1)
        self.inner.addLayout(row)
        owner = self.parentWidget()
        assert owner is not None  # an overlay is always made on the window
        self.setGeometry(owner.rect())
        self.show()
        self.raise_()

    def _then(self, callback: Callable[[], None]) -> Callable[[], None]:
        def answer() -> None:
            self.hide()
            callback()

        return answer
