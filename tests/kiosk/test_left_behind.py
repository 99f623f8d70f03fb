"""What customers walked away from, as the staff screen lists it and the attract screen asks
for it: a card still in a reader is listed until the reader no longer feels it, a captured
card until staff deal with it. Real simulated readers."""

from __future__ import annotations

import pytest

from hardware.registry import build_devices
from kiosk.left_behind import LeftBehind


@pytest.fixture
def devices():
    built = build_devices()
    yield built
    built.close()


def test_a_card_left_in_a_reader_is_asked_for_until_the_reader_no_longer_feels_it(devices):
    left = LeftBehind()
    devices.id_card_reader.insert("wang")
    left.note("id_card", "left", "****0237")
    assert left.in_readers() == ["id_card"]
    assert left.check_taken(devices) == ["id_card"]  # still lying there
    devices.id_card_reader.take()
    assert left.check_taken(devices) == []
    assert left.items() == [] and left.in_readers() == []


def test_a_captured_card_stays_on_the_staff_list_and_never_blocks_a_visit(devices):
    left = LeftBehind()
    left.note("bank_card", "captured", "622848*********8010")
    assert left.in_readers() == []  # it is in the bin, not in the slot
    assert left.check_taken(devices) == []
    [item] = left.items()
    assert (item.item, item.state, item.detail) == ("bank_card", "captured", "622848*********8010")
    assert len(item.at) == 5 and item.at[2] == ":"  # HH:MM, for staff
    left.clear()  # staff emptied the bin
    assert left.items() == []


def test_taken_forgets_only_the_card_left_in_its_reader(devices):
    left = LeftBehind()
    left.note("bank_card", "left")
    left.note("bank_card", "captured")
    left.note("id_card", "left")
    left.taken("bank_card")
    assert [(i.item, i.state) for i in left.items()] == [
        ("bank_card", "captured"),
        ("id_card", "left"),
    ]
    assert left.in_readers() == ["id_card"]


def test_a_card_left_is_logged_for_the_branch(caplog):
    LeftBehind().note("id_card", "left", "****0237")
    assert "left behind: id_card left ****0237" in caplog.text
