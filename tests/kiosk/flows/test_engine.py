from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

import pytest

from kiosk.flows import flow_registry
from kiosk.flows.engine import FlowEngine, Timeouts
from kiosk.flows.guide import GuideState
from kiosk.flows.model import (
    CONFIRM,
    DONE,
    Branch,
    Choice,
    Field,
    Flow,
    Home,
    Step,
    StepFailed,
    StepKind,
)
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


@dataclass
class PhoneState:
    phone: str = ""


def returned_card(ctx):
    ctx.services.append(("card returned", ctx.session.state(PhoneState).phone))


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
            field=Field("l", min_length=11, max_length=11, validate=mobile_problem),
            keep="phone",
        ),
        Step("device", StepKind.DEVICE, "t", action=flaky_device),
        Step(
            "review",
            StepKind.REVIEW,
            "t",
            summary=lambda s: [("label.phone", s.state(PhoneState).phone[:3] + "****")],
        ),
        Step("result", StepKind.RESULT, "t", choices=(Choice(DONE, "common.done"),)),
    ),
    cleanup=returned_card,
    stages=("stages.details",),
    state=PhoneState,
)
# A service the guide offers, to see the guide go straight on to it.
ELSEWHERE = Flow(
    "elsewhere",
    "t",
    (Step("first", StepKind.CHOOSE, "t", choices=(Choice("a", "t"), Choice("b", "t"))),),
    stages=("stages.details",),
    home=Home(99, "t", "t", say="guide.say.other", guide="guide.need.other"),
)


@pytest.fixture
def clock():
    return ManualClock()


def make_engine(clock, flows=(PHONE_FLOW, ELSEWHERE), services=None, timeouts=None):
    return FlowEngine(
        flow_registry(*flows),
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
    engine.start("guide", session)
    engine.submit("elsewhere")
    assert engine.flow.id == "elsewhere"
    assert seen.ended == [("guide", "chained")]
    assert engine.session is session and session.state(GuideState).need == "elsewhere"


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

    engine = FlowEngine(flow_registry(PHONE_FLOW), [], HeldRunner(), clock)
    seen = Recorder(engine)
    engine.start("phone", CustomerSession("en"))
    engine.submit("13800138000")
    assert engine.busy
    engine.cancel()
    _work, done = HeldRunner.held[0]
    done(None)  # the device answers late: nothing must move
    assert seen.steps == ["phone", "device"] and not engine.active


AGREEMENT_FLOW = Flow(
    "agree",
    "t",
    (
        Step(
            "agreement",
            StepKind.REVIEW,
            "t",
            body="b",
            choices=(Choice("accept", "t"), Choice("refuse", "t")),
            next=Branch(lambda _s, v: "thanks" if v == "accept" else "bye", ("thanks", "bye")),
        ),
        Step("thanks", StepKind.RESULT, "t", next="end"),
        Step("bye", StepKind.RESULT, "t", next="end"),
    ),
    stages=("stages.confirm",),
)


def test_review_confirm_and_unknown_choice(clock):
    flow = AGREEMENT_FLOW
    engine = make_engine(clock, flows=(flow,))
    seen = Recorder(engine)
    engine.start("agree", CustomerSession("en"))
    engine.submit(CONFIRM)  # not one of this step's answers: ignored
    assert seen.steps == ["agreement"]
    engine.submit("refuse")
    assert seen.steps == ["agreement", "bye"]
    clock.advance(Timeouts().result_s)
    assert seen.ended == [("agree", "completed")]


def test_the_stage_bar_never_goes_back_within_a_visit(clock):
    stages_seen = []
    engine = make_engine(clock, services=[])
    engine.step_entered.connect(lambda view: stages_seen.append((view.step.id, view.stage)))
    engine.start("guide", CustomerSession("en"))
    engine.submit("cash")
    engine.submit("small")  # a result: the last stage
    assert stages_seen == [("need", 0), ("cash_amount", 0), ("to_cash_machine", 1)]
    assert engine.view.stages == ("stages.need", "stages.directions")
    engine.end("completed")
    flow = Flow(
        "two_stages",
        "t",
        (
            Step("phone", StepKind.FIELD, "t", field=Field("l"), stage="stages.details"),
            Step("review", StepKind.REVIEW, "t", stage="stages.confirm"),
            Step("result", StepKind.RESULT, "t", next="end", stage="stages.done"),
        ),
        stages=("stages.details", "stages.confirm", "stages.done"),
    )
    engine = make_engine(clock, flows=(flow,))
    engine.start("two_stages", CustomerSession("en"))
    engine.submit("1234")
    assert engine.view.step.id == "review" and engine.view.stage == 1
    engine.back()  # the customer corrects a field: the bar stays where the visit got to
    assert engine.view.step.id == "phone" and engine.view.stage == 1


def test_a_way_no_step_declared_is_a_system_error_not_a_crash(clock):
    flow = Flow(
        "astray",
        "t",
        (
            Step("device", StepKind.DEVICE, "t", action=lambda _ctx: "nowhere"),
            Step("result", StepKind.RESULT, "t", next="end"),
        ),
        stages=("stages.done",),
    )
    engine = make_engine(clock, flows=(flow,))
    seen = Recorder(engine)
    engine.start("astray", CustomerSession("en"))
    assert seen.errors == ["flow.error.system"] and seen.steps == ["device"]


def test_i_agree_is_offered_only_once_the_text_is_read_to_its_end(clock):
    flow = replace(
        AGREEMENT_FLOW,
        id="read",
        steps=(
            replace(
                AGREEMENT_FLOW.steps[0],
                choices=(Choice("accept", "t", after_reading=True), Choice("refuse", "t")),
            ),
            *AGREEMENT_FLOW.steps[1:],
        ),
    )
    engine = make_engine(clock, flows=(flow,))
    seen = Recorder(engine)
    engine.start("read", CustomerSession("en"))
    assert not engine.view.read
    engine.submit("accept")
    assert seen.steps == ["agreement"] and seen.errors == ["flow.error.read_first"]
    engine.body_read()  # scrolled to the end, or heard in full
    assert engine.view.read
    engine.submit("accept")
    assert seen.steps == ["agreement", "thanks"]


def test_a_choice_of_one_is_taken_without_a_screen_and_said_on_the_next(clock):
    flow = Flow(
        "one",
        "t",
        (
            Step("phone", StepKind.FIELD, "t", field=Field("l", max_length=3)),
            Step("kind", StepKind.CHOOSE, "title.kind", choices=(Choice("only", "label.only"),)),
            Step("review", StepKind.REVIEW, "t"),
            Step("result", StepKind.RESULT, "t", next="end"),
        ),
        stages=("stages.details",),
    )
    engine = make_engine(clock, flows=(flow,))
    seen = Recorder(engine)
    engine.start("one", CustomerSession("en"))
    engine.submit("123")
    assert seen.steps == ["phone", "review"]
    assert engine.view.alone == ("title.kind", "label.only")
    engine.back()  # back goes to what the customer answered, not to the choice of one
    assert seen.steps == ["phone", "review", "phone"] and engine.view.alone is None
