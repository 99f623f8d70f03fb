"""The staff screen on the real window (ui/supervisor.py): each tab opens by name, a device
that failed shows it and staff reset it from its row, what customers walked away from is
listed first, the on-screen keypad types into its field, and the figures export says where
it went (or that it could not). Signed in against the sandbox bank over HTTP."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton

from hardware.errors import CardJammed
from kiosk.sandbox.seed import STAFF
from ui.supervisor import TABS, SupervisorScreen, _percent

SUPERVISOR = "800102"
PASSWORD = {staff_id: password for staff_id, _name, _role, password, _active in STAFF}


@pytest.fixture
def panel(window, qtbot) -> SupervisorScreen:
    window.open_supervisor()
    screen = window.supervisor
    screen._sign_in({"staff_id": SUPERVISOR, "password": PASSWORD[SUPERVISOR]})
    qtbot.waitUntil(lambda: screen.current_tab() == "devices", timeout=10_000)
    return screen


def shown(panel: SupervisorScreen, name: str) -> str:
    QApplication.processEvents()  # the tab drawn afresh shows; the old one is gone
    [widget] = [w for w in panel.findChildren(QLabel, name) if w.isVisible()]
    return widget.text()


def test_each_tab_opens_by_name_with_its_catalog_title(panel):
    for index, name in enumerate(TABS):
        panel.show_tab(name)
        assert panel.current_tab() == name
        assert panel.tabs.tabText(index) == panel.catalog.text(f"supervisor.tab.{name}")


def test_a_device_that_failed_shows_it_and_is_reset_from_its_row(panel, window, qtbot):
    dispenser = window.engine.services.devices.card_dispenser
    dispenser.inject("jam")
    with pytest.raises(CardJammed):
        dispenser.dispense(timeout=1)
    panel.show_dashboard("devices")
    assert shown(panel, "state_card_dispenser") == panel.catalog.text(
        "supervisor.state.hardwareError"
    )
    [reset] = [b for b in panel.findChildren(QPushButton, "reset_card_dispenser") if b.isVisible()]
    reset.click()
    assert shown(panel, "state_card_dispenser") == panel.catalog.text("supervisor.state.online")
    steps = [e.step for e in window.engine.services.journal.entries() if e.flow == "supervisor"]
    assert "reset_device" in steps


def test_what_customers_walked_away_from_is_listed_on_the_devices_tab(panel, window):
    window.engine.services.left_behind.note("bank_card", "captured", "622848*********8010")
    panel.show_dashboard("devices")
    [item] = window.engine.services.left_behind.items()
    QApplication.processEvents()
    texts = [w.text() for w in panel.findChildren(QLabel) if w.isVisible()]
    assert panel.catalog.text("supervisor.left.title") in texts
    assert (
        panel.catalog.text("supervisor.left.bank_card.captured", at=item.at, card=item.detail)
        in texts
    )


def test_the_keypad_types_deletes_and_clears_its_field():
    entry = QLineEdit()
    for key in ("1", "2", "0"):
        SupervisorScreen._key(entry, key)
    SupervisorScreen._key(entry, "delete")
    assert entry.text() == "12"
    SupervisorScreen._key(entry, "clear")
    assert entry.text() == ""


def test_the_figures_export_says_where_it_went_and_is_journaled(panel, window, tmp_path):
    panel.show_tab("figures")
    panel.export_csv(str(tmp_path))
    [exported] = list(tmp_path.glob("*.csv"))
    assert panel.message.text() == panel.catalog.text("supervisor.panel.exported", path=exported)
    actions = [e for e in window.engine.services.journal.entries() if e.step == "export_figures"]
    assert actions and actions[0].data["staff_id"] == SUPERVISOR


def test_an_export_that_cannot_be_written_says_so(panel, tmp_path):
    not_a_folder = tmp_path / "a_file"
    not_a_folder.write_text("")
    panel.export_csv(str(not_a_folder))
    assert panel.message.text() == panel.catalog.text("supervisor.panel.export_failed")


def test_a_rate_is_a_whole_percentage_or_not_known(window):
    catalog = window.catalog
    assert _percent(0.256, catalog) == "26%" and _percent(1.0, catalog) == "100%"
    assert _percent(None, catalog) == catalog.text("supervisor.panel.not_known")
