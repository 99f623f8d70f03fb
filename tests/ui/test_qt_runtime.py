"""The Qt Runner: work runs on a worker thread, its result or its Exception comes back on the
UI thread, so a screen callback never runs beside the event loop."""

from __future__ import annotations

import threading

from ui.qt_runtime import QtRunner, QtScheduler


def test_the_result_comes_back_on_the_ui_thread(qtbot):
    runner, answers = QtRunner(), []
    worker: list[threading.Thread] = []

    def work() -> str:
        worker.append(threading.current_thread())
        return "ticket A012"

    runner.run(work, lambda r: answers.append((r, threading.current_thread())), answers.append)
    qtbot.waitUntil(lambda: bool(answers))
    assert answers == [("ticket A012", threading.main_thread())]
    assert worker and worker[0] is not threading.main_thread()


def test_an_exception_comes_back_to_failure_on_the_ui_thread(qtbot):
    runner, failures = QtRunner(), []

    def offline() -> None:
        raise ConnectionError("bank unreachable")

    runner.run(
        offline,
        lambda _none: failures.append("success called"),
        lambda exc: failures.append((str(exc), threading.current_thread())),
    )
    qtbot.waitUntil(lambda: bool(failures))
    assert failures == [("bank unreachable", threading.main_thread())]


def test_a_scheduled_call_runs_once_and_a_cancelled_one_never(qtbot):
    scheduler, fired = QtScheduler(), []
    cancelled = scheduler.call_later(0.01, lambda: fired.append("cancelled"))
    cancelled.cancel()
    due = scheduler.call_later(0.02, lambda: fired.append("due"))  # kept, as the engine keeps it
    qtbot.waitUntil(lambda: bool(fired))
    qtbot.wait(50)  # the cancelled one had its chance to fire too
    assert fired == ["due"]
    due.cancel()


def test_settle_delivers_every_answer_and_the_work_they_start_before_a_kiosk_closes(qapp):
    runner, answers = QtRunner(), []

    def then_call_staff(ticket: str) -> None:
        answers.append(ticket)
        runner.run(lambda: "staff called", answers.append, answers.append)

    runner.run(lambda: "ticket A012", then_call_staff, answers.append)
    runner.settle()  # no event loop turns here: settle itself delivers them
    assert answers == ["ticket A012", "staff called"]
