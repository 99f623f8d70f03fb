"""A minimal observer: the core announces what happened; ui/ and voice/ listen.

The core never knows who listens, which keeps kiosk/ free of Qt and of voice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


class Event:
    def __init__(self, name: str):
        self.name = name
        self._listeners: list[Callable[..., Any]] = []

    def connect(self, listener: Callable[..., Any]) -> None:
        self._listeners.append(listener)

    def disconnect(self, listener: Callable[..., Any]) -> None:
        self._listeners.remove(listener)

    def emit(self, *args: Any) -> None:
        for listener in list(self._listeners):
            try:
                listener(*args)
            except Exception:  # one broken listener must not stop the screen or the voice
                log.exception("listener of %s failed", self.name)
