"""`kiosk journal verify|list --path FILE`: check the chain, or print the entries."""

from __future__ import annotations

import argparse
import json
import sys

from kiosk.journal.journal import Journal

DEFAULT_PATH = "var/journal.sqlite3"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="kiosk journal")
    parser.add_argument("command", choices=["verify", "list"])
    parser.add_argument("--path", default=DEFAULT_PATH, help="the journal file")
    parser.add_argument("--open", action="store_true", help="list: only entries left open")
    args = parser.parse_args(argv)
    with Journal(args.path) as journal:
        if args.command == "verify":
            report = journal.verify()
            for problem in report.problems:
                print(f"TAMPERED: {problem}")
            print(f"{report.entries} entries, chain {'intact' if report.ok else 'BROKEN'}")
            return 0 if report.ok else 1
        entries = journal.open_intents() if args.open else journal.entries()
        for e in entries:
            what = e.operation if e.kind == "intent" else f"-> {e.outcome} {e.reference or ''}"
            print(f"{e.seq:6d} {e.at} {e.kind:7s} {e.idempotency_key} {e.flow or ''}"
                  f" {e.step or ''} {what} {json.dumps(e.data, ensure_ascii=False)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
