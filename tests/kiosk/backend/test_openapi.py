"""Schemathesis generates requests from openapi.yaml and checks the sandbox's answers fit it."""

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig

from kiosk.backend.contract import CONTRACT_PATH
from kiosk.sandbox import SANDBOX_KIOSK_TOKEN, start_sandbox

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 20261123,
        "generation": {"max-examples": 6, "mode": "positive"},
        # a well-formed request may still be declined by the bank's rules (422 + reason code)
        "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "404", "422"]}},
    }
)
schema = schemathesis.openapi.from_path(CONTRACT_PATH, config=CONFIG)


@pytest.fixture(scope="module")
def shared_sandbox():
    with start_sandbox() as server:
        yield server


@schema.parametrize()
def test_sandbox_answers_fit_the_contract(case, shared_sandbox):
    # a real kiosk credential, so the calls reach the bank's rules rather than the 401 door
    case.headers = {**(case.headers or {}), "X-Kiosk-Id": "STM-0101-01"}
    if "kiosk_id" in (case.path_parameters or {}):
        case.path_parameters["kiosk_id"] = "STM-0101-01"
    response = case.call_and_validate(
        base_url=shared_sandbox.url, headers={"Authorization": f"Bearer {SANDBOX_KIOSK_TOKEN}"}
    )
    assert response.status_code < 500
