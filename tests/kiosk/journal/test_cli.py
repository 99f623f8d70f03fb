"""`kiosk journal verify|list`: what staff and an auditor run on a kiosk's journal. Exit 0
intact, 1 tampered or damaged (one line saying so), 2 cannot check; verify asks the bank for
its anchor unless told not to."""

import sqlite3

import pytest

from kiosk.journal import Journal
from kiosk.journal.cli import main as journal_cli
from kiosk.journal.keys import FileKeyStore
from tests.kiosk.journal.test_journal import _fill, _tamper


@pytest.fixture
def configured(tmp_path):
    """A kiosk's data directory with a journal under its own key, and its configuration."""
    data = tmp_path / "data"
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[kiosk]\ndata_dir = "{data}"\n')
    key = FileKeyStore(data / "keys" / "journal-mac.key").create()
    with Journal(data / "journal.sqlite", key) as j:
        _fill(j)
    return config, data / "journal.sqlite"


def test_cli_lists_and_verifies(configured, capsys):
    config, _ = configured
    assert journal_cli(["list", "--config", str(config)]) == 0
    assert "key-000000000000" in capsys.readouterr().out
    assert journal_cli(["verify", "--offline", "--config", str(config)]) == 0
    assert "6 entries, chain intact" in capsys.readouterr().out


def test_cli_asks_the_bank_for_its_anchor(configured, capsys):
    """The embedded sandbox's database holds the head: the CLI asks it like the kiosk would."""
    config, path = configured
    from kiosk.app import connect_backend
    from kiosk.config import load_config

    client, sandbox = connect_backend(load_config(config))
    with Journal(path, FileKeyStore(path.parent / "keys" / "journal-mac.key").load()) as j:
        client.journal_head = lambda: str(j.head())
        client.send_heartbeat("in_service", [], {})  # anchors entry 6
        j.record_intent("bill_payment", "pay", "pay_bill", "key-after-anchor", {})
    client.close()
    sandbox.stop()
    assert journal_cli(["verify", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "written since the bank's anchor (entry 6)" in out and "key-after-anchor" in out
    assert "7 entries, chain intact; bank holds entry 6" in out
    _tamper(path, "DELETE FROM entries WHERE seq >= 6")
    assert journal_cli(["verify", "--config", str(config)]) == 1
    assert "BROKEN from entry 6" in capsys.readouterr().out


@pytest.mark.parametrize(
    "damage",
    ["drop_table", "emptied", "garbage", "truncated", "deleted"],
)
def test_cli_reports_a_damaged_journal_in_one_line(configured, capsys, damage):
    config, path = configured
    if damage == "drop_table":
        _tamper(path, "DROP TABLE entries")
    elif damage == "emptied":
        path.write_bytes(b"")
        path.with_name(path.name + "-wal").unlink(missing_ok=True)
    elif damage == "garbage":
        path.write_bytes(b"not a journal at all " * 200)
    elif damage == "truncated":
        _checkpointed(path)
        path.write_bytes(path.read_bytes()[:1500])
    else:
        path.unlink()
        path.with_name(path.name + "-wal").unlink(missing_ok=True)
    assert journal_cli(["verify", "--offline", "--config", str(config)]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kiosk journal: DAMAGED:"), lines


def _checkpointed(path):
    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def test_cli_lists_only_the_entries_left_open(configured, capsys):
    config, path = configured
    with Journal(path, FileKeyStore(path.parent / "keys" / "journal-mac.key").load()) as j:
        j.record_intent("bill_payment", "pay", "pay_bill", "key-still-open", {})
    assert journal_cli(["list", "--open", "--config", str(config)]) == 0
    [line] = capsys.readouterr().out.strip().splitlines()
    assert "key-still-open" in line and "pay_bill" in line


def test_without_its_key_the_journal_cannot_be_checked(configured, capsys):
    config, path = configured
    (path.parent / "keys" / "journal-mac.key").unlink()
    assert journal_cli(["verify", "--offline", "--config", str(config)]) == 2
    assert "no journal key" in capsys.readouterr().err


def test_a_bad_configuration_cannot_check_anything(tmp_path, capsys):
    config = tmp_path / "kiosk.toml"
    config.write_text("[kiosk]\nno_such_setting = 1\n")
    assert journal_cli(["verify", "--offline", "--config", str(config)]) == 2
    assert "configuration error" in capsys.readouterr().err
