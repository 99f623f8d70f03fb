"""Running a backend call under the journal, and settling open entries at start-up."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from kiosk.backend.client import CoreBankingClient, new_idempotency_key
from kiosk.backend.errors import (
    BackendError,
    Declined,
    InvalidResponse,
    OutcomeUnknown,
)
from kiosk.journal.journal import Entry, Journal

log = logging.getLogger(__name__)
T = TypeVar("T")


# Calls that must reach the bank in the end (a reversal: without it the bank believes the
# customer holds a card the machine kept). Reconciliation sends them again under their own
# key, which makes a repeat harmless; everything else is only ever looked up.
SENT_UNTIL_ANSWERED: dict[str, Callable[[CoreBankingClient, Mapping[str, Any], str], Any]] = {
    "reverse_card_binding": lambda client, data, key: client.reverse_card_binding(
        data["original"], data["reason"], idempotency_key=key
    ),
}


def journaled(
    journal: Journal,
    flow: str,
    step: str,
    operation: str,
    masked: Mapping[str, Any],
    call: Callable[[str], T],
) -> T:
    """Journals the intent under a new idempotency key, makes `call(key)`, journals the outcome.

    A declined or failed call is closed with its reason; an unknown outcome (dropped line,
    timeout, unreadable answer) stays open as "unknown" for `reconcile` to settle, and so does
    a failed call the bank must still get (SENT_UNTIL_ANSWERED).
    """
    key = new_idempotency_key()
    journal.record_intent(flow, step, operation, key, masked)
    try:
        result = call(key)
    except Declined as exc:
        journal.record_outcome(key, "declined", masked={"reason_code": exc.reason_code})
        raise
    except (OutcomeUnknown, InvalidResponse) as exc:
        journal.record_outcome(key, "unknown", masked={"error": type(exc).__name__})
        raise
    except BackendError as exc:
        # nothing was carried out: unreachable before sending, 503, or refused as malformed
        outcome = "unknown" if operation in SENT_UNTIL_ANSWERED else "failed"
        journal.record_outcome(key, outcome, masked={"error": type(exc).__name__})
        raise
    except BaseException as exc:
        # a bug on our side after the request may have left: let reconciliation ask
        journal.record_outcome(key, "unknown", masked={"error": type(exc).__name__})
        raise
    journal.record_outcome(key, "done", getattr(result, "reference", None))
    return result


@dataclass(frozen=True)
class Reconciliation:
    intent: Entry
    outcome: str  # what the journal now says: done, declined, reversed, failed, or unknown
    reference: str | None


def reconcile(journal: Journal, client: CoreBankingClient) -> list[Reconciliation]:
    """Settles every open entry by asking the bank about its key; never sends a payment or an
    account opening again.

    A key the bank never saw is closed as "failed" (the request did not get through), except
    for what must reach the bank (SENT_UNTIL_ANSWERED): that is sent now, under its own key.
    When the bank cannot be reached the entry stays open for the next start-up.
    """
    settled = []
    for intent in journal.open_intents():
        key = intent.idempotency_key
        try:
            record = client.look_up_transaction(key)
            send = SENT_UNTIL_ANSWERED.get(intent.operation or "")
            if record is None and send is not None:
                settled.append(_send_again(journal, client, intent, send))
                continue
        except BackendError as exc:
            log.warning(
                "journal entry %s (%s) still open: %s", key, intent.operation, type(exc).__name__
            )
            settled.append(Reconciliation(intent, "unknown", None))
            continue
        if record is None:
            outcome, reference = "failed", None
            journal.record_outcome(key, outcome, masked={"reconciled": "not_found"})
        else:
            outcome, reference = record.outcome, record.reference
            journal.record_outcome(key, outcome, reference, {"reconciled": "found"})
        log.info("journal entry %s (%s) reconciled: %s", key, intent.operation, outcome)
        settled.append(Reconciliation(intent, outcome, reference))
    return settled


def _send_again(
    journal: Journal,
    client: CoreBankingClient,
    intent: Entry,
    send: Callable[[CoreBankingClient, Mapping[str, Any], str], Any],
) -> Reconciliation:
    key = intent.idempotency_key
    try:
        result = send(client, intent.data, key)
    except Declined as exc:
        journal.record_outcome(
            key, "declined", masked={"reason_code": exc.reason_code, "reconciled": "sent_again"}
        )
        return Reconciliation(intent, "declined", None)
    reference = getattr(result, "reference", None)
    journal.record_outcome(key, "done", reference, {"reconciled": "sent_again"})
    log.info("journal entry %s (%s) sent again: done", key, intent.operation)
    return Reconciliation(intent, "done", reference)
