"""The customer session: what a flow collected, held in memory only and forgotten at the end.

Each flow and each shared part of a flow keeps what it collects in its own dataclass (its
state), asked for by type: `session.state(BillPaymentState).bill`. A misspelt field is then
an error for the type checker and at run time, never a silent new key.
"""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

S = TypeVar("S")


@dataclass(frozen=True)
class Failure:
    """Why a step sent the customer elsewhere (StepFailed with goto): shown at the end."""

    message_key: str
    params: Mapping[str, Any] = field(default_factory=dict)


class CustomerSession:
    """Identity and form data for one customer. Nothing here is ever written to disk."""

    def __init__(self, language: str, care_mode: bool = False):
        self.id = uuid.uuid4().hex[:12]  # ties log lines of one visit together; not personal
        self.language = language
        self.care_mode = care_mode
        self.started = time.monotonic()
        self.failure: Failure | None = None
        self.answered = False  # the customer chose or keyed in something in this visit
        self._states: dict[type, Any] = {}

    def state(self, kind: type[S]) -> S:
        """The state of one flow or shared part (a dataclass with defaults), made on first use."""
        found = self._states.get(kind)
        if found is None:
            found = self._states[kind] = kind()
        return found  # keyed by its own type

    def wipe(self) -> None:
        """Forgets everything the customer told or showed the machine; PIN blocks and other
        bytearrays are zeroed first, so no copy waits in memory for the collector."""
        for state in self._states.values():
            for f in dataclasses.fields(state):
                value = getattr(state, f.name)
                if isinstance(value, bytearray):
                    value[:] = bytes(len(value))
        self._states = {}
        self.failure = None
        self.answered = False

    @property
    def is_empty(self) -> bool:
        """Whether the customer has given nothing yet (no answer, every state as it was made)."""
        return (
            not self.answered
            and self.failure is None
            and all(s == type(s)() for s in self._states.values())
        )
