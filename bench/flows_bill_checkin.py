"""Taps and simulated device seconds of the scripted happy paths of bill payment and
appointment check-in, on the real flow engine, the sandbox bank over HTTP and the device
simulators (no screen: the customer's answers go straight to the engine).

Taps: a choice, a confirm or "done" is one tap; a keyed-in value is one tap per key plus
confirm. PIN-pad keys are counted apart. Device seconds are what the devices would take with
a real customer (nominal times below, from ATM practice), summed over the device steps the
path goes through; "wall ms" is what the run took here, backend round trips included.

    .venv/bin/python bench/flows_bill_checkin.py
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable

from kiosk.app import build_kiosk
from kiosk.config import Config
from kiosk.flows.engine import FlowEngine
from kiosk.flows.model import StepKind
from kiosk.runtime import InlineRunner, ManualClock

# Nominal seconds a device step takes with a customer in front of it.
DEVICE_SECONDS = {
    "insert_card": 4.0,  # insert, chip read
    "pin": 6.0,  # six keys and ENTER
    "take_card": 3.0,  # eject, customer takes it
    "scan_bill": 3.0,  # hold the paper bill up, QR decoded
    "scan_qr": 3.0,  # hold the phone up, QR decoded
    "read_id": 2.0,  # ID card on the reader
    "print_receipt": 4.0,
    "print_ticket": 3.0,
}


class Customer:
    """Answers the engine's steps and counts the taps."""

    def __init__(self, engine: FlowEngine):
        self.engine, self.taps, self.device_s = engine, 0, 0.0
        engine.step_entered.connect(self._entered)

    def _entered(self, view) -> None:
        self.device_s += DEVICE_SECONDS.get(view.step.id, 0.0)
        if view.step.id.startswith("take_back"):  # asked for it, the customer takes the ID card
            self.engine.services.devices.id_card_reader.take()

    def answer(self, step_id: str, value: str = "confirm") -> None:
        view = self.engine.view
        if view is None or view.step.id != step_id:
            raise RuntimeError(f"expected {step_id}, the kiosk is on {view and view.step.id}")
        self.taps += len(value) + 1 if view.step.kind is StepKind.FIELD else 1
        self.engine.submit(value)


def bill_by_keypad(kiosk, c: Customer) -> None:
    _card_and_pin(kiosk)
    kiosk.begin("bill_payment")
    c.answer("biller", "water")
    c.answer("bill_source", "keypad")
    c.answer("bill_number", "1001234567")
    c.answer("review")
    _finish(c, "paid")


def bill_by_qr(kiosk, c: Customer) -> None:
    _card_and_pin(kiosk)
    kiosk.engine.services.devices.camera.show_code("BILL:electricity:2002345678")
    kiosk.begin("bill_payment")
    c.answer("biller", "electricity")
    c.answer("bill_source", "scan")
    c.answer("review")
    _finish(c, "paid")


def checkin_by_qr(kiosk, c: Customer) -> None:
    kiosk.engine.services.devices.camera.show_code("APPT:APT-7F3K9Q")
    kiosk.begin("appointment_checkin")
    c.answer("method", "qr")
    _finish(c, "ticket", offer=False)


def checkin_by_phone(kiosk, c: Customer) -> None:
    kiosk.begin("appointment_checkin")
    c.answer("method", "phone")
    c.answer("phone", "13900139000")
    c.answer("booking_code", "5678")
    _finish(c, "ticket", offer=False)


def checkin_by_id_card(kiosk, c: Customer) -> None:
    kiosk.engine.services.devices.id_card_reader.insert("li")
    kiosk.begin("appointment_checkin")
    c.answer("method", "id_card")
    _finish(c, "ticket", offer=False)


def _card_and_pin(kiosk) -> None:
    devices = kiosk.engine.services.devices
    devices.card_reader.insert("wang")
    for key in [*"147258", "enter"]:  # keys pressed early wait for the PIN entry
        devices.pin_pad.press(key)


def _finish(c: Customer, result: str, offer: bool = True) -> None:
    c.answer(result, "done")
    c.answer("rating", "5")
    if offer:
        c.answer("offer", "no_thanks")
    if c.engine.active:
        raise RuntimeError(f"the flow did not end: {c.engine.view.step.id}")


PATHS: dict[str, Callable] = {
    "bill_payment, bill number keyed": bill_by_keypad,
    "bill_payment, paper bill QR": bill_by_qr,
    "appointment_checkin, phone QR": checkin_by_qr,
    "appointment_checkin, phone + code": checkin_by_phone,
    "appointment_checkin, ID card": checkin_by_id_card,
}


def main() -> None:
    print(
        f"{'scripted happy path':36s} {'taps':>5s} {'PIN keys':>9s} {'device s':>9s}"
        f" {'wall ms':>8s}"
    )
    for name, path in PATHS.items():
        with tempfile.TemporaryDirectory() as scratch:
            config = Config()
            config.kiosk.data_dir = scratch
            kiosk = build_kiosk(config, InlineRunner(), ManualClock())
            try:
                customer = Customer(kiosk.engine)
                started = time.perf_counter()
                path(kiosk, customer)
                wall_ms = (time.perf_counter() - started) * 1000
            finally:
                kiosk.close()
        pin_keys = 7 if name.startswith("bill") else 0
        print(
            f"{name:36s} {customer.taps:5d} {pin_keys:9d} {customer.device_s:9.1f} {wall_ms:8.0f}"
        )


if __name__ == "__main__":
    main()
