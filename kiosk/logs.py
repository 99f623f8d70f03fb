"""Logging to a rotating file in the kiosk's data directory, with numbers masked on the way out."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from kiosk.journal.journal import disk_problem
from kiosk.masking import redact

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    """The last line of defence: code must not log card or ID numbers, and if it does, they
    reach the disk masked."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def setup_logging(data_dir: Path, level: str = "INFO") -> Path | None:
    """The log file's path; None when the data directory refuses it (full, read-only): then
    the log goes to the console only, and its first line says why."""
    console = logging.StreamHandler()
    console.setFormatter(RedactingFormatter(FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(console)
    root.setLevel(level)
    path = data_dir / "logs" / "kiosk.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=5_000_000, backupCount=10, encoding="utf-8"
        )
    except OSError as exc:
        cause = disk_problem(data_dir) or f"{path}: {exc.strerror}"
        root.error("no log file: %s; logging to the console only", cause)
        return None
    handler.setFormatter(RedactingFormatter(FORMAT))
    root.addHandler(handler)
    return path
