"""The journal proves itself: a keyed MAC chain, anchored at the bank. Edited, reordered,
removed entries, a dropped table, an emptied or replaced file are all found, with the first
bad sequence number; the key never sits beside the journal."""

import hashlib
import hmac
import json
import sqlite3

import pytest

from kiosk.journal import Journal, JournalDamaged, JournalHead

KEY = bytes(range(32))


def _fill(j, n=3):
    for i in range(n):
        j.record_intent(
            "bill_payment",
            "pay",
            "pay_bill",
            f"key-{i:012d}",
            {"bill": "water/1001234567", "amount_fen": 8650},
        )
        j.record_outcome(f"key-{i:012d}", "done", f"B{i}")


@pytest.fixture
def journal(tmp_path):
    with Journal(tmp_path / "ej.sqlite3", KEY) as j:
        _fill(j)
        yield j


def _tamper(path, sql):
    db = sqlite3.connect(path)
    db.executescript("DROP TRIGGER entries_no_update; DROP TRIGGER entries_no_delete;" + sql)
    db.close()


def _remac(path, key, algorithm="hmac"):
    """An attacker recomputes every MAC after an edit: with SHA-256 alone, or with a key."""
    fields = [
        "seq",
        "at",
        "kind",
        "idempotency_key",
        "flow",
        "step",
        "operation",
        "outcome",
        "reference",
        "data",
    ]
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    db.executescript(
        "DROP TRIGGER IF EXISTS entries_no_update; DROP TRIGGER IF EXISTS entries_no_delete;"
    )
    prev = "0" * 64
    for row in db.execute("SELECT * FROM entries ORDER BY seq").fetchall():
        canonical = json.dumps(
            [row[f] for f in fields] + [prev], ensure_ascii=False, separators=(",", ":")
        ).encode()
        mac = (
            hmac.new(key, canonical, hashlib.sha256).hexdigest()
            if algorithm == "hmac"
            else hashlib.sha256(canonical).hexdigest()
        )
        db.execute(
            "UPDATE entries SET prev_mac = ?, mac = ? WHERE seq = ?", (prev, mac, row["seq"])
        )
        prev = mac
    db.commit()
    db.close()


def test_an_intact_journal_verifies(journal):
    report = journal.verify()
    assert report.ok and report.entries == 6 and report.first_bad_seq is None


def test_the_journal_refuses_updates_and_deletes(journal):
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        journal._db.execute("UPDATE entries SET outcome = 'declined' WHERE seq = 2")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        journal._db.execute("DELETE FROM entries WHERE seq = 2")


@pytest.mark.parametrize(
    "sql, finding, first_bad",
    [
        ("UPDATE entries SET data = '{\"amount_fen\": 1}' WHERE seq = 3", "entry 3 was changed", 3),
        ("DELETE FROM entries WHERE seq = 4", "entries 4..4 are missing", 4),
        (
            "UPDATE entries SET seq = 100 WHERE seq = 2; UPDATE entries SET seq = 2 WHERE seq = 3;"
            + "UPDATE entries SET seq = 3 WHERE seq = 100",
            "entry 2",
            2,
        ),
    ],
)
def test_edits_reorders_and_removals_are_found(journal, sql, finding, first_bad):
    _tamper(journal.path, sql)
    report = journal.verify()
    assert not report.ok and report.first_bad_seq == first_bad
    assert any(finding in p for p in report.problems), report.problems


@pytest.mark.parametrize("algorithm, key", [("sha256", b""), ("hmac", b"guessed" * 5)])
def test_an_edit_with_every_mac_recomputed_without_the_key_is_found(journal, algorithm, key):
    _tamper(journal.path, "UPDATE entries SET outcome = 'declined' WHERE seq = 2")
    _remac(journal.path, key, algorithm)
    report = journal.verify()
    assert not report.ok and report.first_bad_seq == 1


def test_even_the_keys_holder_cannot_rewrite_what_the_bank_anchored(journal):
    anchor = journal.head()  # what the bank holds
    _tamper(journal.path, "UPDATE entries SET outcome = 'declined' WHERE seq = 6")
    _remac(journal.path, KEY)  # a perfect forgery, with the key
    assert journal.verify().ok  # the MACs alone cannot tell
    report = journal.verify(anchor)
    assert report.problems == ["entry 6 is not the one the bank holds"]
    assert report.first_bad_seq == 6


def test_entries_cut_from_the_end_are_found_by_the_bank_and_by_the_last_check(journal):
    anchor = journal.head()
    assert journal.verify().ok  # marks entry 6 as proven
    _tamper(journal.path, "DELETE FROM entries WHERE seq >= 5")
    report = journal.verify(anchor)
    assert report.first_bad_seq == 5
    assert "the bank holds entry 6 but the journal ends at 4" in report.problems
    assert "entries 5..6, proven before, are gone" in report.problems


def test_the_entries_since_the_last_anchor_are_named(journal):
    [row] = journal._rows("SELECT mac FROM entries WHERE seq = 4")
    anchor = JournalHead(4, row["mac"])
    report = journal.verify(anchor)
    assert report.ok and [e.seq for e in report.unanchored] == [5, 6]


def test_secrets_are_refused_and_stray_numbers_masked(journal):
    with pytest.raises(ValueError):
        journal.record_intent("card", "pin", "verify_card_pin", "key-x" * 3, {"pin_block": "AB"})
    entry = journal.record_intent(
        "bill_payment",
        "pay",
        "pay_bill",
        "key-y" * 3,
        {"note": "card 6228 4800 1234 5678 010 for 110105 19880512 0237", "bill": "13800138000"},
    )
    assert entry.data["note"] == "card 622848*********8010 for 110105********0237"
    assert entry.data["bill"] == "138****8000"
    raw = journal.path.read_bytes() + journal.path.with_name("ej.sqlite3-wal").read_bytes()
    assert b"13800138000" not in raw and b"6228 4800 1234" not in raw


def test_an_outcome_needs_its_intent(journal):
    with pytest.raises(KeyError):
        journal.record_outcome("never-journaled", "done")


def test_a_journal_that_is_gone_cannot_be_opened_as_if_new(tmp_path):
    with pytest.raises(JournalDamaged):
        Journal(tmp_path / "never.sqlite", KEY, must_exist=True)
    assert not (tmp_path / "never.sqlite").exists()
