"""The electronic journal: like an ATM's EJ, every money- or identity-changing call leaves a trace.

An intent (flow, step, operation, idempotency key, masked data) is written BEFORE the call,
its outcome (done, declined, failed, unknown, reversed) AFTER. Entries are only ever appended
(SQLite WAL; triggers refuse UPDATE and DELETE) and each carries the hash of the one before,
so `verify()` finds an entry that was edited or removed behind the journal's back.
Nothing written may identify a card or a person in full: data is masked by the caller, and
anything that still looks like a card or ID number is masked again here.
"""

from __future__ import annotations

import hashlib
import json
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
_GENESIS = "0" * 64

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL, kind TEXT NOT NULL, idempotency_key TEXT NOT NULL,
    flow TEXT, step TEXT, operation TEXT, outcome TEXT, reference TEXT,
    data TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS entries_key ON entries (idempotency_key);
CREATE TRIGGER IF NOT EXISTS entries_no_update BEFORE UPDATE ON entries
    BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER IF NOT EXISTS entries_no_delete BEFORE DELETE ON entries
    BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
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
    "prev_hash",
)


@dataclass(frozen=True)
class Entry:
    seq: int
    at: str
    kind: str  # "intent" or "outcome"
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

    @property
    def ok(self) -> bool:
        return not self.problems


def _hash(row: Mapping[str, Any]) -> str:
    canonical = json.dumps([row[f] for f in _FIELDS], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _masked_json(masked: Mapping[str, Any]) -> str:
    bad = [k for k in masked if k.lower() in _FORBIDDEN]
    if bad:
        raise ValueError(f"journal data may not hold {bad}: pass masked_* values instead")
    return redact(json.dumps(dict(masked), ensure_ascii=False, sort_keys=True))


class Journal:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # an entry is on disk before the call
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _append(self, **values: Any) -> Entry:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                last = self._db.execute(
                    "SELECT hash FROM entries ORDER BY seq DESC LIMIT 1"
                ).fetchone()
                seq = self._db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM entries").fetchone()[
                    0
                ]
                row = (
                    {f: None for f in _FIELDS}
                    | values
                    | {
                        "seq": seq,
                        "at": datetime.now().astimezone().isoformat(),
                        "prev_hash": last["hash"] if last else _GENESIS,
                    }
                )
                self._db.execute(
                    f"INSERT INTO entries ({', '.join(_FIELDS)}, hash) VALUES"
                    f" ({', '.join('?' * len(_FIELDS))}, ?)",
                    [row[f] for f in _FIELDS] + [_hash(row)],
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
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

    @staticmethod
    def _entry(row: Mapping[str, Any]) -> Entry:
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

    def entries(self, since: str = "") -> list[Entry]:
        """All entries, or those written at or after `since` (local ISO time, e.g. a date)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM entries WHERE at >= ? ORDER BY seq", (since,)
            ).fetchall()
        return [self._entry(r) for r in rows]

    def intent(self, idempotency_key: str) -> Entry | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM entries WHERE kind = 'intent' AND idempotency_key = ?",
                (idempotency_key,),
            ).fetchone()
        return self._entry(row) if row else None

    def open_intents(self) -> list[Entry]:
        """Intents with no final outcome yet: never answered, or answered "unknown"."""
        latest: dict[str, str | None] = {}
        intents: dict[str, Entry] = {}
        for entry in self.entries():
            if entry.kind == "intent":
                intents[entry.idempotency_key] = entry
                latest.setdefault(entry.idempotency_key, None)
            else:
                latest[entry.idempotency_key] = entry.outcome
        return [
            intents[k] for k, outcome in latest.items() if outcome not in FINAL and k in intents
        ]

    def verify(self) -> VerifyReport:
        """Recomputes the chain; reports edited, reordered and removed entries."""
        problems: list[str] = []
        with self._lock:
            rows = self._db.execute("SELECT * FROM entries ORDER BY seq").fetchall()
            top = self._db.execute(
                "SELECT seq FROM sqlite_sequence WHERE name = 'entries'"
            ).fetchone()
        prev, expected_seq = _GENESIS, 1
        for row in rows:
            if row["seq"] != expected_seq:
                problems.append(f"entries {expected_seq}..{row['seq'] - 1} are missing")
            if row["prev_hash"] != prev:
                problems.append(f"entry {row['seq']} does not follow the entry before it")
            if _hash(row) != row["hash"]:
                problems.append(f"entry {row['seq']} was changed after it was written")
            prev, expected_seq = row["hash"], row["seq"] + 1
        if top and top[0] >= expected_seq:
            problems.append(f"entries {expected_seq}..{top[0]} at the end are missing")
        return VerifyReport(len(rows), problems)
