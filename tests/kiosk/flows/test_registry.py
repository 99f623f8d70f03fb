"""Flow graphs are checked when registered: a wrong turn is found before a customer takes it,
and the kiosk refuses to start on it with the flow's and the step's names."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pytest

import kiosk.flows
from kiosk.flows import SERVICES, flow_registry
from kiosk.flows.model import (
    DONE,
    END,
    Branch,
    Choice,
    Field,
    Flow,
    Home,
    Step,
    StepKind,
    to_flow,
)
from kiosk.flows.registry import FlowError, FlowRegistry, check_flow, successors
from ui import cli

DONE_CHOICES = (Choice(DONE, "common.done"),)


@dataclass
class ToyState:
    phone: str = ""


def toy(*steps: Step, flow_id: str = "toy", stages=("stages.details", "stages.done")) -> Flow:
    return Flow(flow_id, "guide.title", steps, stages=stages, state=ToyState)


def field_step(**changes) -> Step:
    step = Step("phone", StepKind.FIELD, "t", field=Field("l"), keep="phone", next="result")
    return dataclasses.replace(step, **changes)


RESULT = Step("result", StepKind.RESULT, "t", choices=DONE_CHOICES, next=END, stage="stages.done")


def refused(flow: Flow, others: tuple[str, ...] = ()) -> str:
    with pytest.raises(FlowError) as caught:
        check_flow(flow, others)
    return str(caught.value)


def test_every_flow_of_the_kiosk_passes_its_check():
    flows = flow_registry()
    assert set(flows) == {"guide", *(f.id for f in SERVICES)}
    for flow in flows.values():
        check_flow(flow, flows)  # raises on the first problem
    assert [f.id for f in flows.home()] == [
        "account_opening",
        "card_issue",
        "bill_payment",
        "appointment_checkin",
    ]


def test_a_good_toy_flow_passes():
    check_flow(toy(field_step(), RESULT), ())


def test_a_misspelt_next_is_refused_naming_the_flow_and_the_step():
    message = refused(toy(field_step(next="reslut"), RESULT))
    assert "'toy'" in message and "'phone'" in message and "'reslut'" in message


def test_the_kiosk_refuses_to_start_on_a_broken_flow(monkeypatch, capsys, tmp_path):
    broken = toy(field_step(next="reslut"), RESULT, flow_id="broken_service")
    monkeypatch.setattr(kiosk.flows, "SERVICES", (*SERVICES, broken))
    monkeypatch.setenv("SMART_TELLER_DATA", str(tmp_path))
    for variable in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):  # never a window here
        monkeypatch.delenv(variable, raising=False)
    assert cli.main([]) == 2
    error = capsys.readouterr().err
    assert "'broken_service'" in error and "'phone'" in error and "Traceback" not in error


def test_two_steps_with_one_id_are_refused():
    assert "a second step" in refused(toy(field_step(), RESULT, dataclasses.replace(RESULT)))


def test_a_service_that_does_not_exist_is_refused():
    message = refused(toy(field_step(exits=(to_flow("card_isue"),)), RESULT))
    assert "'card_isue'" in message
    check_flow(toy(field_step(exits=(to_flow("card_issue"),)), RESULT), ("card_issue",))


def test_an_undeclared_stage_and_no_stages_are_refused():
    assert "'stages.pay'" in refused(toy(field_step(stage="stages.pay"), RESULT))
    assert "no stages" in refused(toy(field_step(), RESULT, stages=()))


def test_a_step_no_path_leads_to_is_refused():
    orphan = dataclasses.replace(RESULT, id="orphan")
    message = refused(toy(field_step(), RESULT, orphan))
    assert "'orphan'" in message and "no path" in message


def test_an_answer_kept_in_no_field_of_the_state_is_refused():
    assert "'phnoe'" in refused(toy(field_step(keep="phnoe"), RESULT))


def test_a_choice_without_a_target_is_refused():
    choose = Step(
        "which",
        StepKind.CHOOSE,
        "t",
        choices=(Choice("a", "t"), Choice("b", "t")),
        next={"a": "result"},
    )
    assert "'b'" in refused(toy(choose, RESULT))


def test_a_branch_and_an_action_declare_where_they_lead():
    branch = Step(
        "which",
        StepKind.CHOOSE,
        "t",
        choices=(Choice("a", "t"),),
        next=Branch(lambda _s, _v: "result", ("result", "other")),
    )
    flow = toy(branch, RESULT)
    assert "'other'" in refused(flow)
    device = Step("device", StepKind.DEVICE, "t", action=lambda _ctx: None, exits=("result",))
    flow = toy(device, field_step(), RESULT)
    assert successors(flow, device) == ("result", "phone")
    check_flow(flow, ())


def test_a_flow_registered_twice_is_refused():
    with pytest.raises(FlowError, match="registered twice"):
        FlowRegistry((SERVICES[0], SERVICES[0]))


def test_the_home_screen_takes_its_tiles_in_the_order_the_flows_declare():
    first = dataclasses.replace(
        toy(field_step(), RESULT, flow_id="first"),
        home=Home(1, "guide.title", "guide.hint", say="guide.say.other"),
    )
    flows = flow_registry(first)
    assert flows.home()[0] is first
    assert "first" not in {c.id for c in flows["guide"].steps[0].choices}  # no guide words
