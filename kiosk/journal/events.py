"""Things the journal must show that are not calls to the bank: a card kept in the capture
bin, a queue ticket printed while the bank was unreachable. Written as an intent closed at
once ("done"), so reconciliation never asks the bank about them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kiosk.backend.client import new_idempotency_key
from kiosk.journal.journal import Journal


def record_event(
    journal: Journal,
    flow: str,
    step: str,
    operation: str,
    masked: Mapping[str, Any],
    reference: str | None = None,
) -> str:
    """Journals what happened (masked data only); returns the entry's key."""
    key = new_idempotency_key()
    journal.record_intent(flow, step, operation, key, masked)
    journal.record_outcome(key, "done", reference)
    return key
