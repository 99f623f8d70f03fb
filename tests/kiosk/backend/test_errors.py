"""The bank's failures as the customer meets them: every reason the contract lets the bank
give has its own message in every language, the other failures say what happened and keep
what the journal needs (the idempotency key of an unknown outcome)."""

from __future__ import annotations

import pytest

from kiosk.backend import contract
from kiosk.backend.client import declined_message_key
from kiosk.backend.errors import (
    BackendError,
    BackendUnavailable,
    Declined,
    InvalidResponse,
    KioskNotAuthorised,
    OutcomeUnknown,
    RequestRefused,
)
from kiosk.i18n import Catalog, available_languages

FAILURES: list[BackendError] = [
    BackendUnavailable("connection refused"),
    OutcomeUnknown("key-1", "read timed out"),
    InvalidResponse("not JSON", idempotency_key="key-2"),
    KioskNotAuthorised("401"),
    RequestRefused("422"),
]


@pytest.mark.parametrize("language", available_languages())
def test_every_reason_the_bank_may_give_has_a_message_in_every_language(language):
    catalog = Catalog(language, fallback=language)
    for reason in sorted(contract.reason_codes()):
        key = declined_message_key(reason)
        assert key == f"backend.declined.{reason}"
        assert catalog.has(key), f"the bank may decline with {reason}: no {key} in {language}"


@pytest.mark.parametrize("language", available_languages())
def test_every_other_failure_has_a_message_in_every_language(language):
    catalog = Catalog(language, fallback=language)
    for error in FAILURES:
        assert catalog.has(error.message_key), f"{type(error).__name__} in {language}"
        assert "{" not in catalog.text(error.message_key)


def test_a_reason_the_contract_does_not_know_gets_the_general_message():
    assert declined_message_key("martian_weather") == "backend.declined.other"
    assert Catalog("en").has("backend.declined.other")


def test_a_decline_keeps_its_reason_and_the_values_its_message_needs():
    declined = Declined("pin_wrong", "backend.declined.pin_wrong", tries_left=2)
    assert declined.reason_code == "pin_wrong" and declined.params == {"tries_left": 2}
    assert str(declined) == "pin_wrong"  # the log gets the reason, never a customer's data
    text = Catalog("en").text(declined.message_key, **declined.params)
    assert "2" in text and "{" not in text


def test_an_unknown_outcome_keeps_its_key_for_reconciliation():
    unknown, invalid = FAILURES[1], FAILURES[2]
    assert isinstance(unknown, OutcomeUnknown) and unknown.idempotency_key == "key-1"
    assert isinstance(invalid, InvalidResponse) and invalid.idempotency_key == "key-2"
    assert str(unknown) == "read timed out"  # the detail is for the log
    assert isinstance(unknown, BackendError) and isinstance(FAILURES[0], BackendError)
