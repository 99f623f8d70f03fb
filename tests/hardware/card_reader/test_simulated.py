from __future__ import annotations

import threading

import pytest

from hardware.card_reader.simulated import SimulatedCardReader
from hardware.errors import Cancelled, MediaNotTaken, NoMedia
from hardware.luhn import luhn_valid
from hardware.status import DeviceState


def test_carries_the_demo_cards():
    reader = SimulatedCardReader()
    for person, pan in (
        ("wang", "6228480012345678010"),
        ("jin", "6228480012345678028"),
        ("chen", "6228480012345678044"),
    ):
        reader.insert(person)
        card = reader.accept(timeout=1)
        assert card.pan == pan and luhn_valid(card.pan)
        reader.eject()
    with pytest.raises(ValueError):
        reader.insert("zhao")  # no card yet: she opens an account today


def test_card_from_config_is_inserted_for_demo_runs():
    assert SimulatedCardReader(card="li").accept(timeout=1).pan.endswith("8036")


def test_customer_who_leaves_the_card_gets_it_retained():
    reader = SimulatedCardReader(auto_take=False)
    reader.insert("wang")
    reader.accept(timeout=1)
    reader.eject()
    with pytest.raises(MediaNotTaken):
        reader.wait_taken(timeout=0.2)
    assert reader.status().state is DeviceState.USER_ERROR and reader.present()
    reader.retain()
    assert not reader.present()
    status = reader.status()
    assert status.state is DeviceState.ONLINE and status.supplies == {"retained": 1}


def test_customer_takes_the_card_while_waiting():
    reader = SimulatedCardReader(auto_take=False)
    reader.insert("wang")
    reader.accept(timeout=1)
    reader.eject()
    threading.Timer(0.1, reader.take).start()
    reader.wait_taken(timeout=30)
    with pytest.raises(NoMedia):
        reader.eject()


def test_waiting_for_a_card_can_be_cancelled():
    reader = SimulatedCardReader()
    threading.Timer(0.1, reader.cancel).start()
    with pytest.raises(Cancelled):
        reader.accept(timeout=30)
