"""`kiosk journal verify|list [--config FILE] [--path FILE] [--offline]`.

verify checks every MAC of the chain and, unless --offline or the bank cannot be reached, that
the journal still reaches the head the bank holds; it names the entries written since that
anchor (where a deletion could hide). Exit 0: intact, 1: tampered or damaged, 2: cannot check.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kiosk.backend.errors import BackendError
from kiosk.config import Config, ConfigError, load_config
from kiosk.journal.journal import Entry, Journal, JournalDamaged, JournalHead, JournalUnwritable
from kiosk.journal.keys import key_store_from


def _bank_head(config: Config) -> tuple[JournalHead | None, str]:
    """The head the bank holds, and how it was found (the configured bank, or the sandbox)."""
    from kiosk.app import connect_backend

    client, sandbox = connect_backend(config)
    try:
        held = client.get_journal_head()
        return (JournalHead.parse(held) if held else None), "the bank holds no head yet"
    finally:
        client.close()
        if sandbox is not None:
            sandbox.stop()


def _line(e: Entry) -> str:
    what = e.operation if e.kind == "intent" else f"-> {e.outcome} {e.reference or ''}"
    return (
        f"{e.seq:6d} {e.at} {e.kind:7s} {e.idempotency_key} {e.flow or ''}"
        f" {e.step or ''} {what} {json.dumps(e.data, ensure_ascii=False)}"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="kiosk journal")
    parser.add_argument("command", choices=["verify", "list"])
    parser.add_argument("--config", help="the kiosk's TOML configuration")
    parser.add_argument("--path", help="the journal file (default: the configured one)")
    parser.add_argument("--open", action="store_true", help="list: only entries left open")
    parser.add_argument("--offline", action="store_true", help="verify: do not ask the bank")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"kiosk journal: configuration error: {exc}", file=sys.stderr)
        return 2
    path = Path(args.path) if args.path else config.journal_path
    keys = key_store_from(config.journal.key_store, config.journal_key_path)
    if not keys.exists():
        print(f"kiosk journal: no journal key at {config.journal_key_path}", file=sys.stderr)
        return 2
    try:
        journal = Journal(path, keys.load(), must_exist=True)
    except (JournalDamaged, JournalUnwritable) as exc:
        print(f"kiosk journal: DAMAGED: {exc}")
        return 1
    with journal:
        try:
            if args.command == "list":
                for e in journal.open_intents() if args.open else journal.entries():
                    print(_line(e))
                return 0
            return _verify(journal, config, args.offline)
        except (JournalDamaged, JournalUnwritable) as exc:
            print(f"kiosk journal: DAMAGED: {exc}")
            return 1


def _verify(journal: Journal, config: Config, offline: bool) -> int:
    anchor, how = None, "not asked (--offline)"
    if not offline:
        try:
            anchor, how = _bank_head(config)
        except BackendError as exc:
            how = f"not reachable ({type(exc).__name__})"
    report = journal.verify(anchor)
    for problem in report.problems:
        print(f"TAMPERED: {problem}")
    if anchor is not None:
        how = f"holds entry {anchor.seq}"
        if report.unanchored:
            print(f"written since the bank's anchor (entry {anchor.seq}):")
            for e in report.unanchored:
                print(_line(e))
    state = "intact" if report.ok else f"BROKEN from entry {report.first_bad_seq}"
    print(f"{report.entries} entries, chain {state}; bank {how}")
    return 0 if report.ok else 1
