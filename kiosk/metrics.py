"""Figures for the supervisor screen and the heartbeat: how flows end, how long steps take, and
how customers answer the questions asked at the end of a visit (rating, offer)."""

from __future__ import annotations

import threading
from collections import Counter, defaultdict


class Figures:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.flow_outcomes: Counter[tuple[str, str]] = Counter()
        self.answers: Counter[tuple[str, str]] = Counter()
        self._step_seconds: dict[tuple[str, str], list[float]] = defaultdict(list)

    def step_done(self, flow_id: str, step_id: str, seconds: float) -> None:
        with self._lock:
            self._step_seconds[(flow_id, step_id)].append(seconds)

    def flow_ended(self, flow_id: str, reason: str) -> None:
        with self._lock:
            self.flow_outcomes[(flow_id, reason)] += 1

    def answered(self, question: str, answer: str) -> None:
        with self._lock:
            self.answers[(question, answer)] += 1

    def count(self, flow_id: str, reason: str) -> int:
        return self.flow_outcomes[(flow_id, reason)]

    def mean_step_seconds(self, flow_id: str, step_id: str) -> float | None:
        times = self._step_seconds.get((flow_id, step_id))
        return sum(times) / len(times) if times else None

    def snapshot(self) -> dict[str, int]:
        """Counts as flat `flow.reason` / `question.answer` names, for the heartbeat and the
        supervisor."""
        with self._lock:
            counts = self.flow_outcomes + self.answers
            return {f"{name}.{value}": n for (name, value), n in sorted(counts.items())}
