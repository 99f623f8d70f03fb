"""Logging to a rotating file in the kiosk's data directory, with numbers masked on the way out."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from kiosk.masking import redact

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    """The last line of defence: code must not log card or ID numbers, and if it does, they
    reach the disk masked."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def setup_logging(data_dir: Path, level: str = "INFO") -> Path:
    log_dir = data_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / "kiosk.log"
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=5_000_000, backupCount=10, encoding="utf-8"
    )
    handler.setFormatter(RedactingFormatter(FORMAT))
    console = logging.StreamHandler()
    console.setFormatter(RedactingFormatter(FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.addHandler(console)
    root.setLevel(level)
    return path
