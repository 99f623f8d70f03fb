"""Where the journal's MAC key lives: apart from the journal, readable by the kiosk only.

The key is made at the kiosk's first start. A bank that has a TPM or the system keyring
implements the same three methods and names its class in `[journal] key_store`; the journal
never sees where the key came from.
"""

from __future__ import annotations

import importlib
import os
import secrets
from pathlib import Path
from typing import Protocol

KEY_BYTES = 32


class KeyStore(Protocol):
    def exists(self) -> bool: ...

    def load(self) -> bytes: ...

    def create(self) -> bytes:
        """Makes a new key; refuses to replace one that exists."""


class FileKeyStore:
    """The key as hex in a file of mode 0600 (its folder 0700), never beside the journal."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def exists(self) -> bool:
        return self.path.exists()

    def load(self) -> bytes:
        key = bytes.fromhex(self.path.read_text().strip())
        if len(key) != KEY_BYTES:
            raise ValueError(f"{self.path}: the journal key must be {KEY_BYTES} bytes")
        return key

    def create(self) -> bytes:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = secrets.token_bytes(KEY_BYTES)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(key.hex() + "\n")
            f.flush()
            os.fsync(f.fileno())
        return key


def key_store_from(spec: str, path: Path) -> KeyStore:
    """`file` (the default, at `path`) or `module:ClassName`, made with no arguments."""
    if spec == "file":
        return FileKeyStore(path)
    module, _, name = spec.partition(":")
    store: KeyStore = getattr(importlib.import_module(module), name)()
    return store
