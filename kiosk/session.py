"""The customer session: what a flow collected, held in memory only and forgotten at the end."""

from __future__ import annotations

import time
import uuid
from typing import Any


class CustomerSession:
    """Identity and form data for one customer. Nothing here is ever written to disk."""

    def __init__(self, language: str, care_mode: bool = False):
        self.id = uuid.uuid4().hex[:12]  # ties log lines of one visit together; not personal
        self.language = language
        self.care_mode = care_mode
        self.started = time.monotonic()
        self.data: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.data[key] = value

    def __contains__(self, key: str) -> bool:
        return key in self.data

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def wipe(self) -> None:
        """Forgets everything the customer told or showed the machine."""
        for key in list(self.data):
            value = self.data.pop(key)
            if isinstance(value, bytearray):
                value[:] = bytes(len(value))
        self.data = {}

    @property
    def is_empty(self) -> bool:
        return not self.data
