"""The new-PIN check where the PIN can be decrypted: the sandbox bank over real HTTP, fed
with blocks made as the encrypting PIN pad makes them."""

from __future__ import annotations

import base64

import pytest

from hardware.id_card_reader.simulated import placeholder_photo
from hardware.pinpad.iso9564 import encode_pin_block
from kiosk.backend.client import CoreBankingClient, new_idempotency_key
from kiosk.backend.errors import Declined
from kiosk.sandbox import SANDBOX_KIOSK_TOKEN, start_sandbox

ZHAO = "320102199403250527"
ENTRY_NUMBER = "9123456789012345"


@pytest.fixture
def bank():
    with start_sandbox() as server:
        yield server


@pytest.fixture
def teller(bank):
    """The kiosk's client of the sandbox bank."""
    client = CoreBankingClient(bank.url, "STM-0101-01", SANDBOX_KIOSK_TOKEN, timeout=5.0)
    yield client
    client.close()


@pytest.fixture
def verification(teller):
    photo = base64.b64encode(placeholder_photo()).decode()
    return teller.verify_identity(ZHAO, "赵丽", photo, idempotency_key=new_idempotency_key())


def check(teller, verification, pin: str, again: str | None = None):
    return teller.check_new_pin(
        verification.verification_id,
        ENTRY_NUMBER,
        encode_pin_block(pin, ENTRY_NUMBER),
        encode_pin_block(again or pin, ENTRY_NUMBER),
        idempotency_key=new_idempotency_key(),
    )


@pytest.mark.parametrize(
    "pin", ["123456", "654321", "888888", "890123", "940325", "250527", "199403", "032594"]
)
def test_weak_pins_are_refused(teller, verification, pin):
    with pytest.raises(Declined) as refused:
        check(teller, verification, pin)
    assert refused.value.reason_code == "pin_weak"
    assert refused.value.message_key == "backend.declined.pin_weak"


def test_two_different_entries_are_refused(teller, verification):
    with pytest.raises(Declined) as refused:
        check(teller, verification, "802413", "802414")
    assert refused.value.reason_code == "pins_differ"


def test_an_accepted_pin_becomes_the_new_accounts_password(teller, bank, verification):
    checked = check(teller, verification, "802413")
    otp = teller.send_otp("13500135000", "account_opening", idempotency_key=new_idempotency_key())
    teller.verify_otp(otp.otp_id, "246810", idempotency_key=new_idempotency_key())
    opened = teller.open_account(
        verification_id=verification.verification_id,
        otp_id=otp.otp_id,
        id_number=ZHAO,
        name="赵丽",
        phone="13500135000",
        address="南京",
        account_class="II",
        product="standard_debit",
        pin_check_id=checked.pin_check_id,
        idempotency_key=new_idempotency_key(),
    )
    with bank.database.transaction() as tx:
        row = tx.one(
            "SELECT pin_hash FROM account_pins WHERE account_number = ?", opened.account_number
        )
    awaiting = teller.find_accounts_awaiting_card(verification.verification_id)
    assert row and "802413" not in row["pin_hash"]
    assert [a.account_number for a in awaiting] == [opened.account_number]


def test_a_pin_check_of_someone_else_does_not_open_an_account(teller, verification):
    photo = base64.b64encode(placeholder_photo()).decode()
    other = teller.verify_identity(
        "110105198805120237", "王小明", photo, idempotency_key=new_idempotency_key()
    )
    checked = check(teller, other, "802413")
    otp = teller.send_otp("13500135000", "account_opening", idempotency_key=new_idempotency_key())
    teller.verify_otp(otp.otp_id, "246810", idempotency_key=new_idempotency_key())
    with pytest.raises(Declined) as refused:
        teller.open_account(
            verification_id=verification.verification_id,
            otp_id=otp.otp_id,
            id_number=ZHAO,
            name="赵丽",
            phone="13500135000",
            address="南京",
            account_class="II",
            product="standard_debit",
            pin_check_id=checked.pin_check_id,
            idempotency_key=new_idempotency_key(),
        )
    assert refused.value.reason_code == "pin_check_unknown"
