from __future__ import annotations

import pytest

from hardware.card_reader.emv import TlvError, find_tag, parse_track2, tlv, track2


def test_track2_round_trip_for_a_19_digit_card():
    data = track2("6228480012345678010", "2912")
    assert data.hex().upper().endswith("F")  # odd number of nibbles is padded
    assert parse_track2(data) == ("6228480012345678010", "2912")


def test_finds_a_tag_inside_constructed_objects():
    record = tlv(0x70, tlv(0x5F20, b"WANG") + tlv(0x57, track2("6228480012345678028", "2912")))
    assert parse_track2(find_tag(record, 0x57))[0] == "6228480012345678028"
    assert find_tag(record, 0x5A) is None


@pytest.mark.parametrize("garbage", [b"\x70\x10\x57\x02", b"\x5f"])
def test_garbled_card_data_is_a_typed_error(garbage):
    with pytest.raises(TlvError):
        find_tag(garbage, 0x57)


def test_data_that_is_not_track2_is_refused():
    with pytest.raises(TlvError):
        parse_track2(bytes.fromhex("1234567890"))
