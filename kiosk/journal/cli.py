"""`kiosk journal verify|list [--config FILE | --path FILE]`: check the chain, or print the
entries. Without --path it opens the journal the kiosk's configuration names."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kiosk.config import ConfigError, load_config
from kiosk.journal.journal import Journal


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="kiosk journal")
    parser.add_argument("command", choices=["verify", "list"])
    parser.add_argument("--config", help="the kiosk's TOML configuration")
    parser.add_argument("--path", help="the journal file (default: the configured one)")
    parser.add_argument("--open", action="store_true", help="list: only entries left open")
    args = parser.parse_args(argv)
    try:
        path = Path(args.path) if args.path else load_config(args.config).journal_path
    except ConfigError as exc:
        print(f"kiosk journal: configuration error: {exc}", file=sys.stderr)
        return 2
    if not path.exists():
        print(f"kiosk journal: no journal at {path}", file=sys.stderr)
        return 2
    with Journal(path) as journal:
        if args.command == "verify":
            report = journal.verify()
            for problem in report.problems:
                print(f"TAMPERED: {problem}")
            print(f"{report.entries} entries, chain {'intact' if report.ok else 'BROKEN'}")
            return 0 if report.ok else 1
        entries = journal.open_intents() if args.open else journal.entries()
        for e in entries:
            what = e.operation if e.kind == "intent" else f"-> {e.outcome} {e.reference or ''}"
            print(
                f"{e.seq:6d} {e.at} {e.kind:7s} {e.idempotency_key} {e.flow or ''}"
                f" {e.step or ''} {what} {json.dumps(e.data, ensure_ascii=False)}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
