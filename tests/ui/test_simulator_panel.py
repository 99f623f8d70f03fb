"""The demonstrator's panel: below the top bar, never echoing PIN pad keys, and able to take
the ID card off the reader."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFrame, QPushButton


def _tap(qtbot, window, name: str) -> None:
    button = next(b for b in window.findChildren(QPushButton, name) if b.isVisible())
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()


def test_the_panel_opens_below_the_top_bar(qtbot, window):
    _tap(qtbot, window, "simulator")
    bar = window.findChild(QFrame, "bar")
    bar_bottom = bar.mapTo(window, bar.rect().bottomLeft()).y()
    assert window.simulator.isVisible()
    assert window.simulator.geometry().top() > bar_bottom
    # the top bar's buttons are still there to be tapped: call staff, language
    for name in ("call_staff", "language"):
        button = window.findChild(QPushButton, name)
        centre = button.mapTo(window, button.rect().center())
        assert window.childAt(centre) is button


def test_pin_pad_keys_are_not_echoed(qtbot, window):
    _tap(qtbot, window, "simulator")
    for key in ("7", "3", "enter"):
        _tap(qtbot, window, f"sim_key_{key}")
        assert window.simulator.status.text() == window.catalog.text("simulator.key_pressed")


def test_the_id_card_is_taken_off_the_reader(qtbot, window):
    reader = window.engine.services.devices.id_card_reader
    _tap(qtbot, window, "simulator")
    _tap(qtbot, window, "sim_id_wang")
    assert reader.present()
    _tap(qtbot, window, "sim_id_take")
    assert not reader.present()
