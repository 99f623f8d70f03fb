"""The figures store: what a branch is measured by, from the visits it was told about, kept in
SQLite so a restart loses nothing, with no personal data in it."""

from __future__ import annotations

import csv
import sqlite3
from datetime import date, timedelta

from kiosk.figures_store import FiguresStore
from kiosk.metrics import Figures

DAY = date(2026, 12, 1)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def visit(figures: Figures, clock: Clock, flow: str, steps: list[str], reason: str, s: float):
    figures.flow_started(flow)
    for step in steps:
        figures.step_entered(step)
    clock.now += s
    figures.flow_ended(flow, reason)


def test_visits_add_up_to_the_branch_figures_and_survive_a_restart(tmp_path):
    path, clock = tmp_path / "figures.sqlite", Clock()
    figures = Figures(FiguresStore(path), today=lambda: DAY, clock=clock)
    for seconds in (60, 80, 100, 120, 400):
        visit(
            figures,
            clock,
            "bill_payment",
            ["bill_source", "review", "rating"],
            "completed",
            seconds,
        )
    figures.flow_started("bill_payment")
    figures.step_entered("review")
    figures.error_shown("backend.declined.pin_wrong")
    figures.error_shown("backend.declined.pin_wrong")
    clock.now += 30
    figures.flow_ended("bill_payment", "timeout")  # walked away at the review
    visit(figures, clock, "appointment_checkin", ["off_time", "to_counter"], "completed", 20)
    figures.flow_started("bill_payment")
    figures.step_entered("rating")
    figures.answered("rating", "5")
    figures.flow_ended("bill_payment", "completed")
    figures.store.counter_tickets(DAY, 14)
    figures.store.close()

    store = FiguresStore(path)  # the kiosk started again
    flows = store.flows(DAY)
    bill = flows["bill_payment"]
    assert (bill.started, bill.completed, bill.referred, bill.abandoned) == (7, 6, 0, 1)
    assert dict(bill.abandoned_at) == {"review": 1}
    assert dict(bill.errors) == {"backend.declined.pin_wrong": 2}
    assert dict(bill.ratings) == {"5": 1} and bill.mean_rating == 5
    assert bill.median_s == 90 and bill.p90_s == 400
    checkin = flows["appointment_checkin"]
    assert (checkin.started, checkin.completed, checkin.referred) == (1, 0, 1)
    assert store.kiosk_share(DAY) == 6 / (6 + 14)  # completed here, of those plus the counters'
    assert store.flows(DAY - timedelta(days=1)) == {}

    sent = store.aggregates(DAY)  # what the heartbeat tells the bank
    assert sent["bill_payment.completed"] == 6 and sent["bill_payment.abandoned"] == 1
    assert sent["bill_payment.handling_median_s"] == 90 and sent["rating.5"] == 1
    assert sent["appointment_checkin.referred"] == 1
    assert all(isinstance(v, int) for v in sent.values())

    exported = store.export_csv(tmp_path, DAY, count=7)
    with exported.open() as f:
        rows = {r["flow"]: r for r in csv.DictReader(f) if r["day"] == DAY.isoformat()}
    assert rows["bill_payment"]["errors"] == "backend.declined.pin_wrong=2"
    assert rows["bill_payment"]["counter_tickets"] == "14"
    assert rows["bill_payment"]["kiosk_share"] == "0.300"
    assert rows["appointment_checkin"]["referred"] == "1"


def test_no_share_of_business_without_counter_figures(tmp_path):
    store = FiguresStore()
    for _ in range(3):
        store.visit(DAY, "bill_payment", "completed", "rating", 60.0)
    assert store.kiosk_share(DAY) is None  # the bank said nothing
    store.counter_tickets(DAY, 0)  # the bank counted no tickets: not "the kiosk took 100%"
    assert store.counter_count(DAY) == 0 and store.kiosk_share(DAY) is None
    with store.export_csv(tmp_path, DAY, count=1).open() as f:
        row = next(csv.DictReader(f))
    assert (row["counter_tickets"], row["kiosk_share"]) == ("0", "")
    store.counter_tickets(DAY, 1)
    assert store.kiosk_share(DAY) == 3 / 4


def test_the_store_holds_no_personal_data(tmp_path):
    FiguresStore(tmp_path / "figures.sqlite").close()
    db = sqlite3.connect(tmp_path / "figures.sqlite")
    columns = {
        c[1] for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        for c in db.execute(f"PRAGMA table_info({table})")
    }  # fmt: skip
    assert columns == {"day", "flow", "outcome", "stage", "seconds", "question", "answer",
                       "count", "kind"}  # fmt: skip
