"""Opening the journal at start-up: proven, or set aside and the kiosk out of service.

A journal that is corrupt, truncated, missing where one existed (the key exists, so a journal
was begun), or whose MACs do not hold is renamed aside — never overwritten, never deleted —
and a new journal begins with a "restart" entry naming it, so staff and auditors find both.
The kiosk stays out of service until staff put it back. A data directory that refuses writes
(full, read-only) leaves the kiosk out of service with no journal at all: nothing can be
journaled, so nothing is sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NoReturn

from kiosk.journal.journal import (
    Entry,
    Journal,
    JournalDamaged,
    JournalUnwritable,
    VerifyReport,
    disk_problem,
)
from kiosk.journal.keys import KeyStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JournalTrouble:
    """Why the kiosk is out of service, for the log and the staff screen."""

    message_key: str  # journal.damaged or journal.unwritable (the customer's screen)
    detail: str  # the real cause, in the log's words
    kept_aside: Path | None = None


class UnwritableJournal:
    """The journal of a kiosk whose data directory refuses writes: reads are empty, every
    write is refused with the real cause, so no flow can reach the bank."""

    def __init__(self, cause: str):
        self.cause = cause

    def _refuse(self, *_args: object, **_kwargs: object) -> NoReturn:
        raise JournalUnwritable(self.cause)

    record_intent = record_outcome = record_restart = _refuse

    def entries(self, since: str = "") -> list[Entry]:
        return []

    def open_intents(self) -> list[Entry]:
        return []

    def intent(self, _key: str) -> None:
        return None

    def head(self) -> None:
        return None

    def verify(self, *_args: object, **_kwargs: object) -> VerifyReport:
        return VerifyReport(0, [self.cause], 1)

    def close(self) -> None:
        pass


def keep_aside(path: Path) -> Path | None:
    """Renames the journal (and its WAL files) to `<name>.damaged-<time>`; returns the new
    name, or None when there was no file."""
    if not path.exists():
        return None
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    for suffix in ("", "-wal", "-shm"):
        part = Path(f"{path}{suffix}")
        if part.exists():
            part.rename(f"{aside}{suffix}")
    return aside


def open_journal(
    path: Path, keys: KeyStore
) -> tuple[Journal | UnwritableJournal, JournalTrouble | None]:
    """The journal the kiosk will write, and what is wrong (None when all is well)."""
    try:
        first_start = not keys.exists()
        key = keys.create() if first_start else keys.load()
    except OSError as exc:
        cause = disk_problem(path) or f"journal key: {exc}"
        log.error("journal key cannot be kept: %s; out of service", cause)
        return UnwritableJournal(cause), JournalTrouble("journal.unwritable", cause)
    except ValueError as exc:
        log.error("journal key unreadable: %s; out of service", exc)
        return UnwritableJournal(str(exc)), JournalTrouble("journal.damaged", str(exc))
    try:
        journal = Journal(path, key, must_exist=not first_start)
        report = journal.verify(since_checkpoint=True)
        if report.ok:
            return journal, None
        journal.close()
        problem = f"entry {report.first_bad_seq}: {report.problems[0]}"
    except JournalDamaged as exc:
        problem = exc.problem
    except JournalUnwritable as exc:
        log.error("journal cannot be written: %s; out of service", exc.cause)
        return UnwritableJournal(exc.cause), JournalTrouble("journal.unwritable", exc.cause)
    try:
        aside = keep_aside(path)
        journal = Journal(path, key)
        journal.record_restart(aside.name if aside else "", problem, None)
    except (OSError, JournalUnwritable, JournalDamaged) as exc:
        cause = getattr(exc, "cause", None) or str(exc)
        log.error("journal damaged (%s) and no new one can be begun: %s", problem, cause)
        return UnwritableJournal(cause), JournalTrouble("journal.damaged", problem)
    log.error(
        "journal damaged: %s; kept aside as %s; out of service until staff put it back",
        problem,
        aside or "(no file)",
    )
    return journal, JournalTrouble("journal.damaged", problem, aside)
