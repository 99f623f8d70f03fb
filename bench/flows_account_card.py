"""Taps and simulated time of the scripted happy paths of 开户 and 发卡.

    .venv/bin/python bench/flows_account_card.py

The kiosk core runs as built by kiosk.app (embedded sandbox over HTTP on loopback, simulated
devices) with an inline runner, so a scripted customer walks each flow step by step.

How the time is counted (simulated, not measured; the simulators themselves take no time):
- device seconds: what the hardware of a typical STM takes per DEVICE step entered
  (DEVICE_S below: ID card read, face photo, card making + taking, receipt printing), plus
  the SMS's way to the phone;
- customer seconds: 2 s per on-screen tap, 0.7 s per keypad digit or PIN-pad key, and 20 s
  to read each long text (agreement, consent);
- "total" is both together: the target is account opening under 180 s.
The wall column is this machine's real time for the run (mostly the HTTP round trips).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.app import build_kiosk
from kiosk.config import Config
from kiosk.runtime import InlineRunner, ManualClock

DEVICE_S = {"insert_id": 2.0, "face": 3.0, "dispense": 11.0, "print_receipt": 5.0}
SMS_S = 10.0
TAP_S, KEY_S, READ_S = 2.0, 0.7, 20.0
LONG_TEXTS = {"agreement", "consent"}


class Customer:
    """Walks a flow as a person would, counting what they do and what the machine does."""

    def __init__(self, kiosk):
        self.kiosk, self.engine = kiosk, kiosk.engine
        self.devices = kiosk.engine.services.devices
        self.taps = self.digits = self.pin_keys = 0
        self.device_s = self.read_s = 0.0
        self.engine.step_entered.connect(self._entered)

    def _entered(self, view) -> None:
        self.device_s += DEVICE_S.get(view.step.id, 0.0)
        if view.step.id.startswith("take_back"):  # asked for it, the customer takes the ID card
            self.devices.id_card_reader.take()
        self.read_s += READ_S if view.step.id in LONG_TEXTS else 0.0

    def leave(self) -> None:
        self.engine.step_entered.disconnect(self._entered)

    def tap(self, answer: str = "confirm") -> None:
        self.taps += 1
        self.engine.submit(answer)

    def key_in(self, digits: str) -> None:
        self.digits += len(digits)
        self.tap(digits)

    def queue_pin_twice(self, pin: str) -> None:
        for key in (*pin, "enter") * 2:
            self.devices.pin_pad.press(key)
            self.pin_keys += 1

    @property
    def customer_s(self) -> float:
        return self.taps * TAP_S + (self.digits + self.pin_keys) * KEY_S + self.read_s

    def row(self, flow: str, wall_s: float) -> str:
        total = self.device_s + self.customer_s
        return (
            f"| {flow:<20} | {self.taps:>4} | {self.digits:>6} | {self.pin_keys:>7} | "
            f"{self.device_s:>8.1f} | {self.customer_s:>10.1f} | {total:>7.1f} | "
            f"{wall_s:>6.2f} |"
        )


def account_opening(kiosk) -> tuple[Customer, float]:
    me = Customer(kiosk)
    started = time.perf_counter()
    me.devices.id_card_reader.insert("zhao")
    me.devices.camera.set_face(True)
    kiosk.begin("account_opening")
    for answer in ("standard_debit", "II", "agree", "agree"):
        if answer == "agree":
            kiosk.engine.body_read()  # read to the end first
        me.tap(answer)
    me.device_s += SMS_S
    me.key_in("13500135000")
    me.key_in("246810")
    me.queue_pin_twice("802413")
    me.tap()  # review confirmed: the PIN pad takes the queued keys, the account opens
    assert kiosk.engine.view.step.id == "opened", kiosk.engine.view.step.id
    me.leave()
    return me, time.perf_counter() - started


def card_issue_after_account_opening(kiosk) -> tuple[Customer, float]:
    me = Customer(kiosk)
    started = time.perf_counter()
    me.tap("card_issue")
    me.queue_pin_twice("590317")
    me.tap("standard_debit")
    assert kiosk.engine.view.step.id == "issued", kiosk.engine.view.step.id
    me.leave()
    return me, time.perf_counter() - started


def main() -> None:
    config = Config()
    config.kiosk.data_dir = tempfile.mkdtemp(prefix="bench-flows-")
    kiosk = build_kiosk(config, InlineRunner(), ManualClock())
    try:
        opening, opening_wall = account_opening(kiosk)
        issue, issue_wall = card_issue_after_account_opening(kiosk)
    finally:
        kiosk.close()
    print(
        "| flow                 | taps | digits | PIN pad "
        "| device s | customer s | total s | wall s |"
    )
    print(
        "|----------------------|------|--------|---------|----------|------------|---------|--------|"
    )
    print(opening.row("account_opening", opening_wall))
    print(issue.row("card_issue (chained)", issue_wall))
    total = opening.device_s + opening.customer_s
    print(
        f"\naccount opening: {total:.0f} s simulated "
        f"({'under' if total < 180 else 'OVER'} the 180 s target)"
    )


if __name__ == "__main__":
    main()
