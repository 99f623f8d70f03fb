"""The sandbox's storage: SQLite by default, PostgreSQL when given a database URL.

SQL is written once, with `?` placeholders and types both engines accept. Each request runs
in one transaction: SQLite takes the write lock at BEGIN (requests queue up), PostgreSQL
relies on row locks and unique constraints, so several sandboxes can share one database.
"""

from __future__ import annotations

import sqlite3
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS persons (
    id_number TEXT PRIMARY KEY, name TEXT NOT NULL, phone TEXT NOT NULL,
    reported_lost INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS customers (
    customer_id TEXT PRIMARY KEY, id_number TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
    phone TEXT NOT NULL, address TEXT NOT NULL, vip INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (
    account_number TEXT PRIMARY KEY, customer_id TEXT NOT NULL, account_class TEXT NOT NULL,
    product TEXT NOT NULL, balance_fen BIGINT NOT NULL, opened_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cards (
    pan TEXT PRIMARY KEY, card_serial TEXT NOT NULL UNIQUE, account_number TEXT NOT NULL,
    status TEXT NOT NULL, pin_hash TEXT NOT NULL, pin_tries INTEGER NOT NULL DEFAULT 0,
    issued_by TEXT);
CREATE TABLE IF NOT EXISTS verifications (
    verification_id TEXT PRIMARY KEY, id_number TEXT NOT NULL, age INTEGER NOT NULL,
    created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS otps (
    otp_id TEXT PRIMARY KEY, phone TEXT NOT NULL, code TEXT NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL, tries INTEGER NOT NULL DEFAULT 0,
    verified INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS card_tokens (
    token TEXT PRIMARY KEY, pan TEXT NOT NULL, expires_at DOUBLE PRECISION NOT NULL);
CREATE TABLE IF NOT EXISTS billers (
    biller_id TEXT PRIMARY KEY, name TEXT NOT NULL, category TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bills (
    biller_id TEXT NOT NULL, bill_number TEXT NOT NULL, holder_name TEXT NOT NULL,
    amount_due_fen BIGINT NOT NULL, status TEXT NOT NULL, PRIMARY KEY (biller_id, bill_number));
CREATE TABLE IF NOT EXISTS payments (
    reference TEXT PRIMARY KEY, biller_id TEXT NOT NULL, bill_number TEXT NOT NULL,
    amount_fen BIGINT NOT NULL, account_number TEXT NOT NULL, paid_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS appointments (
    appointment_id TEXT PRIMARY KEY, qr_token TEXT NOT NULL UNIQUE, phone TEXT NOT NULL,
    booking_code TEXT NOT NULL, id_number TEXT NOT NULL, customer_name TEXT NOT NULL,
    branch_id TEXT NOT NULL, service TEXT NOT NULL, scheduled_at TEXT NOT NULL,
    priority TEXT NOT NULL, status TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS queue_counters (
    branch_id TEXT NOT NULL, day TEXT NOT NULL, prefix TEXT NOT NULL,
    last_number INTEGER NOT NULL, PRIMARY KEY (branch_id, day, prefix));
CREATE TABLE IF NOT EXISTS tickets (
    reference TEXT PRIMARY KEY, branch_id TEXT NOT NULL, day TEXT NOT NULL,
    ticket_number TEXT NOT NULL, service TEXT NOT NULL, priority TEXT NOT NULL,
    rank INTEGER NOT NULL, kiosk_id TEXT NOT NULL, issued_at TEXT NOT NULL,
    UNIQUE (branch_id, day, ticket_number));
CREATE INDEX IF NOT EXISTS tickets_by_day ON tickets (branch_id, day, rank);
CREATE INDEX IF NOT EXISTS appointments_by_phone ON appointments (phone, booking_code);
CREATE INDEX IF NOT EXISTS appointments_by_id_number ON appointments (id_number);
CREATE TABLE IF NOT EXISTS ticket_details (
    reference TEXT PRIMARY KEY, appointment_id TEXT UNIQUE, reason TEXT);
CREATE TABLE IF NOT EXISTS staff (
    staff_id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,
    password_hash TEXT NOT NULL, active INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS staff_cards (
    staff_id TEXT PRIMARY KEY, pin_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS staff_failures (
    staff_id TEXT PRIMARY KEY, failures INTEGER NOT NULL, locked_until DOUBLE PRECISION NOT NULL);
CREATE TABLE IF NOT EXISTS authorisations (
    authorisation_id TEXT PRIMARY KEY, staff_id TEXT NOT NULL, operation TEXT NOT NULL,
    kiosk_id TEXT NOT NULL, authorised_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS heartbeats (
    kiosk_id TEXT PRIMARY KEY, state TEXT NOT NULL, body TEXT NOT NULL,
    received_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS journal_heads (
    kiosk_id TEXT PRIMARY KEY, head TEXT NOT NULL, received_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS staff_calls (
    call_id TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, reason TEXT NOT NULL,
    language TEXT, queued_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS offers (
    customer_id TEXT PRIMARY KEY, offer_id TEXT NOT NULL, product TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pin_checks (
    pin_check_id TEXT PRIMARY KEY, verification_id TEXT NOT NULL, pin_hash TEXT NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL);
CREATE TABLE IF NOT EXISTS account_pins (
    account_number TEXT PRIMARY KEY, pin_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS idempotency (
    kiosk_id TEXT NOT NULL, idem_key TEXT NOT NULL, operation TEXT NOT NULL,
    body_mac TEXT NOT NULL, http_status INTEGER NOT NULL, response TEXT NOT NULL,
    outcome TEXT NOT NULL, reference TEXT, created_at TEXT NOT NULL,
    PRIMARY KEY (kiosk_id, idem_key));
"""


class IntegrityError(Exception):
    """A unique or primary key refused a row, whichever engine refused it (psycopg is imported
    only for a PostgreSQL database: a kiosk on SQLite starts without it)."""


class Tx:
    """One transaction: `one`, `all` and `run` take SQL with `?` placeholders."""

    def __init__(self, conn: Any, postgres: bool):
        self._conn = conn
        self._postgres = postgres

    def _execute(self, sql: str, args: tuple[Any, ...]) -> Any:
        if self._postgres:
            sql = sql.replace("?", "%s")
        return self._conn.execute(sql, args)

    def one(self, sql: str, *args: Any) -> dict[str, Any] | None:
        row = self._execute(sql, args).fetchone()
        return dict(row) if row is not None else None

    def all(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        return [dict(r) for r in self._execute(sql, args).fetchall()]

    def run(self, sql: str, *args: Any) -> int:
        rowcount: int = self._execute(sql, args).rowcount
        return rowcount


def _refused_by_a_key(error: BaseException) -> bool:
    if isinstance(error, sqlite3.IntegrityError):
        return True
    psycopg = sys.modules.get("psycopg")  # loaded if this is a PostgreSQL database
    return psycopg is not None and isinstance(error, psycopg.errors.IntegrityError)


class Database:
    def __init__(self, url: str):
        self.url = url
        self.postgres = url.startswith(("postgresql://", "postgres://"))
        if not self.postgres and not url.startswith("sqlite:///"):
            raise ValueError("database URL must be sqlite:///<file> or postgresql://...")
        self._idle: list[Any] = []
        self._lock = threading.Lock()
        with self.transaction() as tx:
            for statement in filter(str.strip, SCHEMA.split(";")):
                tx.run(statement)

    def _connect(self) -> Any:
        if self.postgres:
            import psycopg
            from psycopg.rows import dict_row

            return psycopg.connect(self.url, row_factory=dict_row)
        path = Path(self.url.removeprefix("sqlite:///"))
        conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        return conn

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        conn = conn or self._connect()
        if not self.postgres:
            conn.execute("BEGIN IMMEDIATE")
        try:
            yield Tx(conn, self.postgres)
            conn.commit()
        except BaseException as e:
            conn.rollback()
            if _refused_by_a_key(e):
                raise IntegrityError(str(e)) from e
            raise
        finally:
            if not getattr(conn, "closed", False):  # a PostgreSQL link that broke is dropped
                with self._lock:
                    self._idle.append(conn)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
