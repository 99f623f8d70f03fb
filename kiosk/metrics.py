"""Figures for the supervisor screen, the heartbeat and fleet monitoring: how visits end (and
at which step), how long they take, which errors customers saw, and how they answered the
questions at the end of a visit (rating, offer). Each visit is written to the figures store.

The engine calls in on the UI thread (and the feedback step from a worker), hence the lock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from kiosk.events import Event
from kiosk.figures_store import FiguresStore

if TYPE_CHECKING:
    from kiosk.flows.engine import FlowEngine

# The result steps that send a customer to a counter: the kiosk referred the visit.
REFERRAL_STEPS = frozenset({"to_counter", "to_cash_counter", "to_card_counter"})


@dataclass
class _Visit:
    flow: str
    started_at: float
    stage: str = ""
    referred: bool = False


class Figures:
    def __init__(
        self,
        store: FiguresStore | None = None,
        today: Callable[[], date] = date.today,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.store = store or FiguresStore()
        self._today, self._clock = today, clock
        self._lock = threading.Lock()
        self._visit: _Visit | None = None
        # (flow, outcome, seconds), for the fleet's metrics
        self.visit_ended: Event[str, str, float] = Event("visit_ended")

    def watch(self, engine: FlowEngine) -> None:
        """Follows a flow engine's visits (its flow_ended calls come in directly)."""
        engine.flow_started.connect(lambda flow, _session: self.flow_started(flow.id))
        engine.step_entered.connect(lambda view: self.step_entered(view.step.id))
        engine.step_failed.connect(lambda error: self.error_shown(error.message_key))

    @property
    def today(self) -> date:
        return self._today()

    def flow_started(self, flow_id: str) -> None:
        with self._lock:
            self._visit = _Visit(flow_id, self._clock())

    def step_entered(self, step_id: str) -> None:
        with self._lock:
            if self._visit is not None:
                self._visit.stage = step_id
                self._visit.referred |= step_id in REFERRAL_STEPS

    def error_shown(self, message_key: str) -> None:
        with self._lock:
            flow = self._visit.flow if self._visit else None
        if flow is not None:  # errors are shown on a flow's steps
            self.store.error(self.today, flow, message_key)

    def flow_ended(self, flow_id: str, reason: str) -> None:
        with self._lock:
            visit, self._visit = self._visit, None
        if visit is None or visit.flow != flow_id:
            visit = _Visit(flow_id, self._clock())
        seconds = self._clock() - visit.started_at
        outcome = (
            "referred" if visit.referred else "completed" if reason == "completed" else "abandoned"
        )
        self.store.visit(self.today, flow_id, outcome, visit.stage, seconds)
        self.visit_ended.emit(flow_id, outcome, seconds)

    def answered(self, question: str, answer: str) -> None:
        with self._lock:
            flow = self._visit.flow if self._visit else ""
        self.store.answer(self.today, flow, question, answer)

    def snapshot(self) -> dict[str, int]:
        """Today's figures as flat counts (`flow.completed`, `rating.5` ...), for the
        heartbeat and the supervisor."""
        return self.store.aggregates(self.today)
