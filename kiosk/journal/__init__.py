"""The electronic journal: intents before, outcomes after, hash-chained, reconciled at start-up."""

from kiosk.journal.events import record_event
from kiosk.journal.journal import Entry, Journal, VerifyReport
from kiosk.journal.journaled import Reconciliation, journaled, reconcile

__all__ = [
    "Entry",
    "Journal",
    "Reconciliation",
    "VerifyReport",
    "journaled",
    "reconcile",
    "record_event",
]
