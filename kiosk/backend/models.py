"""The bank's answers as small frozen records (built only from answers the contract accepted).

Amounts are integers in fen (0.01 CNY). Numbers a customer could be identified by arrive
already masked, except `AccountOpened.account_number`, which the card-issue step needs.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class IdentityVerification:
    verification_id: str
    reference: str
    customer_id: str | None
    age: int


@dataclass(frozen=True)
class OtpSent:
    otp_id: str
    phone_masked: str
    expires_in_s: int
    resend_after_s: int
    sends_left: int


@dataclass(frozen=True)
class OtpVerified:
    otp_id: str
    verified: bool


@dataclass(frozen=True)
class AccountOpened:
    customer_id: str
    account_number: str
    account_class: str
    product: str
    reference: str
    opened_at: str


@dataclass(frozen=True)
class PinChecked:
    """A new PIN the bank accepted (keyed twice, not weak), kept for opening the account."""

    pin_check_id: str
    reference: str


@dataclass(frozen=True)
class AccountAwaitingCard:
    account_number: str  # full: the card-issue step binds the card to it
    account_class: str
    product: str


@dataclass(frozen=True)
class CardIssued:
    card_id: str
    card_serial: str
    pan_masked: str
    last4: str
    account_number_masked: str
    reference: str


@dataclass(frozen=True)
class CardReversal:
    reference: str
    card_serial: str
    status: str


@dataclass(frozen=True)
class CardVerified:
    card_token: str
    reference: str
    customer_id: str
    customer_name_masked: str
    pan_masked: str
    account_number_masked: str
    priority: str
    expires_in_s: int


@dataclass(frozen=True)
class Biller:
    biller_id: str
    name: str
    category: str


@dataclass(frozen=True)
class Bill:
    biller_id: str
    bill_number: str
    holder_masked: str
    amount_due_fen: int
    currency: str
    status: str


@dataclass(frozen=True)
class Payment:
    reference: str
    biller_id: str
    bill_number: str
    amount_fen: int
    paid_at: str
    status: str


@dataclass(frozen=True)
class Appointment:
    appointment_id: str
    branch_id: str
    service: str
    scheduled_at: str
    status: str
    timing: str
    priority: str
    customer_name_masked: str


@dataclass(frozen=True)
class Offer:
    """A product the bank may offer a consenting customer; its words are in the catalogs."""

    offer_id: str
    product: str


@dataclass(frozen=True)
class QueueTicket:
    ticket_number: str
    reference: str
    branch_id: str
    service: str
    priority: str
    people_ahead: int
    estimated_wait_min: int
    issued_at: str
    reason: str | None = None  # why the guide sent the customer to the counter


@dataclass(frozen=True)
class CheckIn:
    reference: str
    appointment: Appointment
    ticket: QueueTicket


@dataclass(frozen=True)
class StaffAuthorisation:
    authorisation_id: str
    reference: str
    staff_id: str
    staff_name: str
    role: str
    operation: str
    authorised_at: str


@dataclass(frozen=True)
class HeartbeatAck:
    received_at: str


@dataclass(frozen=True)
class StaffCall:
    call_id: str
    reference: str
    reason: str
    queued_at: str


@dataclass(frozen=True)
class TransactionRecord:
    """What the bank holds for an idempotency key: its outcome and first answer."""

    idempotency_key: str
    operation: str
    http_status: int
    outcome: str
    reference: str | None
    response: dict[str, Any] = field(hash=False)


@dataclass(frozen=True)
class DeviceStatus:
    """One device's line in a heartbeat (sent, not received)."""

    device: str
    status: str
    supplies: dict[str, int | str] = field(default_factory=dict, hash=False)


def build(cls: type[T], data: dict[str, Any]) -> T:
    """A record from an answer the contract has already checked (nested records included)."""
    hints = typing.get_type_hints(cls)
    values = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name not in data and f.default is not dataclasses.MISSING:
            continue  # an optional field the answer left out
        value = data[f.name]
        kind = hints[f.name]
        if isinstance(kind, type) and dataclasses.is_dataclass(kind):
            value = build(kind, value)
        values[f.name] = value
    return cls(**values)
