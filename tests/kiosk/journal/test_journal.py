"""The journal's chain: appending, refusing edits, and finding entries changed behind its back."""

import sqlite3

import pytest

from kiosk.journal import Journal
from kiosk.journal.cli import main as journal_cli


@pytest.fixture
def journal(tmp_path):
    with Journal(tmp_path / "ej.sqlite3") as j:
        for n in range(3):
            j.record_intent(
                "bill_payment",
                "pay",
                "pay_bill",
                f"key-{n:012d}",
                {"bill": "water/1001234567", "amount_fen": 8650},
            )
            j.record_outcome(f"key-{n:012d}", "done", f"B{n}")
        yield j


def _tamper(path, sql):
    db = sqlite3.connect(path)
    db.executescript("DROP TRIGGER entries_no_update; DROP TRIGGER entries_no_delete;" + sql)
    db.close()


def test_an_intact_journal_verifies(journal):
    report = journal.verify()
    assert report.ok and report.entries == 6


def test_the_journal_refuses_updates_and_deletes(journal):
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        journal._db.execute("UPDATE entries SET outcome = 'declined' WHERE seq = 2")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        journal._db.execute("DELETE FROM entries WHERE seq = 2")


@pytest.mark.parametrize(
    "sql, finding",
    [
        ("UPDATE entries SET data = '{\"amount_fen\": 1}' WHERE seq = 3", "entry 3 was changed"),
        ("DELETE FROM entries WHERE seq = 4", "entries 4..4 are missing"),
        ("DELETE FROM entries WHERE seq = 6", "entries 6..6 at the end are missing"),
    ],
)
def test_edits_and_removals_are_found(journal, sql, finding):
    _tamper(journal.path, sql)
    report = journal.verify()
    assert not report.ok
    assert any(finding in p for p in report.problems), report.problems
    assert journal_cli(["verify", "--path", str(journal.path)]) == 1


def test_a_rewritten_chain_is_still_found(journal):
    # an attacker who fixes up the hash of the entry they edited still breaks the next link
    _tamper(
        journal.path,
        "UPDATE entries SET outcome = 'declined', hash = 'f' || substr(hash, 2) WHERE seq = 2",
    )
    assert any("entry 3 does not follow" in p for p in journal.verify().problems)


def test_secrets_are_refused_and_stray_numbers_masked(journal):
    with pytest.raises(ValueError):
        journal.record_intent("card", "pin", "verify_card_pin", "key-x" * 3, {"pin_block": "AB"})
    entry = journal.record_intent(
        "card",
        "pin",
        "verify_card_pin",
        "key-y" * 3,
        {"note": "card 6228480012345678010 for 110105198805120237"},
    )
    assert entry.data["note"] == "card 622848*********8010 for 110105********0237"


def test_an_outcome_needs_its_intent(journal):
    with pytest.raises(KeyError):
        journal.record_outcome("never-journaled", "done")


def test_cli_lists_and_verifies(journal, capsys):
    journal.record_intent("bill_payment", "pay", "pay_bill", "key-open-00001", {})
    assert journal_cli(["list", "--open", "--path", str(journal.path)]) == 0
    listed = capsys.readouterr().out
    assert "key-open-00001" in listed and "key-000000000000" not in listed
    assert journal_cli(["verify", "--path", str(journal.path)]) == 0
    assert "7 entries, chain intact" in capsys.readouterr().out
