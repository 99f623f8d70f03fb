"""The kiosk's one window: full screen, frameless, and impossible for a customer to close."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLayout,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.flows.model import StepError, StepView
from kiosk.formats import clock, day_and_weekday
from kiosk.kiosk import Kiosk
from kiosk.supervisor import Supervisor
from ui.art import LANGUAGE_ICON, icon, illustration_path, logo
from ui.overlays import Overlay
from ui.pages import AttractScreen, HomeScreen
from ui.simulator_panel import SimulatorPanel, is_simulated
from ui.steps import StepScreen
from ui.supervisor import SupervisorScreen
from ui.theme import CARE, STANDARD, Theme, stylesheet
from ui.widgets import button, label

if TYPE_CHECKING:  # built on top of the window (ui/app.py), so imported for the checker only
    from ui.voice_screen import VoiceScreen
    from voice.service import KioskVoice

log = logging.getLogger(__name__)


def _application() -> QCoreApplication:
    app = QApplication.instance()
    assert app is not None  # the window is only ever made inside the running application
    return app


class KioskWindow(QMainWindow):
    voice: KioskVoice  # set by ui.app.build_window, which knows the voice
    voice_screen: VoiceScreen

    def __init__(self, kiosk: Kiosk, runner, screen_height: int = 1080):
        super().__init__()
        self.kiosk = kiosk
        self.kiosk_runner = runner
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
        # The window is the screen: a minimum worked out at some narrower width (wrapped words
        # are tallest there) must not grow it past the screen. What does not fit at the real
        # size is then clipped, which the storyboard's layout check reports.
        window_layout = self.layout()
        assert window_layout is not None  # a QMainWindow always has its own
        window_layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)

        self.attract = AttractScreen()
        self.attract.touched.connect(self._attract_touched)
        self.home = HomeScreen(self._begin, lambda: self._begin("guide"))
        devices = self.engine.services.devices
        self.step_screen = StepScreen(
            self.catalog,
            self.engine.submit,
            self.engine.back,
            self._ask_cancel,
            self.engine.retry,
            camera=devices.camera,
            on_read=self.engine.body_read,
        )
        self.supervisor = SupervisorScreen(
            Supervisor(kiosk), self.catalog, runner, on_leave=self.show_attract, on_exit=self._quit
        )
        for page in (self.attract, self.home, self.step_screen, self.supervisor):
            self.stack.addWidget(page)
        self.overlay = Overlay(self)
        # "staff are on the way" stays over every step until the customer or the visit ends it
        self.staff_overlay = Overlay(self, "staff_overlay")
        self.simulator = SimulatorPanel(self, devices, self.catalog)
        self.simulator_button.setVisible(any(is_simulated(d) for d in devices.all()))

        # Nobody on the home screen for a while: the next customer should see the attract screen.
        self.home_idle = QTimer(self)
        self.home_idle.setSingleShot(True)
        self.home_idle.timeout.connect(self.show_attract)

        # A face in front of the camera wakes the attract screen (checked on a worker).
        self.face_watch = QTimer(self)
        self.face_watch.setInterval(700)
        self.face_watch.timeout.connect(self._look_for_face)
        self._looking = False
        _application().installEventFilter(self)

        # The date and time in the top bar, to the minute.
        self.clock_timer = QTimer(self)
        self.clock_timer.setInterval(5_000)
        self.clock_timer.timeout.connect(self._show_time)
        self.clock_timer.start()

        # Staff hold the kiosk number in the top bar for three seconds to reach supervisor mode.
        self.supervisor_hold = QTimer(self)
        self.supervisor_hold.setSingleShot(True)
        self.supervisor_hold.setInterval(3000)
        self.supervisor_hold.timeout.connect(self.open_supervisor)

        self.engine.step_entered.connect(self._step_entered)
        self.engine.progress.connect(self.step_screen.show_progress)
        self.engine.busy_changed.connect(self.step_screen.set_busy)
        self.engine.step_failed.connect(self._step_failed)
        self.engine.need_more_time.connect(self._ask_more_time)
        kiosk.visit_ended.connect(lambda _reason: self.show_attract())
        kiosk.language_changed.connect(lambda _language: self._redraw())
        kiosk.care_mode_changed.connect(lambda _on: self._redraw())
        kiosk.staff_called.connect(self._staff_called)
        kiosk.service_changed.connect(lambda _on: self._show_service())
        self._redraw()
        self.show_attract()

    # --- what is on screen ----------------------------------------------------------------

    @property
    def theme(self) -> Theme:
        return (CARE if self.kiosk.care_mode else STANDARD).for_screen(self._screen_height)

    def _make_bar(self) -> QFrame:
        """The bank's logo and name, the kiosk number (held by staff), the date and time, then
        the customer's buttons."""
        bar = QFrame()
        bar.setObjectName("bar")
        row = self.bar_row = QHBoxLayout(bar)  # the voice adds its sound button
        row.setContentsMargins(24, 8, 24, 8)
        row.setSpacing(12)
        row.addWidget(logo(self.kiosk.config.bank.logo, 64))
        self.bank_label = label("", "bank_name", wrap=False)
        row.addWidget(self.bank_label)
        self.kiosk_label = label(f"{self.kiosk.config.kiosk.id}", "small", wrap=False)
        row.addWidget(self.kiosk_label)
        row.addStretch(1)
        self.clock = label("", "clock", wrap=False)
        row.addWidget(self.clock)
        self.language_button = button("", self._ask_language, name="language")
        self.care_button = button("", self._toggle_care, name="care_mode")
        self.staff_button = button("", self.kiosk.call_staff, name="call_staff", staff=True)
        self.simulator_button = button("", lambda: self.simulator.toggle(), name="simulator")
        for widget in (
            self.simulator_button,
            self.language_button,
            self.care_button,
            self.staff_button,
        ):
            widget.setSizePolicy(
                widget.sizePolicy().horizontalPolicy().Preferred,
                widget.sizePolicy().verticalPolicy(),
            )
            row.addWidget(widget)
        return bar

    def _redraw(self) -> None:
        theme = self.theme
        self.setStyleSheet(stylesheet(theme, self.kiosk.language))
        c = self.catalog
        names = self.kiosk.config.bank.name
        self.bank_label.setText(names.get(self.kiosk.language) or c.text("screens.bank.name"))
        self._show_time()
        # the language's own name beside the translate icon: short enough for care mode's bar
        self.language_button.setText(c.text("language.name"))
        self.language_button.setIcon(icon(LANGUAGE_ICON, theme.on_accent))
        self.care_button.setText(
            c.text("ui.home.care_off" if self.kiosk.care_mode else "ui.home.care_on")
        )
        self.staff_button.setText(c.text("common.call_staff"))
        self.simulator_button.setText(c.text("simulator.toggle"))
        self._show_service()
        self.home.show_services(self.kiosk.services(), c, theme)
        if self.engine.view is not None:
            self.step_screen.show_view(self.engine.view, theme)

    def _show_time(self) -> None:
        now, language = datetime.now(), self.kiosk.language
        self.clock.setText(f"{day_and_weekday(now.date(), language)}  {clock(now, language)}")

    def _show_service(self) -> None:
        trouble = self.kiosk.journal_trouble
        reason = trouble.message_key if trouble and not self.kiosk.in_service else None
        self.attract.retranslate(self.catalog, self.kiosk.in_service, reason)

    def show_attract(self) -> None:
        self.supervisor.leave()  # staff are never signed in behind the attract screen
        self.overlay.hide()
        self.staff_overlay.hide()
        self.step_screen.stop_camera()
        self.home_idle.stop()
        self.kiosk.reset()
        self._show_service()
        self._ask_to_take(self.kiosk.left_in_readers())
        self.stack.setCurrentWidget(self.attract)
        if self.kiosk.config.ui.attract_wake_on_face:
            self.face_watch.start()

    def _look_for_face(self) -> None:
        if self._looking or self.stack.currentWidget() is not self.attract:
            self.face_watch.stop()
            return
        self._looking = True
        camera = self.engine.services.devices.camera

        def seen(present: bool) -> None:
            self._looking = False
            if present and self.stack.currentWidget() is self.attract and self.kiosk.in_service:
                log.info("a customer stepped up: waking the attract screen")
                self._wake()

        def failed(exc: BaseException) -> None:
            self._looking = False
            log.warning("camera cannot look for faces (%s); touch still wakes the kiosk", exc)
            self.face_watch.stop()

        self.kiosk_runner.run(camera.face_present, seen, failed)

    def show_home(self) -> None:
        self.supervisor.leave()  # nor when a customer can start a visit
        self.face_watch.stop()
        self.home.show_services(self.kiosk.services(), self.catalog, self.theme)
        self.stack.setCurrentWidget(self.home)
        self._restart_home_idle()

    def _restart_home_idle(self) -> None:
        self.home_idle.start(int(self.kiosk.config.timeouts.idle_s * 1000))

    def current_screen(self) -> str:
        """Which screen is showing: attract, home, step or supervisor."""
        screens: dict[QWidget | None, str] = {
            self.attract: "attract",
            self.home: "home",
            self.supervisor: "supervisor",
        }
        return screens.get(self.stack.currentWidget(), "step")

    def _attract_touched(self) -> None:
        if self.kiosk.in_service:
            self._wake()

    def _wake(self) -> None:
        """The home screen, unless a card an earlier customer left still lies in a reader:
        the attract screen asks for it to be taken, and no visit can read it."""
        if not self.kiosk.left_in_readers():
            self.show_home()
            return

        def checked(still: list[str]) -> None:
            if self.stack.currentWidget() is self.attract:
                self._ask_to_take(still) if still else self.show_home()

        left = self.engine.services.left_behind
        self.kiosk_runner.run(
            lambda: left.check_taken(self.engine.services.devices), checked, log.warning
        )

    def _ask_to_take(self, items: list[str]) -> None:
        if items:
            self.attract.prompt.setText(
                "\n".join(self.catalog.text(f"ui.attract.left.{item}") for item in items)
            )

    def open_supervisor(self) -> None:
        """Supervisor mode, only between customers (never in the middle of a visit)."""
        if self.engine.active:
            log.info("supervisor mode waits: a customer is mid-visit")
            return
        self.home_idle.stop()
        self.face_watch.stop()
        self.overlay.hide()
        self.supervisor.show_sign_in()
        self.stack.setCurrentWidget(self.supervisor)

    def _quit(self) -> None:
        self.allow_close()
        _application().quit()

    # --- the customer's taps ----------------------------------------------------------------

    def _begin(self, flow_id: str) -> None:
        self.home_idle.stop()
        self.kiosk.begin(flow_id)

    def _toggle_care(self) -> None:
        self.kiosk.set_care_mode(not self.kiosk.care_mode)

    def _ask_language(self) -> None:
        c = self.catalog
        answers = [
            (
                f"language_{lang}",
                c.language_name(lang),
                lambda lang=lang: self.kiosk.set_language(lang),
                lang == self.kiosk.language,
            )
            for lang in self.kiosk.languages
        ]
        self.overlay.ask(c.text("ui.home.language"), c.text("screens.language.prompt"), answers)

    def _ask_cancel(self) -> None:
        if not self.engine.would_lose_data:
            self.engine.cancel()
            return
        c = self.catalog
        self.overlay.ask(
            c.text("ui.cancel_confirm.title"),
            c.text("ui.cancel_confirm.prompt"),
            [
                ("cancel_no", c.text("ui.cancel_confirm.no"), lambda: None, True),
                ("cancel_yes", c.text("ui.cancel_confirm.yes"), self.engine.cancel, False),
            ],
        )

    def _ask_more_time(self, seconds: float) -> None:
        c = self.catalog
        self.overlay.ask(
            c.text("ui.more_time.title"),
            c.text("ui.more_time.prompt", seconds=round(seconds)),
            [
                ("more_time_yes", c.text("ui.more_time.yes"), self.engine.extend, True),
                ("more_time_no", c.text("ui.more_time.no"), self.engine.cancel, False),
            ],
            countdown=(round(seconds), lambda left: c.text("screens.more_time.left", seconds=left)),
        )

    def _staff_called(self, reason: str) -> None:
        """Says help is coming, in the customer's language, until they no longer need it or
        the visit ends."""
        c = self.catalog

        def not_needed() -> None:
            log.info("the customer no longer needs staff (%s)", reason)

        self.staff_overlay.ask(
            c.text("ui.staff.called"),
            c.text("screens.staff.prompt"),
            [
                ("staff_not_needed", c.text("screens.staff.not_needed"), not_needed, False),
                ("staff_wait", c.text("screens.staff.wait"), lambda: None, True),
            ],
            picture=illustration_path("staff_coming"),
        )

    # --- the engine's news ------------------------------------------------------------------

    def _step_entered(self, view: StepView) -> None:
        self.overlay.hide()
        self.step_screen.show_view(view, self.theme)
        self.stack.setCurrentWidget(self.step_screen)

    def _step_failed(self, error: StepError) -> None:
        self.step_screen.show_error(
            self.catalog.text(error.message_key, **error.params), error.can_retry
        )

    # --- a customer cannot leave ------------------------------------------------------------

    def allow_close(self) -> None:
        """Only the supervisor's exit (or the system stopping the service) may close it."""
        self._may_close = True

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._may_close:
            event.accept()
        else:
            log.info("close request ignored: customers cannot leave the kiosk")
            event.ignore()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        event.accept()  # Esc, Alt+F4, Ctrl+Q and friends do nothing here

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.kiosk_label:
            if event.type() == QEvent.Type.MouseButtonPress:
                self.supervisor_hold.start()
            elif event.type() == QEvent.Type.MouseButtonRelease:
                self.supervisor_hold.stop()
        if event.type() == QEvent.Type.MouseButtonPress:
            if self.stack.currentWidget() is self.home:
                self._restart_home_idle()
            elif self.stack.currentWidget() is self.supervisor:
                self.supervisor.touched()
        if event.type() == QEvent.Type.ShortcutOverride and not self._may_close:
            key: Any = event
            if key.key() in (Qt.Key.Key_Escape, Qt.Key.Key_F4, Qt.Key.Key_Q, Qt.Key.Key_W):
                event.accept()
                return True
        return False

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        for overlay in (self.overlay, self.staff_overlay):
            if overlay.isVisible():
                overlay.setGeometry(self.rect())
