from __future__ import annotations

from typing import ClassVar

import pytest

from kiosk.flows.engine import FlowEngine, Timeouts
from kiosk.flows.guide import GUIDE
from kiosk.flows.model import CONFIRM, DONE, Choice, Field, Flow, Step, StepFailed, StepKind
from kiosk.flows.validators import mobile_problem
from kiosk.runtime import InlineRunner, ManualClock
from kiosk.session import CustomerSession


class Recorder:
    def __init__(self, engine: FlowEngine):
        self.steps: list[str] = []
        self.errors: list[str] = []
        self.ended: list[tuple[str, str]] = []
        self.more_time: list[float] = []
        engine.step_entered.connect(lambda view: self.steps.append(view.step.id))
        engine.step_failed.connect(lambda error: self.errors.append(error.message_key))
        engine.flow_ended.connect(lambda flow, reason: self.ended.append((flow, reason)))
        engine.need_more_time.connect(self.more_time.append)


def returned_card(ctx):
    ctx.services.append(("card returned", ctx.session.get("phone")))


def flaky_device(ctx):
    ctx.services.append("device tried")
    if ctx.services.count("device tried") == 1:
        raise StepFailed("devices.error.card_jammed")


PHONE_FLOW = Flow(
    id="phone",
    title="t",
    steps=(
        Step(
            "phone",
            StepKind.FIELD,
            "t",
            field=Field("phone", "l", min_length=11, max_length=11, validate=mobile_problem),
        ),
        Step("device", StepKind.DEVICE, "t", action=flaky_device),
        Step(
            "review",
            StepKind.REVIEW,
            "t",
            summary=lambda s: [("label.phone", s["phone"][:3] + "****")],
        ),
        Step("result", StepKind.RESULT, "t", choices=(Choice(DONE, "common.done"),)),
    ),
    cleanup=returned_card,
)


@pytest.fixture
def clock():
    return ManualClock()


def make_engine(clock, flows=(GUIDE, PHONE_FLOW), services=None, timeouts=None):
    return FlowEngine(
        {f.id: f for f in flows},
        services if services is not None else [],
        InlineRunner(),
        clock,
        timeouts or Timeouts(),
    )


def test_guide_sends_a_lost_card_without_id_to_report_by_phone(clock):
    engine = make_engine(clock)
    seen = Recorder(engine)
    session = CustomerSession("zh_CN")
    engine.start("guide", session)
    engine.submit("lost_card")
    engine.submit("no")
    assert seen.steps == ["need", "has_id", "report_by_phone"]
    engine.submit(DONE)
    assert seen.ended == [("guide", "completed")]
    assert session.is_empty  # the session forgot the customer's answers


def test_guide_starts_the_self_service_flow_keeping_the_session(clock):
    engine = make_engine(clock)
    seen = Recorder(engine)
    session = CustomerSession("zh_CN")
    session["language_hint"] = "kept"
    engine.flows["bill_payment"] = Flow(
        "bill_payment", "t", (Step("first", StepKind.CHOOSE, "t", choices=(Choice("a", "t"),)),)
    )
    engine.start("guide", session)
    engine.submit("pay_bill")
    assert engine.flow.id == "bill_payment"
    assert seen.ended == [("guide", "chained")]
    assert engine.session is session and session["language_hint"] == "kept"


def test_a_wrong_answer_is_refused_with_a_reason_and_nothing_moves(clock):
    engine = make_engine(clock)
    seen = Recorder(engine)
    engine.start("phone", CustomerSession("en"))
    engine.submit("1234")
    engine.submit("23800138000")
    assert seen.errors == ["flow.error.length", "flow.error.mobile"]
    assert seen.steps == ["phone"]
    engine.submit("not a choice")  # nonsense on a field: a length/digits problem, not a crash
    assert seen.errors[-1] in ("flow.error.length", "flow.error.digits_only")


