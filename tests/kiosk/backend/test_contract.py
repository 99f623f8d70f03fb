"""The contract document itself: what the validator catches, and that nothing is left
untranslated."""

import pytest

from kiosk.backend import contract
from kiosk.backend.client import CoreBankingClient
from kiosk.i18n import load_language
from kiosk.sandbox.server import _snake

LANGUAGES = ["zh_CN", "zh_TW", "en", "ko"]


def test_every_operation_has_a_client_method_of_the_same_name():
    for operation in contract.operation_ids():
        assert callable(getattr(CoreBankingClient, _snake(operation), None)), operation


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_reason_code_and_error_has_words_in_every_language(language):
    messages = load_language(language)
    keys = {f"backend.declined.{code}" for code in contract.reason_codes()}
    keys |= {"backend.declined.other"} | {
        f"backend.error.{name}"
        for name in (
            "unavailable",
            "outcome_unknown",
            "invalid_response",
            "kiosk_not_authorised",
            "request_refused",
        )
    }
    keys |= {f"backend.service.{s}" for s in contract.schema("ServiceCode")["enum"]}
    assert sorted(keys - messages.keys()) == []


def test_a_missing_field_and_a_wrong_type_are_both_reported():
    answer = {
        "reference": "B1",
        "biller_id": "water",
        "bill_number": "1",
        "amount_fen": "86.50",
        "paid_at": "2026-01-01T10:00:00+08:00",
    }
    found = contract.response_problems("payBill", 200, answer)
    assert "response.status: missing" in found
    assert any(p.startswith("response.amount_fen: expected integer") for p in found)


def test_a_boolean_is_not_an_amount():
    found = contract.request_problems(
        "payBill",
        {
            "biller_id": "water",
            "bill_number": "1001234567",
            "amount_fen": True,
            "card_token": "x" * 20,
        },
    )
    assert found == ["body.amount_fen: expected integer, got bool"]


def test_appointment_search_takes_exactly_one_way_of_finding():
    assert contract.request_problems("findAppointments", {"qr_token": "APT-7F3K9Q"}) == []
    assert contract.request_problems("findAppointments", {"phone": "13800138000"}) != []
    assert (
        contract.request_problems(
            "findAppointments", {"qr_token": "APT-7F3K9Q", "id_number": "110105198805120237"}
        )
        != []
    )
