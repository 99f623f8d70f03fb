"""Queue tickets printed while the bank was unreachable reach the bank's queue later, once
each, whatever happens on the line while they are sent."""

from __future__ import annotations

import pytest

from kiosk.flows.fallback_tickets import (
    issue_fallback_ticket,
    pending_fallback_tickets,
    sync_fallback_tickets,
)
from kiosk.journal import Journal, reconcile

KEY = bytes(range(32))  # the kiosk's journal MAC key, fixed for the test


@pytest.fixture
def journal(tmp_path):
    with Journal(tmp_path / "journal.sqlite", KEY) as journal:
        yield journal


def bank_tickets(sandbox) -> list[str]:  # noqa: F811
    with sandbox.database.transaction() as tx:
        return [r["service"] for r in tx.all("SELECT service FROM tickets ORDER BY issued_at")]


def issue(journal, service: str = "general"):
    return issue_fallback_ticket(journal, "appointment_checkin", "fallback", "0101", service, "qr")


def test_fallback_tickets_are_numbered_and_journaled(journal):
    first, second = issue(journal), issue(journal, "wealth_advice")
    assert (first.ticket_number, second.ticket_number) == ("L001", "L002")
    assert [e.data["ticket"] for e in pending_fallback_tickets(journal)] == ["L001", "L002"]
    assert journal.open_intents() == []  # nothing for reconciliation to ask the bank about
    assert journal.verify().ok


def test_sent_once_even_when_sent_again(journal, client, sandbox):  # noqa: F811
    issue(journal)
    issue(journal, "wealth_advice")
    assert sync_fallback_tickets(journal, client) == 2
    assert sync_fallback_tickets(journal, client) == 0
    assert bank_tickets(sandbox) == ["general", "wealth_advice"]
    assert pending_fallback_tickets(journal) == []


def test_bank_still_down_keeps_them_for_the_next_chance(journal, client, sandbox):  # noqa: F811
    issue(journal)
    sandbox.arm_fault("take_queue_ticket", "503")
    assert sync_fallback_tickets(journal, client) == 0
    assert len(pending_fallback_tickets(journal)) == 1 and bank_tickets(sandbox) == []
    assert sync_fallback_tickets(journal, client) == 1
    assert bank_tickets(sandbox) == ["general"]


def test_line_dropped_while_sending_never_makes_two_tickets(journal, client, sandbox):  # noqa: F811
    issue(journal)
    sandbox.arm_fault("take_queue_ticket", "drop_after_commit")
    assert sync_fallback_tickets(journal, client) == 0
    assert len(journal.open_intents()) == 1  # the sync itself is now unknown
    assert [r.outcome for r in reconcile(journal, client)] == ["done"]
    assert pending_fallback_tickets(journal) == []
    assert sync_fallback_tickets(journal, client) == 0
    assert bank_tickets(sandbox) == ["general"]
