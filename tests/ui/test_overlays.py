"""The questions over the screen on the real window: titled, worded from the catalog, the
countdown of "need more time?", and "staff are coming" that stays until it is not needed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from ui.art import Picture
from ui.layout_check import check


def tap(qtbot, window, name: str) -> None:
    (widget,) = [b for b in window.findChildren(QPushButton, name) if b.isVisible()]
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    QApplication.processEvents()


def test_the_language_question_is_titled_and_fits_its_words(qtbot, window):
    window.show_home()
    tap(qtbot, window, "language")
    c, overlay = window.catalog, window.overlay
    assert overlay.title.text() == c.text("ui.home.language")
    assert overlay.prompt.text() == c.text("screens.language.prompt")
    buttons = [b for b in overlay.findChildren(QPushButton) if b.isVisible()]
    assert {b.objectName() for b in buttons} == {
        f"language_{lang}" for lang in window.kiosk.languages
    }
    # no empty bands: the panel is as tall as what it holds, not the whole window
    assert overlay.panel.height() <= overlay.panel.sizeHint().height() + 2
    assert overlay.panel.height() < window.height() / 2


def test_need_more_time_counts_down_in_the_customers_words(qtbot, window):
    window.show_home()
    window.kiosk.begin("guide")
    window.kiosk.set_language("en")
    window._ask_more_time(30)
    c, overlay = window.catalog, window.overlay
    assert overlay.title.text() == c.text("ui.more_time.title")
    assert overlay.countdown.text() == c.text("screens.more_time.left", seconds=30)
    qtbot.waitUntil(
        lambda: overlay.countdown.text() == c.text("screens.more_time.left", seconds=29)
    )
    tap(qtbot, window, "more_time_yes")
    assert not overlay.isVisible() and window.engine.active


def test_every_question_fits_its_words_in_care_mode(qtbot, window):
    """The panel's wrapped prompt and large countdown get the height they need at the width
    the panel keeps (a panel measured at one width and drawn at another clips them)."""
    window.show_home()
    window.kiosk.begin("guide")
    window.kiosk.set_care_mode(True)
    for language in ("en", "ko"):
        window.kiosk.set_language(language)
        for ask in (lambda: window._ask_more_time(30), window._ask_language):
            ask()
            QApplication.processEvents()
            inside = [str(o) for o in check(window) if "/overlay/" in o.where]
            assert inside == [], (language, inside)


def test_call_staff_says_help_is_coming_until_cancelled_or_the_visit_ends(qtbot, window):
    window.show_home()
    window.kiosk.begin("guide")
    window.kiosk.set_language("ko")
    tap(qtbot, window, "call_staff")
    staff, c = window.staff_overlay, window.catalog
    assert staff.isVisible() and staff.title.text() == c.text("ui.staff.called")
    assert staff.prompt.text() == c.text("screens.staff.prompt")
    assert [p for p in staff.findChildren(Picture) if p.isVisible()]  # staff coming, drawn
    window.engine.submit("cash")  # the customer goes on: the notice stays
    QApplication.processEvents()
    assert staff.isVisible()
    tap(qtbot, window, "staff_not_needed")
    assert not staff.isVisible()
    tap(qtbot, window, "call_staff")
    window.engine.cancel()  # the visit ends
    QApplication.processEvents()
    assert window.current_screen() == "attract" and not staff.isVisible()
    texts = [w.text() for w in window.findChildren(QLabel) if w.isVisible()]
    assert c.text("ui.staff.called") not in texts
