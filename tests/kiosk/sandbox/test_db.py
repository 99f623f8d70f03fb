"""The sandbox's storage on SQLite: a request's writes land together or not at all, and a
database URL it cannot use is refused at once."""

from __future__ import annotations

import pytest

from kiosk.sandbox.db import Database


@pytest.fixture
def db(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'sandbox.sqlite'}")
    yield database
    database.close()


def test_a_transaction_commits_its_writes(db):
    with db.transaction() as tx:
        assert tx.run("INSERT INTO meta VALUES (?, ?)", "demo_day", "2026-03-07") == 1
    with db.transaction() as tx:
        assert tx.one("SELECT value FROM meta WHERE name = ?", "demo_day") == {
            "value": "2026-03-07"
        }
        assert tx.one("SELECT value FROM meta WHERE name = ?", "nothing") is None


def test_a_failing_request_leaves_nothing_behind(db):
    with pytest.raises(RuntimeError), db.transaction() as tx:
        tx.run("INSERT INTO meta VALUES (?, ?)", "half_done", "1")
        raise RuntimeError("the handler broke after its first write")
    with db.transaction() as tx:
        assert tx.all("SELECT * FROM meta WHERE name = 'half_done'") == []


def test_the_schema_is_made_once_and_a_second_open_keeps_the_data(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    first = Database(url)
    with first.transaction() as tx:
        tx.run("INSERT INTO meta VALUES ('kept', 'yes')")
    first.close()
    second = Database(url)
    with second.transaction() as tx:
        assert tx.all("SELECT value FROM meta WHERE name = 'kept'") == [{"value": "yes"}]
    second.close()


@pytest.mark.parametrize("url", ["mysql://bank/sandbox", "/tmp/sandbox.sqlite", ""])
def test_an_unknown_database_url_is_refused(url):
    with pytest.raises(ValueError):
        Database(url)
