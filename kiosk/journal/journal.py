"""The electronic journal: like an ATM's EJ, every money- or identity-changing call leaves a trace.

An intent (flow, step, operation, idempotency key, masked data) is written BEFORE the call,
its outcome (done, declined, failed, unknown, reversed) AFTER. Entries are only ever appended
(SQLite WAL; triggers refuse UPDATE and DELETE) and each carries an HMAC-SHA256, under the
kiosk's own key (kiosk/journal/keys.py), of its content and of the MAC before it: whoever can
write the file but not read the key cannot edit, reorder or remove an entry unseen. The newest
entry's (seq, MAC) — the head — goes to the bank with every call, so not even the key's holder
can rewrite what the bank has already seen (`verify(anchor=...)`).
Nothing written may identify a card or a person in full: data is masked by the caller, and
anything that still looks like a card, ID or phone number is masked again here.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import sqlite3
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Self

from kiosk.masking import redact

OUTCOMES = ("done", "declined", "failed", "unknown", "reversed")
FINAL = frozenset(OUTCOMES) - {"unknown"}
_FORBIDDEN = ("pin", "password", "pin_block", "pan", "id_number", "card_number")
GENESIS = "0" * 64
log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL, kind TEXT NOT NULL, idempotency_key TEXT NOT NULL,
    flow TEXT, step TEXT, operation TEXT, outcome TEXT, reference TEXT,
    data TEXT NOT NULL, prev_mac TEXT NOT NULL, mac TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS entries_key ON entries (idempotency_key);
CREATE TRIGGER IF NOT EXISTS entries_no_update BEFORE UPDATE ON entries
    BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER IF NOT EXISTS entries_no_delete BEFORE DELETE ON entries
    BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TABLE IF NOT EXISTS verified (
    id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, mac TEXT NOT NULL,
    tag TEXT NOT NULL);
"""
_FIELDS = (
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
    "prev_mac",
)
# what SQLite says when the disk, not the file, is the problem
_UNWRITABLE = ("readonly", "read-only", "disk is full", "unable to open", "disk i/o")


class JournalDamaged(Exception):
    """The journal cannot be trusted: corrupt, truncated, missing, or its MACs do not hold."""

    def __init__(self, problem: str, first_bad_seq: int | None = None):
        super().__init__(problem)
        self.problem = problem
        self.first_bad_seq = first_bad_seq


class JournalUnwritable(Exception):
    """The data directory refuses the write (full, read-only, gone): `cause` says which.
    Nothing is sent to the bank without its intent on disk, so no money moves."""

    message_key = "journal.unwritable"
    retry = False

    def __init__(self, cause: str):
        super().__init__(cause)
        self.cause = cause


@dataclass(frozen=True)
class JournalHead:
    """The newest entry, as the bank keeps it: `seq:mac`."""

    seq: int
    mac: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.mac}"

    @classmethod
    def parse(cls, text: str) -> JournalHead:
        seq, _, mac = text.partition(":")
        return cls(int(seq), mac)


@dataclass(frozen=True)
class Entry:
    seq: int
    at: str
    kind: str  # "intent", "outcome", or "restart" (first of a journal begun after damage)
    idempotency_key: str
    flow: str | None
    step: str | None
    operation: str | None
    outcome: str | None
    reference: str | None
    data: dict[str, Any] = field(hash=False)


@dataclass(frozen=True)
class VerifyReport:
    entries: int
    problems: list[str]
    first_bad_seq: int | None = None
    unanchored: list[Entry] = field(default_factory=list)  # written since the bank's head

    @property
    def ok(self) -> bool:
        return not self.problems


def disk_problem(path: Path) -> str | None:
    """The file system's own word on why a write fails: read-only or full."""
    folder = path if path.is_dir() else path.parent
    try:
        stat = os.statvfs(folder)
    except OSError as exc:
        return f"{folder}: {exc.strerror}"
    if stat.f_flag & os.ST_RDONLY:
        return f"{folder} is on a read-only file system"
    free = stat.f_bavail * stat.f_frsize
    if free < 64 * 1024:
        return f"{folder} is full ({free} bytes free)"
    return None


def _unwritable(path: Path, exc: BaseException) -> JournalUnwritable:
    return JournalUnwritable(disk_problem(path) or f"{path}: {exc}")


def _masked_json(masked: Mapping[str, Any]) -> str:
    bad = [k for k in masked if k.lower() in _FORBIDDEN]
    if bad:
        raise ValueError(f"journal data may not hold {bad}: pass masked_* values instead")
    return redact(json.dumps(dict(masked), ensure_ascii=False, sort_keys=True))


