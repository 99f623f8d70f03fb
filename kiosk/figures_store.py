"""The branch's figures that last: one row per visit in DATA_DIR/figures.sqlite, beside the
journal, so a restart loses nothing. What a branch is measured by — the self-service rate
(自助分流率), handling time and satisfaction — is computed from these rows.

No personal data: a visit is its day, flow, outcome, the step it ended at and how long it took.
"""

from __future__ import annotations

import csv
import sqlite3
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from statistics import median
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS visits (
    day TEXT NOT NULL, flow TEXT NOT NULL, outcome TEXT NOT NULL, stage TEXT NOT NULL,
    seconds REAL NOT NULL);
CREATE TABLE IF NOT EXISTS answers (
    day TEXT NOT NULL, flow TEXT NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL,
    count INTEGER NOT NULL, PRIMARY KEY (day, flow, question, answer));
CREATE TABLE IF NOT EXISTS errors (
    day TEXT NOT NULL, flow TEXT NOT NULL, kind TEXT NOT NULL, count INTEGER NOT NULL,
    PRIMARY KEY (day, flow, kind));
CREATE TABLE IF NOT EXISTS counter_tickets (day TEXT PRIMARY KEY, count INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS visits_day ON visits (day);
"""
OUTCOMES = ("completed", "abandoned", "referred")


def p90(values: list[float]) -> float:
    """The nearest-rank 90th percentile."""
    ordered = sorted(values)
    return ordered[max(0, -(-9 * len(ordered) // 10) - 1)]


@dataclass
class FlowDay:
    """One flow's figures for one day (or a span of days)."""

    flow: str
    started: int = 0
    completed: int = 0
    referred: int = 0
    abandoned_at: Counter[str] = field(default_factory=Counter)  # step id -> visits
    seconds: list[float] = field(default_factory=list)  # handling time of completed visits
    errors: Counter[str] = field(default_factory=Counter)  # message key -> times shown
    ratings: Counter[str] = field(default_factory=Counter)  # "1".."5" -> answers

    @property
    def abandoned(self) -> int:
        return sum(self.abandoned_at.values())

    @property
    def completion_rate(self) -> float | None:
        """Visits finished at the kiosk without staff or a counter, out of those started."""
        return self.completed / self.started if self.started else None

    @property
    def median_s(self) -> float | None:
        return median(self.seconds) if self.seconds else None

    @property
    def p90_s(self) -> float | None:
        return p90(self.seconds) if self.seconds else None

    @property
    def mean_rating(self) -> float | None:
        n = sum(self.ratings.values())
        return sum(int(r) * c for r, c in self.ratings.items()) / n if n else None


class FiguresStore:
    def __init__(self, path: str | Path = ":memory:"):
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _run(self, sql: str, *args: object) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    # --- what happened ---------------------------------------------------------------------

    def visit(self, day: date, flow: str, outcome: str, stage: str, seconds: float) -> None:
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown visit outcome {outcome!r}")
        self._run("INSERT INTO visits VALUES (?, ?, ?, ?, ?)", day.isoformat(), flow, outcome,
                  stage, seconds)  # fmt: skip

    def answer(self, day: date, flow: str, question: str, answer: str) -> None:
        self._run(
            "INSERT INTO answers VALUES (?, ?, ?, ?, 1) ON CONFLICT (day, flow, question, answer)"
            " DO UPDATE SET count = count + 1",
            day.isoformat(), flow, question, answer,
        )  # fmt: skip

    def error(self, day: date, flow: str, kind: str) -> None:
        self._run(
            "INSERT INTO errors VALUES (?, ?, ?, 1) ON CONFLICT (day, flow, kind)"
            " DO UPDATE SET count = count + 1",
            day.isoformat(), flow, kind,
        )  # fmt: skip

    def counter_tickets(self, day: date, count: int) -> None:
        """The bank's count of the branch's counter tickets that day (replaces the last)."""
        self._run(
            "INSERT INTO counter_tickets VALUES (?, ?) ON CONFLICT (day) DO UPDATE SET"
            " count = excluded.count",
            day.isoformat(), count,
        )  # fmt: skip

    # --- what it adds up to ----------------------------------------------------------------

    def flows(self, first: date, last: date | None = None) -> dict[str, FlowDay]:
        """Each flow's figures from `first` to `last` (both included; one day by default)."""
        span = (first.isoformat(), (last or first).isoformat())
        figures: dict[str, FlowDay] = {}

        def of(flow: str) -> FlowDay:
            return figures.setdefault(flow, FlowDay(flow))

        where = "WHERE day BETWEEN ? AND ?"
        for flow, outcome, stage, seconds in self._run(
            f"SELECT flow, outcome, stage, seconds FROM visits {where}", *span
        ):
            f = of(flow)
            f.started += 1
            if outcome == "completed":
                f.completed += 1
                f.seconds.append(seconds)
            elif outcome == "referred":
                f.referred += 1
            else:
                f.abandoned_at[stage] += 1
        for flow, kind, count in self._run(
            f"SELECT flow, kind, SUM(count) FROM errors {where} GROUP BY flow, kind", *span
        ):
            of(flow).errors[kind] += count
        for flow, answer, count in self._run(
            f"SELECT flow, answer, SUM(count) FROM answers {where} AND question = 'rating'"
            " GROUP BY flow, answer",
            *span,
        ):
            if answer.isdigit():
                of(flow).ratings[answer] += count
        return dict(sorted(figures.items()))

    def answer_counts(self, question: str) -> Counter[str]:
        """How often each answer to `question` was given here, over every day kept."""
        rows = self._run(
            "SELECT answer, SUM(count) FROM answers WHERE question = ? GROUP BY answer", question
        )
        return Counter({answer: n for answer, n in rows})

    def answers(self, day: date) -> Counter[str]:
        """`question.answer` counts of the day (ratings, offers), over all flows."""
        return Counter(
            {
                f"{q}.{a}": n
                for q, a, n in self._run(
                    "SELECT question, answer, SUM(count) FROM answers WHERE day = ?"
                    " GROUP BY question, answer",
                    day.isoformat(),
                )
            }
        )

    def counter_count(self, day: date) -> int | None:
        rows = self._run("SELECT count FROM counter_tickets WHERE day = ?", day.isoformat())
        return rows[0][0] if rows else None

    def kiosk_share(self, day: date) -> float | None:
        """The share of the branch's business the kiosk took from the counters that day:
        visits completed here out of those plus the counter tickets. None without counter
        figures: the bank sent none, or 0 tickets (counters closed, or the bank does not count
        them), where the kiosk's "100%" would be a share of nothing."""
        counter = self.counter_count(day)
        if not counter:
            return None
        done = sum(f.completed for f in self.flows(day).values())
        return done / (done + counter)

    def days(self, last: date, count: int) -> list[tuple[date, dict[str, FlowDay]]]:
        """The last `count` days up to `last`, oldest first, each with its flows."""
        first = last - timedelta(days=count - 1)
        return [(first + timedelta(days=i), self.flows(first + timedelta(days=i))) for i in
                range(count)]  # fmt: skip

    def aggregates(self, day: date) -> dict[str, int]:
        """The day's figures as flat integer counts, for the heartbeat to the bank."""
        out: dict[str, int] = dict(self.answers(day))
        for flow, f in self.flows(day).items():
            out |= {
                f"{flow}.started": f.started,
                f"{flow}.completed": f.completed,
                f"{flow}.referred": f.referred,
                f"{flow}.abandoned": f.abandoned,
            }
            if f.seconds:
                out[f"{flow}.handling_median_s"] = round(median(f.seconds))
                out[f"{flow}.handling_p90_s"] = round(p90(f.seconds))
            for kind, n in f.errors.items():
                out[f"{flow}.error.{kind}"] = n
        return out

    def export_csv(self, folder: str | Path, last: date, count: int = 30) -> Path:
        """The last `count` days, one line per day and flow, into `folder`."""
        path = Path(folder) / f"figures-{last.isoformat()}.csv"
        counters = dict(self._run("SELECT day, count FROM counter_tickets"))
        with path.open("w", newline="", encoding="utf-8") as out:
            w = csv.writer(out)
            w.writerow(
                ["day", "flow", "started", "completed", "abandoned", "abandoned_at", "referred",
                 "completion_rate", "handling_median_s", "handling_p90_s", "errors", "ratings",
                 "mean_rating", "counter_tickets", "kiosk_share"]
            )  # fmt: skip
            for day, flows in self.days(last, count):
                share = self.kiosk_share(day)
                for f in flows.values():
                    w.writerow(
                        [day.isoformat(), f.flow, f.started, f.completed, f.abandoned,
                         _pairs(f.abandoned_at), f.referred, _num(f.completion_rate),
                         _num(f.median_s), _num(f.p90_s), _pairs(f.errors), _pairs(f.ratings),
                         _num(f.mean_rating), counters.get(day.isoformat(), ""), _num(share)]
                    )  # fmt: skip
        return path


def _pairs(counts: Counter[str]) -> str:
    return ";".join(f"{k}={v}" for k, v in sorted(counts.items()))


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"