def test_a_failed_device_step_can_be_retried_and_back_skips_device_steps(clock):
    services: list = []
    engine = make_engine(clock, services=services)
    seen = Recorder(engine)
    engine.start("phone", CustomerSession("en"))
    engine.submit("13800138000")
    assert seen.errors == ["devices.error.card_jammed"]
    engine.retry()
    assert seen.steps == ["phone", "device", "device", "review"]
    assert engine.view.summary == (("label.phone", "138****"),)
    engine.back()  # over the device step, straight to the field
    assert engine.view.step.id == "phone"


def test_cancel_hands_back_the_card_and_forgets(clock):
    services: list = []
    engine = make_engine(clock, services=services)
    seen = Recorder(engine)
    session = CustomerSession("en")
    engine.start("phone", session)
    engine.submit("13800138000")
    assert engine.would_lose_data
    engine.cancel()
    assert seen.ended == [("phone", "cancelled")]
    assert ("card returned", "13800138000") in services
    assert session.is_empty and not engine.active


def test_idle_customer_is_asked_then_the_visit_ends(clock):
    engine = make_engine(clock, timeouts=Timeouts(idle_s=60, answer_s=25))
    seen = Recorder(engine)
    session = CustomerSession("zh_CN")
    engine.start("guide", session)
    engine.submit("cash")
    clock.advance(59)
    assert seen.more_time == []
    clock.advance(1)
    assert seen.more_time == [25]
    engine.extend()  # "yes, I need more time": the clock starts again
    clock.advance(59)
    assert seen.ended == []
    clock.advance(1 + 25)
    assert seen.more_time == [25, 25]
    assert seen.ended == [("guide", "timeout")]
    assert session.is_empty


def test_extensions_are_limited_and_care_mode_gets_more_time(clock):
    engine = make_engine(
        clock, timeouts=Timeouts(idle_s=10, answer_s=20, max_extensions=2, care_factor=2)
    )
    seen = Recorder(engine)
    engine.start("guide", CustomerSession("zh_CN", care_mode=True))
    clock.advance(19)
    assert seen.more_time == []
    clock.advance(1)
    assert seen.more_time == [40]
    for _ in range(3):
        engine.extend()
    clock.advance(20 + 40)  # the third extension was refused: the first ran out
    assert len(seen.more_time) == 2
    clock.advance(20 + 40)
    assert seen.ended == [("guide", "timeout")]


def test_results_of_work_after_cancel_are_dropped(clock):
    class HeldRunner(InlineRunner):
        held: ClassVar[list] = []

        def run(self, work, done, failed):
            self.held.append((work, done))

    engine = FlowEngine({PHONE_FLOW.id: PHONE_FLOW}, [], HeldRunner(), clock)
    seen = Recorder(engine)
    engine.start("phone", CustomerSession("en"))
    engine.submit("13800138000")
    assert engine.busy
    engine.cancel()
    _work, done = HeldRunner.held[0]
    done(None)  # the device answers late: nothing must move
    assert seen.steps == ["phone", "device"] and not engine.active


def test_review_confirm_and_unknown_choice(clock):
    flow = Flow(
        "agree",
        "t",
        (
            Step(
                "agreement",
                StepKind.REVIEW,
                "t",
                body="b",
                choices=(Choice("accept", "t"), Choice("refuse", "t")),
                next=lambda _s, v: "thanks" if v == "accept" else "bye",
            ),
            Step("thanks", StepKind.RESULT, "t"),
            Step("bye", StepKind.RESULT, "t"),
        ),
    )
    engine = make_engine(clock, flows=(flow,))
    seen = Recorder(engine)
    engine.start("agree", CustomerSession("en"))
    engine.submit(CONFIRM)  # not one of this step's answers: ignored
    assert seen.steps == ["agreement"]
    engine.submit("refuse")
    assert seen.steps == ["agreement", "bye"]
    clock.advance(Timeouts().result_s)
    assert seen.ended == [("agree", "completed")]
