"""Figures for the supervisor screen and the heartbeat: how flows end and how long steps take."""

from __future__ import annotations

import threading
from collections import Counter, defaultdict


class Figures:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.flow_outcomes: Counter[tuple[str, str]] = Counter()
        self._step_seconds: dict[tuple[str, str], list[float]] = defaultdict(list)

    def step_done(self, flow_id: str, step_id: str, seconds: float) -> None:
        with self._lock:
            self._step_seconds[(flow_id, step_id)].append(seconds)

    def flow_ended(self, flow_id: str, reason: str) -> None:
        with self._lock:
            self.flow_outcomes[(flow_id, reason)] += 1

    def count(self, flow_id: str, reason: str) -> int:
        return self.flow_outcomes[(flow_id, reason)]

    def mean_step_seconds(self, flow_id: str, step_id: str) -> float | None:
        times = self._step_seconds.get((flow_id, step_id))
        return sum(times) / len(times) if times else None

    def snapshot(self) -> dict[str, int]:
        """Outcome counts as flat `flow.reason` names, for the heartbeat and the supervisor."""
        with self._lock:
            return {f"{flow}.{reason}": n for (flow, reason), n in sorted(self.flow_outcomes.items())}
