"""The customer session: typed state per flow, forgotten entirely (PIN blocks zeroed) at the end."""

from __future__ import annotations

import pytest

from kiosk.flows.account_opening import AccountOpeningState
from kiosk.flows.pin_setup import PinSetupState
from kiosk.session import CustomerSession, Failure


def test_a_state_is_made_on_first_use_and_kept():
    session = CustomerSession("zh_CN")
    assert session.is_empty
    state = session.state(AccountOpeningState)
    assert session.state(AccountOpeningState) is state
    assert session.is_empty  # made, but nothing in it yet
    state.phone = "13800138000"
    assert not session.is_empty


def test_a_misspelt_field_is_an_error_not_a_new_key():
    state = CustomerSession("zh_CN").state(AccountOpeningState)
    with pytest.raises(AttributeError):
        state.phnoe = "13800138000"  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        _ = state.phnoe  # type: ignore[attr-defined]


def test_wiping_forgets_everything_and_zeroes_the_pin_block():
    session = CustomerSession("zh_CN")
    block = bytearray(b"\x12\x34\x56\x78")
    session.state(PinSetupState).block = block
    session.state(AccountOpeningState).phone = "13800138000"
    session.failure = Failure("account_opening.otp.too_many")
    session.answered = True
    session.wipe()
    assert block == bytearray(4)  # the bytes themselves, not only the reference
    assert session.is_empty and session.failure is None
    assert session.state(AccountOpeningState).phone == ""
    assert session.state(PinSetupState).block is None


def test_an_answer_or_a_failure_alone_is_something_to_lose():
    answered, failed = CustomerSession("en"), CustomerSession("en")
    answered.answered = True
    failed.failure = Failure("bank_card.pin.cancelled")
    assert not answered.is_empty and not failed.is_empty
