"""The figures the supervisor and the heartbeat see: visits by how they ended, and answers,
flattened into one sorted snapshot of today's counts."""

from __future__ import annotations

from kiosk.metrics import Figures


def test_visits_and_answers_flatten_into_todays_snapshot():
    figures = Figures()
    for _visit in range(2):
        figures.flow_started("bill_payment")
        figures.step_entered("rating")
        figures.flow_ended("bill_payment", "completed")
    figures.flow_started("card_issue")
    figures.step_entered("card_type")
    figures.flow_ended("card_issue", "timeout")
    figures.answered("rating", "5")
    snapshot = figures.snapshot()
    assert snapshot["bill_payment.completed"] == 2 and snapshot["bill_payment.started"] == 2
    assert snapshot["card_issue.abandoned"] == 1 and snapshot["card_issue.completed"] == 0
    assert snapshot["rating.5"] == 1


def test_a_visit_sent_to_a_counter_is_referred_not_completed():
    figures = Figures()
    ended = []
    figures.visit_ended.connect(lambda flow, outcome, _s: ended.append((flow, outcome)))
    figures.flow_started("guide")
    figures.step_entered("to_cash_counter")
    figures.flow_ended("guide", "completed")
    assert ended == [("guide", "referred")]
    assert figures.snapshot()["guide.referred"] == 1
