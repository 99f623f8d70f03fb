"""What reaches the paper: a bill payment printed by the ESC/POS driver (python-escpos, its
dummy connection keeping the bytes), read back from those bytes. The bank's reference is a
code, printed whole; the card shows only its first six and last four digits."""

from __future__ import annotations

import re

import pytest

from kiosk.sandbox import bank as sandbox_bank

PAN = "6228480012345678010"
REFERENCE = "B2026120236901F5C27"  # the reference once printed as **6901F5C27


@pytest.fixture
def escpos_kiosk(config, monkeypatch):
    config.devices["printer"] = {"driver": "escpos", "connection": "dummy", "columns": 32}
    new_id = sandbox_bank._new_id  # the bank hands out this very reference for the payment
    monkeypatch.setattr(
        sandbox_bank, "_new_id", lambda prefix: REFERENCE if prefix == "B" else new_id(prefix)
    )
    from kiosk.app import build_kiosk
    from kiosk.runtime import InlineRunner, ManualClock

    kiosk = build_kiosk(config, InlineRunner(), ManualClock())
    yield kiosk
    kiosk.close()


def _qr_payload(data: bytes) -> str:
    """The data of the GS ( k "store QR data" command (cn=49, fn=80)."""
    match = re.search(rb"\x1d\(k(..)1P0", data, re.DOTALL)
    assert match, "no native QR store command in the output"
    return data[match.end() : match.end() + int.from_bytes(match[1], "little") - 3].decode()


def test_a_paid_bill_prints_its_reference_whole_and_the_card_masked(escpos_kiosk):
    kiosk = escpos_kiosk
    devices = kiosk.engine.services.devices
    devices.card_reader.insert("wang")
    for key in [*"147258", "enter"]:
        devices.pin_pad.press(key)
    kiosk.begin("bill_payment")
    for answer in ("water", "keypad", "1001234567", "confirm"):
        kiosk.engine.submit(answer)
    assert kiosk.engine.view is not None and kiosk.engine.view.step.id == "paid"
    data = devices.printer.output
    rows = data[: data.index(b"\x1d(k")].decode("gb18030").split("\n")  # the text, not the QR
    assert any(row.rstrip().endswith(REFERENCE) for row in rows), rows  # whole, on its row
    assert _qr_payload(data) == REFERENCE
    assert any(row.rstrip().endswith("622848*********8010") for row in rows), rows
    assert PAN not in data.decode("gb18030", errors="replace")
    journal = kiosk.engine.services.journal
    [outcome] = [e for e in journal.entries() if e.kind == "outcome" and e.reference]
    assert outcome.reference == REFERENCE
