"""The home screen: a tile per service with its icon, and in care mode four choices at most."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QPushButton

from tests.ui.test_steps import _choice_buttons, shown


def test_every_service_tile_has_its_icon(window):
    window.show_home()
    tiles = [b for b in shown(window, QPushButton) if b.objectName().startswith("service_")]
    assert len(tiles) == len(window.kiosk.services()) + 1  # and the guide
    assert all(not tile.icon().isNull() for tile in tiles)


def test_the_care_mode_home_screen_shows_four_choices_at_most(qtbot, window):
    window.kiosk.set_care_mode(True)
    window.show_home()
    buttons = _choice_buttons(window)
    assert len(buttons) <= 4 and buttons[-1].objectName() == "more"
    buttons[-1].click()
    QApplication.processEvents()
    assert shown(window, QPushButton, "service_guide")
