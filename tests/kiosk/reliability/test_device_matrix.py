"""The device half of the fault matrix: every step of the four flows that touches a device ×
every fault that device's simulator can raise there. The cells are not a hand-kept list: a
clean visit of each demo customer (`visits.SCENARIOS`) records every chance a simulator gave
a fault to fire, and at which step (the flow's clean-up after a customer walked off counts as
a step too); each such chance is a cell, its fault armed as its step begins.

Every cell ends safe: the fault fired where it was armed; the customer is told (a failure in
the catalogs' words, the flow's own end saying why, a note on a later screen, a reminder, or
staff called) and never shown a system error; the visit ends and forgets the customer; what
was in the machine is handed back, captured or left to staff who were called; and once
reconciled the journal is intact, nothing is open, and it agrees with the bank entry by entry
and to the fen."""

from __future__ import annotations

import pytest

from hardware.camera.simulated import SimulatedCamera
from hardware.card_dispenser.simulated import SimulatedCardDispenser
from hardware.card_reader.simulated import SimulatedCardReader
from hardware.id_card_reader.simulated import SimulatedIdCardReader
from hardware.pinpad.simulated import SimulatedPinPad
from hardware.printer.simulated import SimulatedPrinter
from kiosk.flows import bank_card, card_issue, take_back
from kiosk.i18n import Catalog, available_languages
from kiosk.journal import reconcile

from .ledger import bank_keys, disagreements
from .visits import SCENARIOS, Cell, Visit, cells, kiosk_for

SIMULATORS = {
    "id_card_reader": SimulatedIdCardReader,
    "card_reader": SimulatedCardReader,
    "camera": SimulatedCamera,
    "pin_pad": SimulatedPinPad,
    "card_dispenser": SimulatedCardDispenser,
    "printer": SimulatedPrinter,
}
CELLS = cells()
CATALOGS = [Catalog(language) for language in available_languages()]
# what tells a customer that something went wrong: a device's own words, a flow's error, a
# card not handed back (or the slip saying where it is kept), a receipt not printed, a reminder
# to take a card, staff on the way
TROUBLE = (
    "devices.error.",
    ".error.",
    "bank_card.returned.",
    "bank_card.captured.",
    "bank_card.remind.",
    "take_back.remind.",
    "receipt.note.not_printed",
    "ui.staff.called",
)


@pytest.fixture
def quick_waits(monkeypatch):
    """A customer who walked off is waited for in tenths of seconds, not half a minute."""
    monkeypatch.setattr(bank_card, "REMIND_AFTER_S", 0.1)
    monkeypatch.setattr(bank_card, "TAKE_TIMEOUT_S", 0.3)
    monkeypatch.setattr(card_issue, "TAKE_TIMEOUT_S", 0.3)
    monkeypatch.setattr(take_back, "REMIND_EVERY_S", 0.1)


def _told_trouble(visit: Visit) -> list[str]:
    return [key for _what, key in visit.told if any(mark in key for mark in TROUBLE)]


def _left_safe(visit: Visit) -> list[str]:
    """What is still in the machine that nobody will come for."""
    devices, noted = visit.devices, visit.engine.services.left_behind.items()
    problems = []
    if devices.card_reader.present() and "device_fault" not in visit.staff:
        problems.append("a bank card in the reader, staff not called")
    if devices.id_card_reader.present() and not (
        "card_left_behind" in visit.staff and any(i.item == "id_card" for i in noted)
    ):
        problems.append("an ID card on the reader, not noted for staff")
    return problems


@pytest.mark.parametrize("cell", CELLS, ids=[c.id for c in CELLS])
def test_a_device_fault_at_any_step_ends_safe(cell: Cell, quick_waits):
    scenario = SCENARIOS[cell.scenario]
    with kiosk_for(scenario) as kiosk:
        visit = Visit(kiosk, scenario, cell)
        visit.prepare()
        database, kiosk_id = kiosk.sandbox.database, kiosk.config.kiosk.id
        outside = bank_keys(database, kiosk_id)  # the bank's set-up, not the kiosk's calls
        with visit.listening():
            visit.walk()
        assert [(c.step, c.device, c.fault) for c in visit.fired()] == [
            (cell.step, cell.device, cell.fault)
        ]
        assert not visit.engine.active and visit.ended
        assert visit.sessions and all(s.is_empty for s in visit.sessions)  # forgotten
        assert _told_trouble(visit), visit.told
        shown = [key for what, key in visit.told if what != "step"]
        assert "flow.error.system" not in shown
        assert [k for k in shown for c in CATALOGS if not c.has(k)] == []
        assert _left_safe(visit) == []
        journal = visit.engine.services.journal
        reconcile(journal, visit.engine.services.backend)
        assert journal.open_intents() == []
        assert journal.verify().ok
        assert disagreements(journal, database, kiosk_id, outside=outside) == []


def test_the_matrix_reaches_every_device_every_fault_and_every_flow():
    offered = {(name, fault) for name, sim in SIMULATORS.items() for fault in sim.FAULTS}
    assert {(c.device, c.fault) for c in CELLS} == offered
    flows = {SCENARIOS[c.scenario].flow for c in CELLS}
    assert flows == {"bill_payment", "account_opening", "card_issue", "appointment_checkin"}


def test_every_scenario_is_a_clean_visit_without_faults(quick_waits):
    for scenario in SCENARIOS.values():
        with kiosk_for(scenario) as kiosk:
            visit = Visit(kiosk, scenario)
            visit.prepare()
            visit.walk()
            assert visit.failures == [] and visit.fired() == [], scenario.name
            expected = "cancelled" if scenario.leave_at else "completed"
            assert visit.ended == [expected], scenario.name