class Journal:
    """`key` is the kiosk's MAC key; `must_exist` refuses to start a journal where none is."""

    def __init__(self, path: str | Path, key: bytes, *, must_exist: bool = False):
        self.path = Path(path)
        self._key = key
        self._lock = threading.Lock()
        existed = self.path.exists() and self.path.stat().st_size > 0
        if must_exist and not existed:
            raise JournalDamaged(f"{self.path}: the journal is missing or empty", 1)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise _unwritable(self.path, exc) from exc
        try:
            self._db.row_factory = sqlite3.Row
            if (
                existed
                and not self._db.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'entries'"
                ).fetchone()
            ):
                raise JournalDamaged(f"{self.path}: the journal's entries table is gone", 1)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")  # an entry is on disk before the call
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            self._db.close()
            raise self._classify(exc) from exc
        except JournalDamaged:
            self._db.close()
            raise

    def _classify(self, exc: sqlite3.Error) -> Exception:
        message = str(exc).lower()
        if isinstance(exc, sqlite3.OperationalError) and any(w in message for w in _UNWRITABLE):
            return _unwritable(self.path, exc)
        return JournalDamaged(f"{self.path}: {exc}")

    def close(self) -> None:
        # under the lock: closing a connection another thread is writing through crashes sqlite
        with self._lock:
            self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _mac(self, row: Mapping[str, Any] | sqlite3.Row) -> str:
        canonical = json.dumps([row[f] for f in _FIELDS], ensure_ascii=False, separators=(",", ":"))
        return hmac.new(self._key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()

    def _append(self, **values: Any) -> Entry:
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                last = self._db.execute(
                    "SELECT seq, mac FROM entries ORDER BY seq DESC LIMIT 1"
                ).fetchone()
                row = (
                    {f: None for f in _FIELDS}
                    | {"seq": last["seq"] + 1 if last else 1, "prev_mac": GENESIS}
                    | ({"prev_mac": last["mac"]} if last else {})
                    | values
                    | {"at": datetime.now().astimezone().isoformat()}
                )
                self._db.execute(
                    f"INSERT INTO entries ({', '.join(_FIELDS)}, mac) VALUES"
                    f" ({', '.join('?' * len(_FIELDS))}, ?)",
                    [row[f] for f in _FIELDS] + [self._mac(row)],
                )
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                # a failed COMMIT may have ended the transaction already: roll back only if
                # one is open, so the log shows the real cause (disk full), not the rollback's
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise self._classify(exc) from exc
        return self._entry(row)

    def record_intent(
        self, flow: str, step: str, operation: str, idempotency_key: str, masked: Mapping[str, Any]
    ) -> Entry:
        """Written before the backend call: what is about to be asked, and under which key."""
        return self._append(
            kind="intent",
            idempotency_key=idempotency_key,
            flow=flow,
            step=step,
            operation=operation,
            data=_masked_json(masked),
        )

    def record_outcome(
        self,
        idempotency_key: str,
        outcome: str,
        reference: str | None = None,
        masked: Mapping[str, Any] | None = None,
    ) -> Entry:
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}")
        if self.intent(idempotency_key) is None:
            raise KeyError(f"no intent journaled for key {idempotency_key}")
        return self._append(
            kind="outcome",
            idempotency_key=idempotency_key,
            outcome=outcome,
            reference=reference,
            data=_masked_json(masked or {}),
        )

    def record_restart(self, kept_aside: str, problem: str, after: JournalHead | None) -> Entry:
        """The first entry of a journal begun because the last one was damaged: it names the
        file kept aside and continues the chain from the head the bank held, if known."""
        if self.head() is not None:
            raise ValueError("a restart can only begin an empty journal")
        after = after or JournalHead(0, GENESIS)
        return self._append(
            kind="restart",
            idempotency_key=f"restart-{after.seq + 1}",
            seq=after.seq + 1,
            prev_mac=after.mac,
            data=_masked_json({"kept_aside": kept_aside, "problem": problem}),
        )

    @staticmethod
    def _entry(row: Mapping[str, Any] | sqlite3.Row) -> Entry:
        return Entry(
            row["seq"],
            row["at"],
            row["kind"],
            row["idempotency_key"],
            row["flow"],
            row["step"],
            row["operation"],
            row["outcome"],
            row["reference"],
            json.loads(row["data"]),
        )

    def _rows(self, sql: str, *params: Any) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise self._classify(exc) from exc

    def entries(self, since: str = "") -> list[Entry]:
        """All entries, or those written at or after `since` (local ISO time, e.g. a date)."""
        rows = self._rows("SELECT * FROM entries WHERE at >= ? ORDER BY seq", since)
        return [self._entry(r) for r in rows]

    def intent(self, idempotency_key: str) -> Entry | None:
        rows = self._rows(
            "SELECT * FROM entries WHERE kind = 'intent' AND idempotency_key = ?", idempotency_key
        )
        return self._entry(rows[0]) if rows else None

    def head(self) -> JournalHead | None:
        """The newest entry's (seq, MAC), as sent to the bank."""
        rows = self._rows("SELECT seq, mac FROM entries ORDER BY seq DESC LIMIT 1")
        return JournalHead(rows[0]["seq"], rows[0]["mac"]) if rows else None

    def open_intents(self) -> list[Entry]:
        """Intents with no final outcome yet: never answered, or answered "unknown"."""
        latest: dict[str, str | None] = {}
        intents: dict[str, Entry] = {}
        for entry in self.entries():
            if entry.kind == "intent":
                intents[entry.idempotency_key] = entry
                latest.setdefault(entry.idempotency_key, None)
            elif entry.kind == "outcome":
                latest[entry.idempotency_key] = entry.outcome
        return [
            intents[k] for k, outcome in latest.items() if outcome not in FINAL and k in intents
        ]

    # --- proving the journal ----------------------------------------------------------------

    def verify(
        self, anchor: JournalHead | None = None, *, since_checkpoint: bool = False
    ) -> VerifyReport:
        """Checks every MAC and the chain between them; with `anchor` (the head the bank
        holds), also that the journal still reaches it. `since_checkpoint` starts from the
        last entry a previous check proved (start-up), else from the first."""
        rows = self._rows("SELECT * FROM entries ORDER BY seq")
        start, cut = self._checkpoint(rows)
        start = start if since_checkpoint else 0
        problems: list[tuple[int, str]] = [cut] if cut else []
        if start:
            prev, expected = rows[start - 1]["mac"], rows[start - 1]["seq"] + 1
        elif rows and rows[0]["kind"] == "restart":
            prev, expected = rows[0]["prev_mac"], rows[0]["seq"]
        else:
            prev, expected = GENESIS, 1
        for row in rows[start:]:
            seq = row["seq"]
            if seq != expected:
                problems.append((expected, f"entries {expected}..{seq - 1} are missing"))
            if row["prev_mac"] != prev:
                problems.append((seq, f"entry {seq} does not follow the entry before it"))
            if not hmac.compare_digest(self._mac(row), row["mac"]):
                problems.append((seq, f"entry {seq} was changed after it was written"))
            prev, expected = row["mac"], seq + 1
        unanchored = [self._entry(r) for r in rows if anchor is None or r["seq"] > anchor.seq]
        if anchor is not None and anchor.seq > 0:
            held = next((r for r in rows if r["seq"] == anchor.seq), None)
            if held is None:
                last = rows[-1]["seq"] if rows else 0
                problems.append(
                    (
                        min(anchor.seq, last + 1),
                        f"the bank holds entry {anchor.seq} but the journal ends at {last}",
                    )
                )
                unanchored = []
            elif held["mac"] != anchor.mac:
                problems.append((anchor.seq, f"entry {anchor.seq} is not the one the bank holds"))
        problems.sort()
        report = VerifyReport(
            len(rows),
            [text for _, text in problems],
            problems[0][0] if problems else None,
            unanchored,
        )
        if report.ok and rows:
            self._set_checkpoint(JournalHead(rows[-1]["seq"], rows[-1]["mac"]))
        return report

    def _tag(self, head: JournalHead) -> str:
        return hmac.new(self._key, f"verified:{head}".encode(), hashlib.sha256).hexdigest()

    def _checkpoint(self, rows: list[sqlite3.Row]) -> tuple[int, tuple[int, str] | None]:
        """How many leading rows a previous check proved (0 when the mark does not hold), and
        the problem when the entry the mark names is gone (the end cut off)."""
        mark = self._rows("SELECT seq, mac, tag FROM verified WHERE id = 1")
        if not mark:
            return 0, None
        head = JournalHead(mark[0]["seq"], mark[0]["mac"])
        if not hmac.compare_digest(self._tag(head), mark[0]["tag"]):
            return 0, None
        index = next((i for i, r in enumerate(rows) if r["seq"] == head.seq), None)
        if index is None:
            last = rows[-1]["seq"] if rows else 0
            if head.seq > last:
                return 0, (last + 1, f"entries {last + 1}..{head.seq}, proven before, are gone")
            return 0, None
        if rows[index]["mac"] != head.mac or self._mac(rows[index]) != head.mac:
            return 0, None
        return index + 1, None

    def _set_checkpoint(self, head: JournalHead) -> None:
        with self._lock:
            try:
                self._db.execute(
                    "INSERT INTO verified VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                    " seq = excluded.seq, mac = excluded.mac, tag = excluded.tag",
                    (head.seq, head.mac, self._tag(head)),
                )
            except sqlite3.Error as exc:  # only the next start's speed depends on it
                log.warning("journal: could not mark entry %s as proven: %s", head.seq, exc)
