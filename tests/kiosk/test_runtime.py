"""The core's Runner and Scheduler without Qt: the inline runner hands a result to `success`
and an Exception to `failure`, and lets anything else (stopping the process) go on up; the
manual clock fires timers in order, only when time is moved on."""

from __future__ import annotations

import pytest

from kiosk.runtime import InlineRunner, ManualClock


def test_the_result_goes_to_success():
    results: list[int] = []
    failures: list[Exception] = []
    InlineRunner().run(lambda: 6 * 7, results.append, failures.append)
    assert results == [42] and failures == []


def test_an_exception_goes_to_failure():
    results: list[int] = []
    failures: list[Exception] = []

    def jammed() -> int:
        raise OSError("card jammed")

    InlineRunner().run(jammed, results.append, failures.append)
    assert results == [] and [str(e) for e in failures] == ["card jammed"]


@pytest.mark.parametrize("stop", [KeyboardInterrupt, SystemExit])
def test_what_is_not_an_exception_is_re_raised(stop):
    failures: list[Exception] = []

    def stopped() -> None:
        raise stop

    with pytest.raises(stop):
        InlineRunner().run(stopped, lambda _none: None, failures.append)
    assert failures == []


def test_timers_fire_in_order_and_only_when_due():
    clock, fired = ManualClock(), []
    clock.call_later(5, lambda: fired.append("idle"))
    clock.call_later(2, lambda: fired.append("answer"))
    clock.advance(1)
    assert fired == []
    clock.advance(4)
    assert fired == ["answer", "idle"] and clock.now == 5


def test_a_cancelled_timer_never_fires_and_a_timer_may_set_the_next():
    clock, fired = ManualClock(), []
    clock.call_later(1, lambda: fired.append("cancelled")).cancel()
    clock.call_later(1, lambda: clock.call_later(1, lambda: fired.append("second")))
    clock.advance(3)
    assert fired == ["second"]
