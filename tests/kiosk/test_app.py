"""The composition root without Qt: the simulated PIN pad gets the embedded sandbox's key (and
only then), and a whole kiosk is wired to its devices, bank and journal."""

from __future__ import annotations

import dataclasses

from hardware.pinpad.iso9564 import decode_pin_block
from kiosk.app import build_kiosk, device_config, timeouts_from
from kiosk.runtime import InlineRunner, ManualClock


def test_the_simulated_pin_pad_shares_the_sandbox_key(config):
    config.sandbox.pin_key = "0f" * 16
    assert device_config(config)["pin_pad"] == {"driver": "simulated", "pin_key": "0f" * 16}


def test_with_a_real_bank_the_pin_pad_keeps_its_own_key(config):
    config.backend.url = "https://core.bank.example"
    assert "pin_key" not in device_config(config)["pin_pad"]


def test_the_configured_timeouts_are_the_engines(config):
    config.timeouts.idle_s = 90.0
    timeouts = timeouts_from(config)
    assert timeouts.idle_s == 90.0
    assert {f.name for f in dataclasses.fields(timeouts)} <= set(vars(config.timeouts))


def test_a_pin_keyed_on_the_kiosks_pin_pad_decodes_under_its_sandbox_banks_key(config):
    config.sandbox.pin_key = "a5" * 16  # not the demo key both would fall back to
    kiosk = build_kiosk(config, InlineRunner(), ManualClock())
    try:
        pin_pad, pan = kiosk.engine.services.devices.pin_pad, "6228480012345678010"
        for key in "147258":
            pin_pad.press(key)
        pin_pad.press("enter")
        block = pin_pad.pin_entry(pan, 4, 6, lambda _key: None, timeout=5)
        assert kiosk.sandbox is not None  # no bank configured: the embedded sandbox
        assert decode_pin_block(bytes.fromhex(block.data), pan, bytes(16 * [0xA5])) == "147258"
    finally:
        kiosk.close()


class HeldRunner:
    """Work waits until the test lets it go: a bank slower than the heartbeat's interval."""

    def __init__(self):
        self.held = []

    def run(self, work, success, failure):
        self.held.append((work, success, failure))

    def post(self, callback):
        callback()

    def release(self):
        held, self.held = self.held, []
        for work, success, failure in held:
            try:
                result = work()
            except Exception as exc:
                failure(exc)
            else:
                success(result)


def test_a_heartbeat_slower_than_its_interval_is_never_sent_twice_at_once(config):
    config.backend.heartbeat_s = 5.0
    runner, clock = HeldRunner(), ManualClock()
    kiosk = build_kiosk(config, runner, clock)
    try:
        runner.release()  # the start-up reconciliation
        client = kiosk.engine.services.backend
        sent = []
        real_send = client.send_heartbeat
        client.send_heartbeat = lambda *a, **k: (sent.append(1), real_send(*a, **k))[1]
        clock.advance(1.0)  # the first beat leaves for the bank...
        clock.advance(50.0)  # ...which holds it for ten intervals
        assert len(runner.held) == 1
        runner.release()
        assert len(sent) == 1 and runner.held == []
        clock.advance(5.0)  # the next beat, one interval after the last one came back
        assert len(runner.held) == 1
        kiosk.close()
        runner.release()
        clock.advance(50.0)
        assert runner.held == [], "no beat after the kiosk closed"
    finally:
        kiosk.close()
