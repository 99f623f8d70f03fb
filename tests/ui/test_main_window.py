"""A customer's taps on the kiosk's window, headless: attract -> home -> a flow -> result ->
attract, and the ways a customer must not be able to leave or get stuck."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from kiosk.flows.guide import GuideState
from kiosk.i18n import Catalog
from ui.theme import CARE, STANDARD, contrast


def tap(qtbot, window, name: str) -> None:
    buttons = [b for b in window.findChildren(QPushButton, name) if b.isVisible()]
    assert buttons, f"no visible button {name!r} on the {window.current_screen()} screen"
    assert buttons[0].isEnabled(), f"button {name!r} is disabled"
    qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)
    QApplication.processEvents()  # layouts show new widgets on the next turn of the loop


def visible(window, name: str) -> QPushButton:
    (widget,) = [b for b in window.findChildren(QPushButton, name) if b.isVisible()]
    return widget


def visible_text(window) -> str:
    return "\n".join(label.text() for label in window.findChildren(QLabel) if label.isVisible())


def shows(window, key: str, language: str | None = None) -> bool:
    """The message `key` is on the screen, in `language` (the kiosk's current one if None)."""
    return Catalog(language or window.kiosk.language).text(key) in visible_text(window)


def test_a_customer_is_guided_to_the_right_counter_and_forgotten(qtbot, window):
    assert window.current_screen() == "attract"
    assert shows(window, "ui.attract.prompt")
    qtbot.mouseClick(window.attract, Qt.MouseButton.LeftButton, pos=QPoint(300, 300))
    assert window.current_screen() == "home"
    tap(qtbot, window, "service_guide")
    assert shows(window, "guide.need.title")
    tap(qtbot, window, "choice_lost_card")
    qtbot.waitUntil(lambda: shows(window, "guide.has_id.title"))
    tap(qtbot, window, "choice_yes")  # a ticket for the card counter is taken and printed
    # the step is entered when the bank's ticket answer comes; the screen is drawn just after
    qtbot.waitUntil(lambda: shows(window, "guide.to_card_counter.title"))
    assert window.engine.view.step.id == "to_card_counter"
    session = window.engine.session
    assert session.state(GuideState).need == "lost_card"
    tap(qtbot, window, "choice_done")
    assert window.current_screen() == "attract"
    assert session.is_empty


def test_language_switch_redraws_the_current_step(qtbot, window):
    window.show_home()
    tap(qtbot, window, "service_guide")
    tap(qtbot, window, "language")
    tap(qtbot, window, "language_en")
    assert shows(window, "guide.need.title", "en")
    tap(qtbot, window, "language")
    tap(qtbot, window, "language_ko")
    assert shows(window, "guide.need.title", "ko")
    tap(qtbot, window, "cancel")  # nothing entered yet: no "are you sure?"
    assert window.current_screen() == "attract"
    assert shows(window, "ui.attract.prompt", "zh_CN")  # the next customer: default language


def test_cancel_after_answering_asks_first(qtbot, window):
    window.show_home()
    tap(qtbot, window, "service_guide")
    tap(qtbot, window, "choice_cash")
    qtbot.waitUntil(lambda: shows(window, "guide.cash_amount.title"))  # after a worker
    tap(qtbot, window, "cancel")
    assert shows(window, "ui.cancel_confirm.title")
    tap(qtbot, window, "cancel_no")
    assert window.engine.view.step.id == "cash_amount"
    tap(qtbot, window, "back")
    assert window.engine.view.step.id == "need"
    tap(qtbot, window, "choice_cash")
    qtbot.waitUntil(lambda: shows(window, "guide.cash_amount.title"))  # after a worker
    tap(qtbot, window, "cancel")
    tap(qtbot, window, "cancel_yes")
    assert window.current_screen() == "attract"


def test_need_more_time_then_timeout(qtbot, window):
    window.kiosk.config.timeouts.idle_s = 0.3
    window.kiosk.config.timeouts.answer_s = 0.6
    window.engine.timeouts = type(window.engine.timeouts)(idle_s=0.3, answer_s=0.6)
    window.show_home()
    tap(qtbot, window, "service_guide")
    qtbot.waitUntil(lambda: shows(window, "ui.more_time.title"), timeout=5000)
    tap(qtbot, window, "more_time_yes")
    assert window.current_screen() == "step"
    assert not shows(window, "ui.more_time.title")
    qtbot.waitUntil(lambda: shows(window, "ui.more_time.title"), timeout=5000)
    qtbot.waitUntil(lambda: window.current_screen() == "attract", timeout=5000)


def test_customers_cannot_close_the_kiosk(qtbot, window):
    assert window.windowFlags() & Qt.WindowType.FramelessWindowHint
    window.close()
    assert window.isVisible()
    for keys in ("Esc", "Alt+F4", "Ctrl+Q", "Ctrl+W"):
        qtbot.keySequence(window, QKeySequence(keys))
        assert window.isVisible(), keys


def test_unavailable_services_are_shown_paused(qtbot, window):
    window.show_home()
    for service in window.kiosk.services():
        tile = window.findChild(QPushButton, f"service_{service.flow_id}")
        assert tile.isEnabled() == service.available
        if not service.available:
            assert Catalog("zh_CN").text("ui.home.unavailable") in tile.text()


def test_care_mode_is_larger_calmer_and_fits_the_screen(qtbot, window):
    window.show_home()
    standard_size = visible(window, "service_bill_payment").font().pointSize()
    tap(qtbot, window, "care_mode")
    assert window.kiosk.care_mode
    care_size = visible(window, "service_bill_payment").font().pointSize()
    assert care_size >= 30 and care_size > standard_size
    assert window.findChild(QPushButton, "call_staff").height() >= window.theme.target_px
    tap(qtbot, window, "more")  # four services and the guide: three a page and "more"
    tap(qtbot, window, "service_guide")
    choices = [
        b
        for b in window.findChildren(QPushButton)
        if (b.objectName().startswith("choice_") or b.objectName() == "more") and b.isVisible()
    ]
    assert len(choices) <= 4
    for _page in range(2):  # seven needs: three a page, "more" in the fourth place
        tap(qtbot, window, "more")
    assert visible(window, "choice_other")


def test_themes_meet_contrast_and_target_rules():
    for theme, minimum in ((STANDARD, 4.5), (CARE, 7.0)):
        for fg, bg in (
            (theme.text, theme.background),
            (theme.muted, theme.background),
            (theme.on_accent, theme.accent),
            (theme.text, theme.surface),
        ):
            assert contrast(fg, bg) >= minimum, (theme.name, fg, bg)
    # 60 dp at 160 dp per inch is 9.5 mm; a 1080-line kiosk screen has about 100 pixels an inch.
    assert CARE.target_px >= 60 / 160 * 100 * 2
    assert CARE.key_px >= 60 / 160 * 100 * 2
    assert CARE.text_pt >= 30 and CARE.choices_per_page <= 4


def test_call_staff_is_always_there(qtbot, window):
    caught = []
    window.kiosk.staff_called.connect(caught.append)
    tap(qtbot, window, "call_staff")
    assert caught == ["customer_help"] and shows(window, "ui.staff.called")


def test_the_top_bar_shows_the_bank_its_logo_and_the_date_and_time_per_language(qtbot, config):
    from datetime import datetime

    from kiosk.formats import clock, day_and_weekday
    from ui.app import build_window
    from ui.art import Picture

    config.bank.name = {"en": "Example Bank"}
    win = build_window(config)
    qtbot.addWidget(win)
    try:
        assert win.bank_label.text() == win.catalog.text("screens.bank.name")  # not configured
        win.kiosk.set_language("en")
        assert win.bank_label.text() == "Example Bank"
        now = datetime.now()
        assert win.clock.text().startswith(day_and_weekday(now.date(), "en"))
        assert clock(now, "en")[:2] in win.clock.text()
        assert win.findChild(Picture, "logo").renderer().isValid()
    finally:
        win.kiosk.close()
