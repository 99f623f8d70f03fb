"""A minimal observer: the core announces what happened; ui/ and voice/ listen.

The core never knows who listens, which keeps kiosk/ free of Qt and of voice. An event is typed
by what it carries: `Event[str]` calls its listeners with one str, `Event[()]` with nothing.

A listener that raises is logged with its traceback and the others still hear the event:
listeners are independent presenters (the screen, the voice, the speech mode), and the
emitter is usually the flow engine in the middle of moving a customer on. Letting one
presenter's bug unwind the engine would leave the visit half-moved, which is worse for the
customer than one presenter missing an update. Only Exceptions are caught.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Generic, TypeVarTuple

log = logging.getLogger(__name__)

Payload = TypeVarTuple("Payload")


class Event(Generic[*Payload]):
    def __init__(self, name: str):
        self.name = name
        self._listeners: list[Callable[[*Payload], object]] = []

    def connect(self, listener: Callable[[*Payload], object]) -> None:
        self._listeners.append(listener)

    def disconnect(self, listener: Callable[[*Payload], object]) -> None:
        self._listeners.remove(listener)

    def emit(self, *payload: *Payload) -> None:
        for listener in list(self._listeners):
            try:
                listener(*payload)
            except Exception:
                log.exception("a listener of %s failed: %r", self.name, listener)
