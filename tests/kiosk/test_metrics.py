"""The figures the supervisor and the heartbeat see: counted outcomes and answers, mean step
times."""

from __future__ import annotations

from kiosk.metrics import Figures


def test_outcomes_and_answers_flatten_into_one_sorted_snapshot():
    figures = Figures()
    figures.flow_ended("bill_payment", "completed")
    figures.flow_ended("bill_payment", "completed")
    figures.flow_ended("card_issue", "timeout")
    figures.answered("rating", "5")
    assert figures.count("bill_payment", "completed") == 2
    assert figures.snapshot() == {
        "bill_payment.completed": 2,
        "card_issue.timeout": 1,
        "rating.5": 1,
    }


def test_mean_step_time_is_none_until_a_step_was_done():
    figures = Figures()
    assert figures.mean_step_seconds("account_opening", "face") is None
    figures.step_done("account_opening", "face", 3.0)
    figures.step_done("account_opening", "face", 5.0)
    assert figures.mean_step_seconds("account_opening", "face") == 4.0
