"""Property tests of the card-side parsers: whatever a chip card (or a card pretending to be
one) answers, BER-TLV, data object lists and track-2 data give a value or a TlvError — which
the PC/SC driver turns into "card unreadable" — never an IndexError or a StopIteration that
would reach the screen as a system error. Marked `fuzz`: scripts/test runs these at length."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hardware.card_reader.emv import (
    TlvError,
    find_tag,
    first_tlv,
    iter_tlv,
    parse_dol,
    parse_track2,
    tlv,
    track2,
)

pytestmark = pytest.mark.fuzz
ANSWERS = st.binary(max_size=300)
# constructed objects nested inside each other, then cut anywhere: a card's answer gone wrong
NESTED = st.recursive(
    st.binary(max_size=8).map(lambda v: tlv(0x57, v)),
    lambda inner: st.lists(inner, max_size=3).map(lambda parts: tlv(0x70, b"".join(parts)[:250])),
    max_leaves=8,
)


@given(ANSWERS | NESTED.flatmap(lambda d: st.integers(0, len(d)).map(lambda n: d[:n])))
def test_any_card_answer_parses_or_is_a_tlv_error(answer):
    for parse in (
        lambda: list(iter_tlv(answer)),
        lambda: find_tag(answer, 0x57),
        lambda: first_tlv(answer),
        lambda: parse_dol(answer),
        lambda: parse_track2(answer),
    ):
        with contextlib.suppress(TlvError):
            parse()


@given(st.from_regex(r"[0-9]{12,19}", fullmatch=True), st.from_regex(r"[0-9]{4}", fullmatch=True))
def test_track2_data_gives_back_its_card_number_and_expiry(pan, expiry):
    assert parse_track2(track2(pan, expiry)) == (pan, expiry)
    assert find_tag(tlv(0x70, tlv(0x57, track2(pan, expiry))), 0x57) == track2(pan, expiry)


def test_an_empty_or_cut_answer_is_a_tlv_error():
    with pytest.raises(TlvError):
        first_tlv(b"")
    with pytest.raises(TlvError):
        parse_dol(b"\x9f")  # a two-byte tag cut after its first byte
