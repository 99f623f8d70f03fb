"""A pytest plugin (registered in tests/conftest.py): the sandbox bank and a client of it,
for every test that talks to the bank over real HTTP; and an account opened at its counter."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest

from hardware.id_card_reader.simulated import placeholder_photo
from kiosk.backend import CoreBankingClient
from kiosk.backend.client import new_idempotency_key
from kiosk.sandbox.server import SANDBOX_KIOSK_TOKEN, SandboxServer, start_sandbox

ZHAO_ID, ZHAO_PHONE = "320102199403250527", "13500135000"  # a demo customer of the sandbox


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    """A fresh sandbox with the demo data, on a free loopback port."""
    with start_sandbox() as server:
        yield server


@pytest.fixture
def client(sandbox: SandboxServer) -> Iterator[CoreBankingClient]:
    """A client for kiosk STM-0101-01 of branch 0101."""
    bank = CoreBankingClient(
        sandbox.url, "STM-0101-01", SANDBOX_KIOSK_TOKEN, timeout=5.0, backoff_s=0.05
    )
    yield bank
    bank.close()


def open_account_without_card(backend: CoreBankingClient) -> str:
    """赵丽 opened a class II account at the counter last week; it has no card yet. Returns
    its number."""
    photo = base64.b64encode(placeholder_photo()).decode()
    v = backend.verify_identity(ZHAO_ID, "赵丽", photo, idempotency_key=new_idempotency_key())
    otp = backend.send_otp(ZHAO_PHONE, "account_opening", idempotency_key=new_idempotency_key())
    backend.verify_otp(otp.otp_id, "246810", idempotency_key=new_idempotency_key())
    opened = backend.open_account(
        verification_id=v.verification_id,
        otp_id=otp.otp_id,
        id_number=ZHAO_ID,
        name="赵丽",
        phone=ZHAO_PHONE,
        address="南京",
        account_class="II",
        product="standard_debit",
        idempotency_key=new_idempotency_key(),
    )
    return opened.account_number
