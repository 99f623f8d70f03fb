"""What can go wrong between the kiosk and the bank, as errors a flow can show and act on.

Each error carries a message key in i18n/<lang>/backend.toml (and its parameters) that tells
the customer in the bank's words what happened and what to do next.
"""

from __future__ import annotations

from typing import Any


class BackendError(Exception):
    """Base of every backend failure; `message_key` and `params` are for the screen."""

    def __init__(self, message_key: str, detail: str = "", **params: Any):
        super().__init__(detail or message_key)
        self.message_key = message_key
        self.detail = detail
        self.params = params


class Declined(BackendError):
    """The bank answered and said no, with a reason (wrong PIN, insufficient funds, ...)."""

    def __init__(self, reason_code: str, message_key: str, detail: str = "", **params: Any):
        super().__init__(message_key, detail or reason_code, **params)
        self.reason_code = reason_code


class BackendUnavailable(BackendError):
    """The bank could not be reached or said it carried nothing out: safe to try again later."""

    def __init__(self, detail: str = ""):
        super().__init__("backend.error.unavailable", detail)


class OutcomeUnknown(BackendError):
    """The request may or may not have been carried out (dropped line, timeout, 5xx).

    Never send it again blindly: the journal leaves it open and reconciliation asks the bank
    what became of `idempotency_key`.
    """

    def __init__(self, idempotency_key: str, detail: str = ""):
        super().__init__("backend.error.outcome_unknown", detail)
        self.idempotency_key = idempotency_key


class InvalidResponse(BackendError):
    """The bank's answer did not fit the contract (not JSON, missing or mistyped field).

    For a state-changing call the bank may still have carried it out, so the key is kept and
    the journal treats it like an unknown outcome.
    """

    def __init__(self, detail: str = "", idempotency_key: str | None = None):
        super().__init__("backend.error.invalid_response", detail)
        self.idempotency_key = idempotency_key


class KioskNotAuthorised(BackendError):
    """The bank does not accept this kiosk's credential (token or id wrong, or revoked)."""

    def __init__(self, detail: str = ""):
        super().__init__("backend.error.kiosk_not_authorised", detail)


class RequestRefused(BackendError):
    """The bank refused the request itself (malformed, key reused with a different body).

    A bug on the kiosk's side, not the customer's: nothing was carried out.
    """

    def __init__(self, detail: str = ""):
        super().__init__("backend.error.request_refused", detail)
