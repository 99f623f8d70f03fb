"""Property tests of every validator, the masking and every response parser: whatever comes in,
a validator answers None or a message key (never raises), masking never lets a whole number
through, and a parser turns any answer into a model or a typed error, never a crash.
Marked `fuzz`: scripts/test runs these again at length (HYPOTHESIS_PROFILE=long)."""

from __future__ import annotations

import datetime as dt
import json
import re
import string

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from hardware.luhn import luhn_valid
from kiosk.backend import CoreBankingClient, contract
from kiosk.backend.client import _NotFound
from kiosk.backend.errors import BackendError
from kiosk.flows.validators import (
    age_on,
    birth_date_of,
    id_number_problem,
    mobile_problem,
    normalise_id_number,
)
from kiosk.masking import mask_id_number, mask_pan, mask_phone, redact

pytestmark = pytest.mark.fuzz
KEYS = {None, "flow.error.id_number_format", "flow.error.id_number_check"}
KEYS |= {"flow.error.id_number_birth_date"}
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _check(first17: str) -> str:
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


@given(st.text(max_size=30))
def test_any_text_gets_an_answer_not_an_exception(value):
    assert id_number_problem(value) in KEYS
    assert mobile_problem(value) in (None, "flow.error.mobile")


@given(
    st.from_regex(r"[1-6][0-9]{5}", fullmatch=True),
    st.dates(dt.date(1900, 1, 1), dt.date(2025, 12, 31)),
    st.from_regex(r"[0-9]{3}", fullmatch=True),
    st.booleans(),
)
def test_every_real_id_number_passes_written_any_width(region, born, sequence, full_width):
    first17 = f"{region}{born:%Y%m%d}{sequence}"
    number = first17 + _check(first17)
    written = (
        number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
        if full_width
        else number
    )
    assert id_number_problem(f" {written} ", dt.date(2026, 1, 1)) is None
    assert birth_date_of(written) == born
    assert age_on(born, dt.date(2026, 1, 1)) >= 0


@given(st.from_regex(r"[0-9]{17}", fullmatch=True), st.sampled_from("0123456789X"))
def test_a_wrong_check_character_is_never_accepted(first17, last):
    if last != _check(first17):
        assert id_number_problem(first17 + last, dt.date(2100, 1, 1)) is not None


@given(st.from_regex(r"[0-9]{12,19}", fullmatch=True))
def test_luhn_catches_every_single_digit_change(number):
    if luhn_valid(number):
        changed = number[:-1] + str((int(number[-1]) + 1) % 10)
        assert not luhn_valid(changed)


@given(
    st.from_regex(r"[0-9]{12,19}", fullmatch=True),
    st.sampled_from(["", " ", "-"]),
    st.text(string.ascii_letters + " :=,", max_size=10),
)
def test_no_whole_card_number_survives_redaction_however_grouped(pan, sep, around):
    written = sep.join(pan[i : i + 4] for i in range(0, len(pan), 4))
    masked = redact(f"{around} {written} {around}")
    assert pan not in re.sub(r"[ -]", "", masked)


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), st.sampled_from(["", " ", "-"]))
def test_no_whole_mobile_number_survives_redaction(phone, sep):
    written = f"{phone[:3]}{sep}{phone[3:7]}{sep}{phone[7:]}"
    assert phone not in re.sub(r"[ -]", "", redact(f"call {written} now"))


@given(
    st.from_regex(r"[A-Z][0-9]{8}[0-9A-F]{10}", fullmatch=True),
    st.text(string.ascii_letters + " :=,", max_size=10),
)
def test_a_reference_is_never_taken_for_a_card_id_or_phone_number(reference, around):
    """The bank's references (a letter, the date, hex) carry long runs of digits; they are
    codes, printed and journaled whole."""
    text = f"{around} {reference} {around}"
    assert redact(text) == text


@given(st.from_regex(r"[0-9]{12,19}", fullmatch=True))
def test_a_card_number_in_full_width_digits_is_masked_too(pan):
    wide = pan.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert wide not in redact(f"卡号 {wide}")


@given(st.text(max_size=40))
def test_masking_shows_at_most_its_share_of_any_value(value):
    for mask, shown in ((mask_pan, 10), (mask_id_number, 10), (mask_phone, 7)):
        assert sum(c != "*" for c in mask(value)) <= shown
    assert isinstance(redact(value), str)
    assert normalise_id_number(value) == normalise_id_number(normalise_id_number(value))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
OPERATIONS = contract.operation_ids()


def _response(status: int, payload: bytes) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = payload
    return response


@given(
    st.sampled_from(OPERATIONS),
    st.sampled_from([200, 201, 400, 401, 404, 409, 422, 500, 502, 503]),
    JSON.map(lambda v: json.dumps(v).encode()) | st.binary(max_size=64),
)
def test_every_response_parser_takes_any_answer(operation, status, payload):
    """Whatever the bank (or a proxy in between) answers, the client returns a checked answer
    or raises one of its typed errors: never a KeyError, never a traceback to the screen."""
    client = CoreBankingClient("http://127.0.0.1:9", "STM-0101-01", "t")
    changes_state = contract.takes_idempotency_key(operation)
    try:
        answer = client._answer(
            operation, "key-00000001", changes_state, _response(status, payload)
        )
    except (BackendError, _NotFound):  # _NotFound: the look-ups' typed "no record"
        return
    assert 200 <= status < 300 and contract.response_problems(operation, status, answer) == []
