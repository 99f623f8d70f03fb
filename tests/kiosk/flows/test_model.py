"""The flow model: stages every flow declares, and where its steps may lead."""

from __future__ import annotations

import pytest

from kiosk.flows import flow_registry
from kiosk.flows.model import (
    END,
    Branch,
    Choice,
    Step,
    StepKind,
    chained_flow,
    in_stage,
    known,
    to_flow,
)
from kiosk.flows.registry import successors


def _ways(flows):
    """Every way a customer can move inside a flow: (flow, from step, to step)."""
    for flow in flows.values():
        for step in flow.steps:
            for target in successors(flow, step):
                if target != END and chained_flow(target) is None:
                    yield flow, step.id, target


def test_walking_any_way_through_any_flow_the_stage_bar_moves_on_by_one_or_to_the_end():
    flows = flow_registry()
    walked = 0
    for flow, here, there in _ways(flows):
        walked += 1
        last = len(flow.stages) - 1
        now, then = flow.stage_of(here), flow.stage_of(there)
        where = f"{flow.id}: {here} -> {there}"
        assert then >= now, f"{where} goes back a stage"
        assert then - now <= 1 or then == last, f"{where} skips stages"
    assert walked > sum(len(f.steps) for f in flows.values())  # branches and failures too


def test_every_flow_starts_at_its_first_stage_and_ends_at_its_last():
    for flow in flow_registry().values():
        assert flow.stage_of(flow.steps[0].id) == 0, flow.id
        results = [s for s in flow.steps if s.kind is StepKind.RESULT]
        assert {flow.stage_of(s.id) for s in results} == {len(flow.stages) - 1}, flow.id


def test_a_step_inherits_the_stage_of_the_step_before_it():
    flow = flow_registry()["bill_payment"]
    assert flow.step("review").stage == "stages.confirm"
    assert flow.step("rating").stage is None  # appended after the result screens
    assert flow.stage_of("rating") == flow.stages.index("stages.done")


def test_in_stage_names_the_stage_of_every_step_given():
    steps = in_stage(
        "stages.done", Step("a", StepKind.RESULT, "t"), Step("b", StepKind.RESULT, "t")
    )
    assert [s.stage for s in steps] == ["stages.done", "stages.done"]


def test_a_step_declares_its_targets_whatever_its_next_is():
    choices = (Choice("yes", "t"), Choice("no", "t"))
    mapped = Step("q", StepKind.CHOOSE, "t", choices=choices, next={"yes": "a", "no": END})
    assert mapped.targets() == ("a", END)
    branch = Step("q", StepKind.CHOOSE, "t", next=Branch(lambda _s, _v: "a", ("a", "b")))
    assert branch.targets() == ("a", "b")
    failing = Step("d", StepKind.DEVICE, "t", next="a", exits=("stopped", "a"))
    assert failing.targets() == ("a", "stopped")
    assert chained_flow(to_flow("card_issue")) == "card_issue" and chained_flow("a") is None


def test_known_refuses_what_no_step_has_collected():
    assert known("x") == "x"
    with pytest.raises(LookupError):
        known(None)
