"""Start-up survives a damaged journal or a data directory that refuses writes: the kiosk goes
out of service with the real cause in the log, the damaged file is kept aside (never
overwritten), and no money moves. Full and read-only file systems are real mounts made by the
test (tests run in their own mount namespace; as root, file modes would not stop a write)."""

from __future__ import annotations

import logging
import os
import subprocess
from contextlib import contextmanager

import pytest

from kiosk.backend import new_idempotency_key
from kiosk.journal import Journal, JournalUnwritable, journaled
from kiosk.journal.keys import FileKeyStore
from kiosk.journal.startup import open_journal


@pytest.fixture
def data(tmp_path):
    """A kiosk that has run before: its key and a journal with two entries."""
    keys = FileKeyStore(tmp_path / "keys" / "journal-mac.key")
    journal, trouble = open_journal(tmp_path / "journal.sqlite", keys)
    assert trouble is None
    key = new_idempotency_key()
    journal.record_intent("appointment_checkin", "ticket", "take_queue_ticket", key, {})
    journal.record_outcome(key, "done", "T1")
    journal.close()
    return tmp_path, keys


def _damage(path, how):
    wal = path.with_name(path.name + "-wal")
    if how == "missing":
        path.unlink()
        wal.unlink(missing_ok=True)
    elif how == "emptied":
        path.write_bytes(b"")
        wal.unlink(missing_ok=True)
    elif how == "corrupt":
        path.write_bytes(b"\x00garbage\xff" * 500)
        wal.unlink(missing_ok=True)
    elif how == "tampered":
        import sqlite3

        db = sqlite3.connect(path)
        db.executescript(
            "DROP TRIGGER entries_no_update; UPDATE entries SET outcome = 'failed' WHERE seq = 2"
        )
        db.close()


@pytest.mark.parametrize("how", ["missing", "emptied", "corrupt", "tampered"])
def test_a_damaged_journal_is_kept_aside_and_the_kiosk_goes_out_of_service(data, how, caplog):
    folder, keys = data
    path = folder / "journal.sqlite"
    before = path.read_bytes() if path.exists() else b""
    _damage(path, how)
    damaged = path.read_bytes() if path.exists() else None
    with caplog.at_level(logging.ERROR):
        journal, trouble = open_journal(path, keys)
    assert trouble is not None and trouble.message_key == "journal.damaged"
    assert "journal damaged" in caplog.text
    if how == "missing":
        assert trouble.kept_aside is None and "missing" in trouble.detail
    else:
        # kept aside byte for byte, beside a new journal that begins by naming it
        assert trouble.kept_aside.name.startswith("journal.sqlite.damaged-")
        assert trouble.kept_aside.read_bytes() in (damaged, before) or how == "tampered"
        assert str(trouble.kept_aside.name) in caplog.text
    [restart] = journal.entries()
    assert restart.kind == "restart" and restart.data["problem"] == trouble.detail
    assert journal.verify().ok and journal.open_intents() == []
    journal.close()
    # the next start finds the new journal sound: the damage is not reported twice
    again, trouble = open_journal(path, keys)
    assert trouble is None
    again.close()


def test_start_up_verifies_from_the_last_proven_entry(data):
    folder, keys = data
    with Journal(folder / "journal.sqlite", keys.load()) as journal:
        journal.verify()  # proves entries 1..2
        key = new_idempotency_key()
        journal.record_intent("bill_payment", "pay", "pay_bill", key, {})
        assert journal._checkpoint(journal._rows("SELECT * FROM entries ORDER BY seq"))[0] == 2
        assert journal.verify(since_checkpoint=True).ok


@contextmanager
def mounted(target, *options):
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", *options, str(target)], check=True)
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=True)


def _fill_up(folder):
    fd = os.open(folder / "ballast", os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass  # no space left: what we wanted
    finally:
        os.close(fd)


def test_a_read_only_data_directory_at_start_up_names_the_cause(data, caplog):
    folder, keys = data
    with mounted(folder, "--bind", "-o", "ro", str(folder)), caplog.at_level(logging.ERROR):
        journal, trouble = open_journal(folder / "journal.sqlite", keys)
        assert trouble.message_key == "journal.unwritable"
        assert "read-only file system" in trouble.detail and "read-only" in caplog.text
        with pytest.raises(JournalUnwritable) as refused:
            journal.record_intent("bill_payment", "pay", "pay_bill", new_idempotency_key(), {})
        assert refused.value.message_key == "journal.unwritable"


def test_a_full_disk_at_first_start_names_the_cause(tmp_path):
    with mounted(tmp_path / "data", "-t", "tmpfs", "-o", "size=64k", "tmpfs") as folder:
        _fill_up(folder)
        _, trouble = open_journal(folder / "journal.sqlite", FileKeyStore(folder / "k"))
        assert trouble.message_key == "journal.unwritable" and "is full" in trouble.detail


def test_a_disk_filling_up_mid_visit_moves_no_money_and_says_why(sandbox, client, tmp_path):
    with mounted(tmp_path / "data", "-t", "tmpfs", "-o", "size=256k", "tmpfs") as folder:
        journal, trouble = open_journal(folder / "journal.sqlite", FileKeyStore(folder / "k"))
        assert trouble is None
        _fill_up(folder)
        sent = []
        with pytest.raises(JournalUnwritable) as refused:
            for n in range(200):  # until the disk refuses: no call goes out without its intent
                journaled(
                    journal,
                    "bill_payment",
                    "pay",
                    "pay_bill",
                    {"n": n},
                    lambda key: sent.append(key),
                )
        assert "is full" in refused.value.cause
        assert "rollback" not in str(refused.value)
        # every call the bank got is journaled, and the one refused never left
        intents = {e.idempotency_key for e in journal.entries() if e.kind == "intent"}
        assert set(sent) <= intents
        journal.close()


def test_a_read_only_data_directory_still_logs_and_says_why(tmp_path, capsys):
    from kiosk.logs import setup_logging

    folder = tmp_path / "data"
    folder.mkdir()
    with mounted(folder, "--bind", "-o", "ro", str(folder)):
        try:
            assert setup_logging(folder) is None
            logging.getLogger("kiosk.test").error("the kiosk still speaks")
        finally:
            for handler in list(logging.getLogger().handlers):
                logging.getLogger().removeHandler(handler)
    err = capsys.readouterr().err
    assert "no log file" in err and "read-only file system" in err
    assert "the kiosk still speaks" in err
