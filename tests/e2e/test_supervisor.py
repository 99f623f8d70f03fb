"""Branch staff at the kiosk: hold the kiosk number, sign in against the bank, see devices and
figures, refill cards, take the machine out of service, quit only with the exit code."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


def hold_kiosk_number(k, ms: int = 3300) -> None:
    k.qtbot.mousePress(k.window.kiosk_label, Qt.MouseButton.LeftButton)
    k.qtbot.wait(ms)
    k.qtbot.mouseRelease(k.window.kiosk_label, Qt.MouseButton.LeftButton)


def sign_in(k, staff_id: str, password: str) -> None:
    k.type_digits(staff_id)
    k.tap("next")
    k.type_digits(password)
    k.tap("confirm")


def test_staff_sign_in_and_look_after_the_kiosk(kiosk_app):
    k = kiosk_app
    hold_kiosk_number(k, 1000)  # a short touch is nothing
    assert k.window.current_screen() == "attract"
    hold_kiosk_number(k)
    k.sees_message("supervisor.sign_in")
    sign_in(k, "800103", "246802")  # a teller may not enter supervisor mode
    k.sees_message("backend.declined.staff_not_permitted")
    sign_in(k, "800102", "913579")
    k.sees_message("supervisor.title", staff="800102")
    k.sees_message("supervisor.device.card_dispenser")
    k.sees_message("supervisor.state.online")

    k.type_digits("120")
    k.tap("refill_cards")
    assert k.devices.card_dispenser.stock() == 120
    k.sees(f"{k.kiosk.catalog.text('supervisor.supply.cards')}: 120")

    k.tap("service_toggle")
    assert not k.kiosk.in_service
    k.tap("sign_out")
    k.sees_message("ui.out_of_service.title")
    k.qtbot.mouseClick(k.window.attract, Qt.MouseButton.LeftButton)
    assert k.window.current_screen() == "attract"  # touches do nothing while out of service

    audit = [(e.flow, e.step, e.data) for e in k.journal.entries() if e.flow == "supervisor"]
    steps = [step for _flow, step, _data in audit]
    assert "sign_in" in steps and "refill_cards" in steps and "out_of_service" in steps
    assert all("800102" in str(data) or step == "sign_in" for _f, step, data in audit)


def test_quitting_needs_the_exit_code(kiosk_app, monkeypatch):
    k = kiosk_app
    quits = []
    # Stand-in for ending the test process's event loop, which pytest-qt still needs.
    monkeypatch.setattr(QApplication, "quit", lambda *_: quits.append(True))
    k.window.open_supervisor()
    sign_in(k, "800102", "913579")
    k.sees_message("supervisor.title", staff="800102")
    k.type_digits("12")
    k.tap("exit_app")
    k.sees_message("supervisor.error.exit_code")
    assert not quits
    k.type_digits("98")
    k.tap("exit_app")
    assert quits and k.window._may_close


def test_supervisor_mode_waits_for_the_customer(kiosk_app):
    k = kiosk_app
    k.start("guide")
    hold_kiosk_number(k)
    assert k.window.current_screen() == "step"
