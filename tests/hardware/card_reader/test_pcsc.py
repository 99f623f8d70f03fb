"""The PC/SC driver against a real pcscd, the vpcd virtual reader and our virtual card."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

import pytest

from hardware.card_reader.pcsc import PcscCardReader
from hardware.errors import (
    Cancelled,
    CardRemoved,
    CardUnreadable,
    DeviceNotFound,
    DeviceTimeout,
    MediaNotTaken,
    RecommendedAction,
    Unsupported,
)
from hardware.status import DeviceState

READER = "Virtual PCD 00 00"


@pytest.fixture
def reader(pcscd):
    device = PcscCardReader(reader=READER)
    yield device
    device.close()


def test_reads_card_number_and_expiry_of_the_debit_card(reader, virtual_card):
    virtual_card.insert()
    card = reader.accept(timeout=10)
    assert (card.pan, card.expiry) == ("6228480012345678010", "2912")
    assert card.atr.startswith("3B")
    assert "6228480012345678010" not in repr(card)  # logs and tracebacks see only the last 4
    # the teller machine's sequence: SELECT the UnionPay debit AID, GPO, READ RECORD SFI 1
    assert [apdu[:2].hex() for apdu in virtual_card.apdus] == ["00a4", "80a8", "00b2"]
    assert bytes.fromhex("A000000333010101") in virtual_card.apdus[0]


def test_card_inserted_while_waiting_is_read(reader, virtual_card):
    threading.Timer(0.5, virtual_card.insert).start()
    assert reader.accept(timeout=20).pan == "6228480012345678010"


def test_card_pulled_out_mid_read_is_card_removed(reader, virtual_card):
    virtual_card.pull_out_on(0xB2)  # the customer pulls the card while records are read
    virtual_card.insert()
    with pytest.raises(CardRemoved) as caught:
        reader.accept(timeout=10)
    assert caught.value.action is RecommendedAction.RETRY
    assert caught.value.message_key == "devices.error.card_removed"


def test_card_without_the_payment_application_is_unreadable(pcscd, virtual_card):
    reader = PcscCardReader(reader=READER, aid="A0000003330101020003")  # credit, not on card
    virtual_card.insert()
    with pytest.raises(CardUnreadable) as caught:
        reader.accept(timeout=10)
    assert caught.value.action is RecommendedAction.RETRY
    reader.close()


def test_no_card_times_out_and_can_be_cancelled(reader):
    with pytest.raises(DeviceTimeout):
        reader.accept(timeout=0.5)
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    with pytest.raises(Cancelled):
        reader.accept(timeout=60, cancel=cancel)


def test_customer_walking_away_with_the_card_in_the_slot(reader, virtual_card):
    virtual_card.insert()
    reader.accept(timeout=10)
    reader.eject()
    with pytest.raises(MediaNotTaken) as caught:
        reader.wait_taken(timeout=0.6)
    assert caught.value.state is DeviceState.USER_ERROR
    assert reader.present()  # the attract screen asks for it to be taken
    virtual_card.remove()
    reader.wait_taken(timeout=10)  # taken now: returns
    assert not reader.present()


def test_dip_reader_cannot_retain(reader):
    with pytest.raises(Unsupported) as caught:
        reader.retain()
    assert caught.value.action is RecommendedAction.CONFIGURATION


def test_unknown_reader_name_is_no_device(pcscd):
    reader = PcscCardReader(reader="No Such Reader")
    assert reader.status().state is DeviceState.NO_DEVICE
    with pytest.raises(DeviceNotFound):
        reader.accept(timeout=1)


def test_without_pcscd_the_reader_is_offline(tmp_path):
    # pcsc-lite's client reads PCSCLITE_CSOCK_NAME once per process: point a fresh process at
    # a socket nobody serves, so the shared pcscd keeps running for everybody else.
    script = textwrap.dedent("""
        from hardware.card_reader.pcsc import PcscCardReader
        from hardware.errors import DeviceOffline
        reader = PcscCardReader()
        print(reader.status().state)
        try:
            reader.accept(timeout=1)
        except DeviceOffline as e:
            print(type(e).__name__, e.action, e.message_key)
    """)
    env = {"PCSCLITE_CSOCK_NAME": str(tmp_path / "nobody.comm"), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=str(_repo_root()),
        check=True,
    ).stdout
    assert out.split() == ["offline", "DeviceOffline", "reset", "devices.error.offline"]


def _repo_root():
    from pathlib import Path

    return Path(__file__).resolve().parents[3]
