"""Queue tickets printed while the bank could not be reached, and sending them on later.

A fallback ticket gets a local number (L001, L002, ... per day) and is journaled as a
"fallback_ticket" event, so it survives a restart. When the bank answers again,
`sync_fallback_tickets` registers each one with the bank's queue (take_queue_ticket), under
an idempotency key derived from the event's key: sending twice (a crash mid-sync, a
reconciliation in between) can never make two tickets of one. The check-in flow calls it
whenever the bank has just answered; the kiosk may also call it at start-up or with the
heartbeat.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING

from kiosk.backend.errors import BackendError, Declined, OutcomeUnknown
from kiosk.backend.models import QueueTicket

if TYPE_CHECKING:
    from kiosk.backend.client import CoreBankingClient
from kiosk.journal import Entry, Journal, record_event

log = logging.getLogger(__name__)

EVENT = "fallback_ticket"
SYNC_OPERATION = "take_queue_ticket"
PREFIX = "L"  # never used by the bank's own tickets (A, B, C, V)
_SYNC_NAMESPACE = uuid.UUID("6f7c1f4e-5d0b-4b8e-9a51-3f0c2a7d9e10")


def issue_fallback_ticket(
    journal: Journal, flow: str, step: str, branch: str, service: str, found_by: str
) -> QueueTicket:
    """A local ticket, journaled before it is printed."""
    now = datetime.now().astimezone()
    today = now.date().isoformat()
    issued_today = [
        e
        for e in journal.entries()
        if e.kind == "intent" and e.operation == EVENT and e.at.startswith(today)
    ]
    number = f"{PREFIX}{len(issued_today) + 1:03d}"
    key = record_event(
        journal,
        flow,
        step,
        EVENT,
        {"ticket": number, "service": service, "found_by": found_by},
        number,
    )
    log.warning("bank unreachable: fallback ticket %s (%s) issued", number, service)
    return QueueTicket(
        ticket_number=number,
        reference=key,
        branch_id=branch,
        service=service,
        priority="normal",
        people_ahead=0,
        estimated_wait_min=0,
        issued_at=now.isoformat(timespec="seconds"),
    )


def sync_key(fallback_key: str) -> str:
    return str(uuid.uuid5(_SYNC_NAMESPACE, fallback_key))


def pending_fallback_tickets(journal: Journal) -> list[Entry]:
    """Today's fallback tickets the bank has not registered yet (journal Entry records).
    Yesterday's queue is gone: its customers were served at the counter or left."""
    entries = journal.entries(since=date.today().isoformat())
    latest = {e.idempotency_key: e.outcome for e in entries if e.kind == "outcome"}
    return [
        e
        for e in entries
        if e.kind == "intent"
        and e.operation == EVENT
        and latest.get(sync_key(e.idempotency_key)) not in ("done", "declined")
    ]


def sync_fallback_tickets(journal: Journal, backend: CoreBankingClient) -> int:
    """Registers pending fallback tickets with the bank; returns how many got through.
    Stops at the first failure to reach the bank: the rest wait for the next chance."""
    synced = 0
    for event in pending_fallback_tickets(journal):
        key = sync_key(event.idempotency_key)
        number, service = event.data["ticket"], event.data["service"]
        if journal.intent(key) is None:
            journal.record_intent(
                event.flow or "",
                "sync",
                SYNC_OPERATION,
                key,
                {"fallback_ticket": number, "service": service},
            )
        try:
            ticket = backend.take_queue_ticket(service, idempotency_key=key)
        except Declined as exc:
            journal.record_outcome(key, "declined", masked={"reason_code": exc.reason_code})
            continue
        except OutcomeUnknown:
            journal.record_outcome(key, "unknown", masked={"error": "OutcomeUnknown"})
            break
        except BackendError as exc:
            journal.record_outcome(key, "failed", masked={"error": type(exc).__name__})
            break
        journal.record_outcome(
            key,
            "done",
            ticket.reference,
            {"fallback_ticket": number, "bank_ticket": ticket.ticket_number},
        )
        log.info("fallback ticket %s registered with the bank as %s", number, ticket.ticket_number)
        synced += 1
    return synced
