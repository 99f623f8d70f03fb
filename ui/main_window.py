"""The kiosk's one window: full screen, frameless, and impossible for a customer to close."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from kiosk.flows.model import StepError, StepView
from kiosk.kiosk import Kiosk
from ui.overlays import Overlay
from ui.pages import AttractScreen, HomeScreen
from ui.steps import StepScreen
from ui.theme import CARE, STANDARD, Theme, stylesheet
from ui.widgets import button, label

log = logging.getLogger(__name__)


class KioskWindow(QMainWindow):
    def __init__(self, kiosk: Kiosk, screen_height: int = 1080):
        super().__init__()
        self.kiosk = kiosk
        self.engine = kiosk.engine
        self.catalog = kiosk.catalog
        self._screen_height = screen_height
        self._may_close = False
        self.setWindowTitle("smart-teller")
        self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)

        root = QWidget()
        column = QVBoxLayout(root)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self._make_bar())
        self.stack = QStackedWidget()
        column.addWidget(self.stack, 1)
        self.setCentralWidget(root)

        self.attract = AttractScreen()
        self.attract.touched.connect(self.show_home)
        self.home = HomeScreen(self._begin, lambda: self._begin("guide"))
        self.step_screen = StepScreen(self.catalog, self.engine.submit, self.engine.back,
                                      self._ask_cancel, self.engine.retry)
        for page in (self.attract, self.home, self.step_screen):
            self.stack.addWidget(page)
        self.overlay = Overlay(self)

        # Nobody on the home screen for a while: the next customer should see the attract screen.
        self.home_idle = QTimer(self)
        self.home_idle.setSingleShot(True)
        self.home_idle.timeout.connect(self.show_attract)
        QApplication.instance().installEventFilter(self)

        self.engine.step_entered.connect(self._step_entered)
        self.engine.progress.connect(self.step_screen.show_progress)
        self.engine.busy_changed.connect(self.step_screen.set_busy)
        self.engine.step_failed.connect(self._step_failed)
        self.engine.need_more_time.connect(self._ask_more_time)
        kiosk.visit_ended.connect(lambda _reason: self.show_attract())
        kiosk.language_changed.connect(lambda _language: self._redraw())
        kiosk.care_mode_changed.connect(lambda _on: self._redraw())
        kiosk.staff_called.connect(self._staff_called)
        self._redraw()
        self.show_attract()

    # --- what is on screen ----------------------------------------------------------------

    @property
    def theme(self) -> Theme:
        return (CARE if self.kiosk.care_mode else STANDARD).for_screen(self._screen_height)

    def _make_bar(self) -> QFrame:
        bar = QFrame()
        bar.setObjectName("bar")
        row = QHBoxLayout(bar)
        row.setContentsMargins(24, 8, 24, 8)
        self.kiosk_label = label(f"{self.kiosk.config.kiosk.id}", "small", wrap=False)
        row.addWidget(self.kiosk_label)
        row.addStretch(1)
        self.language_button = button("", self._ask_language, name="language")
        self.care_button = button("", self._toggle_care, name="care_mode")
        self.staff_button = button("", self.kiosk.call_staff, name="call_staff", staff=True)
        for widget in (self.language_button, self.care_button, self.staff_button):
            widget.setSizePolicy(widget.sizePolicy().horizontalPolicy().Preferred,
                                 widget.sizePolicy().verticalPolicy())
            row.addWidget(widget)
        return bar

    def _redraw(self) -> None:
        theme = self.theme
        self.setStyleSheet(stylesheet(theme))
        c = self.catalog
        self.language_button.setText(f"{c.text('ui.home.language')}: {c.text('language.name')}")
        self.care_button.setText(c.text("ui.home.care_off" if self.kiosk.care_mode
                                        else "ui.home.care_on"))
        self.staff_button.setText(c.text("common.call_staff"))
        self.attract.retranslate(c)
        self.home.show_services(self.kiosk.services(), c, theme)
        if self.engine.view is not None:
            self.step_screen.show_view(self.engine.view, theme)

    def show_attract(self) -> None:
        self.overlay.hide()
        self.home_idle.stop()
        self.kiosk.reset()
        self.stack.setCurrentWidget(self.attract)

    def show_home(self) -> None:
        self.home.show_services(self.kiosk.services(), self.catalog, self.theme)
        self.stack.setCurrentWidget(self.home)
        self._restart_home_idle()

    def _restart_home_idle(self) -> None:
        self.home_idle.start(int(self.kiosk.config.timeouts.idle_s * 1000))

    def current_screen(self) -> str:
        """Which screen a customer sees: attract, home or step (tests and the supervisor)."""
        return {self.attract: "attract", self.home: "home"}.get(self.stack.currentWidget(), "step")

    # --- the customer's taps ----------------------------------------------------------------

    def _begin(self, flow_id: str) -> None:
        self.home_idle.stop()
        self.kiosk.begin(flow_id)

    def _toggle_care(self) -> None:
        self.kiosk.set_care_mode(not self.kiosk.care_mode)

    def _ask_language(self) -> None:
        c = self.catalog
        answers = [(f"language_{lang}", c.language_name(lang),
                    lambda lang=lang: self.kiosk.set_language(lang), lang == self.kiosk.language)
                   for lang in self.kiosk.languages]
        self.overlay.ask(c.text("ui.home.language"), "", answers)

    def _ask_cancel(self) -> None:
        if not self.engine.would_lose_data:
            self.engine.cancel()
            return
        c = self.catalog
        self.overlay.ask(c.text("ui.cancel_confirm.title"), c.text("ui.cancel_confirm.prompt"), [
            ("cancel_no", c.text("ui.cancel_confirm.no"), lambda: None, True),
            ("cancel_yes", c.text("ui.cancel_confirm.yes"), self.engine.cancel, False),
        ])

    def _ask_more_time(self, seconds: float) -> None:
        c = self.catalog
        self.overlay.ask(c.text("ui.more_time.title"),
                         c.text("ui.more_time.prompt", seconds=round(seconds)), [
            ("more_time_yes", c.text("ui.more_time.yes"), self.engine.extend, True),
            ("more_time_no", c.text("ui.more_time.no"), self.engine.cancel, False),
        ])

    def _staff_called(self) -> None:
        self.kiosk_label.setText(self.catalog.text("ui.staff.called"))
        QTimer.singleShot(15_000, lambda: self.kiosk_label.setText(self.kiosk.config.kiosk.id))

    # --- the engine's news ------------------------------------------------------------------

    def _step_entered(self, view: StepView) -> None:
        self.overlay.hide()
        self.step_screen.show_view(view, self.theme)
        self.stack.setCurrentWidget(self.step_screen)

    def _step_failed(self, error: StepError) -> None:
        self.step_screen.show_error(self.catalog.text(error.message_key, **error.params),
                                    error.can_retry)

    # --- a customer cannot leave ------------------------------------------------------------

    def allow_close(self) -> None:
        """Only the supervisor's exit (or the system stopping the service) may close it."""
        self._may_close = True

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if self._may_close:
            event.accept()
        else:
            log.info("close request ignored: customers cannot leave the kiosk")
            event.ignore()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        event.accept()  # Esc, Alt+F4, Ctrl+Q and friends do nothing here

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.MouseButtonPress and self.stack.currentWidget() is self.home:
            self._restart_home_idle()
        if event.type() == QEvent.Type.ShortcutOverride and not self._may_close:
            key: Any = event
            if key.key() in (Qt.Key.Key_Escape, Qt.Key.Key_F4, Qt.Key.Key_Q, Qt.Key.Key_W):
                event.accept()
                return True
        return False

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self.overlay.isVisible():
            self.overlay.setGeometry(self.rect())
