"""Events the journal must show that are no call to the bank: written closed at once."""

from __future__ import annotations

from kiosk.journal import Journal, record_event


def test_an_event_is_an_intent_closed_at_once_with_masked_data_only(tmp_path):
    journal = Journal(tmp_path / "journal.db", bytes(32))
    key = record_event(
        journal, "bill_payment", "take_card", "card_not_returned", {"card": "6228****"}
    )
    intent, outcome = [e for e in journal.entries() if e.idempotency_key == key]
    assert (intent.kind, intent.operation, intent.data) == (
        "intent",
        "card_not_returned",
        {"card": "6228****"},
    )
    assert (outcome.kind, outcome.outcome) == ("outcome", "done")
    journal.close()
