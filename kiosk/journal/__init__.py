"""The electronic journal: intents before, outcomes after, MAC-chained, reconciled at start-up."""

from kiosk.journal.journal import (
    Entry,
    Journal,
    JournalDamaged,
    JournalHead,
    JournalUnwritable,
    VerifyReport,
)
from kiosk.journal.journaled import Reconciliation, journaled, reconcile

__all__ = [
    "Entry",
    "Journal",
    "JournalDamaged",
    "JournalHead",
    "JournalUnwritable",
    "Reconciliation",
    "VerifyReport",
    "journaled",
    "reconcile",
]
