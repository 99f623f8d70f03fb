"""The device half of the fault matrix: a bill payment on the real flow engine, sandbox bank
and simulators, with each fault each of its devices can raise (taken from the simulators' own
FAULTS tables) injected at the device's first use. Every cell ends safe: any failure the
customer sees is a catalog message, the customer can always leave, the visit ends, and the
journal and the bank agree on what was paid."""

from __future__ import annotations

import pytest

from hardware.card_reader.simulated import SimulatedCardReader
from hardware.pinpad.simulated import SimulatedPinPad
from hardware.printer.simulated import SimulatedPrinter
from kiosk.app import build_kiosk
from kiosk.i18n import Catalog
from kiosk.journal import reconcile
from kiosk.runtime import InlineRunner, ManualClock

DEVICES = {
    "card_reader": SimulatedCardReader,
    "pin_pad": SimulatedPinPad,
    "printer": SimulatedPrinter,
}
CELLS = [(device, fault) for device, cls in DEVICES.items() for fault in cls.FAULTS]
CATALOG = Catalog("en")
PATH = [
    ("biller", "water"),
    ("bill_source", "keypad"),
    ("bill_number", "1001234567"),
    ("review", "confirm"),
]


@pytest.mark.parametrize("device, fault", CELLS, ids=[f"{d}-{f}" for d, f in CELLS])
def test_a_device_fault_at_any_step_ends_safe(config, device, fault):
    kiosk = build_kiosk(config, InlineRunner(), ManualClock())
    engine = kiosk.engine
    devices = engine.services.devices
    shown: list[str] = []
    engine.step_failed.connect(lambda error: shown.append(error.message_key))
    try:
        getattr(devices, device).inject(fault)
        devices.card_reader.insert("wang")
        for key in [*"147258", "enter"]:
            devices.pin_pad.press(key)
        kiosk.begin("bill_payment")
        for step, answer in PATH:
            if not engine.active or engine.view.step.id != step or shown:
                break
            engine.submit(answer)
        if engine.active:
            engine.cancel()  # the customer leaves, whatever the screen says
        assert not engine.active
        assert all(CATALOG.has(key) for key in shown), shown
        journal, bank = engine.services.journal, engine.services.backend
        reconcile(journal, bank)
        assert journal.open_intents() == []
        done = [e for e in journal.entries() if e.kind == "outcome" and e.outcome == "done"]
        paid_keys = {e.idempotency_key for e in done}
        journal_paid = [
            e
            for e in journal.entries()
            if e.operation == "pay_bill" and e.idempotency_key in paid_keys
        ]
        with kiosk.sandbox.database.transaction() as tx:
            payments = tx.one("SELECT COUNT(*) AS n FROM payments")["n"]
        assert payments == len(journal_paid) <= 1
    finally:
        kiosk.close()
