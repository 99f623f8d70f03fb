"""The core-banking backend: contract (openapi.yaml), client, typed errors and records."""

from kiosk.backend.client import CoreBankingClient, new_idempotency_key
from kiosk.backend.errors import (
    BackendError,
    BackendUnavailable,
    Declined,
    InvalidResponse,
    KioskNotAuthorised,
    OutcomeUnknown,
    RequestRefused,
)

__all__ = [
    "BackendError",
    "BackendUnavailable",
    "CoreBankingClient",
    "Declined",
    "InvalidResponse",
    "KioskNotAuthorised",
    "OutcomeUnknown",
    "RequestRefused",
    "new_idempotency_key",
]
