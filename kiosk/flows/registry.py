"""The flows a kiosk offers, each checked when it is registered.

A flow is data, so its mistakes can be found before any customer meets them: two steps with one
id, a `next` naming no step, a service that does not exist, a stage nobody declared, a step no
path leads to (a flow's take-back steps are entered from anywhere, however a visit ends). The
kiosk refuses to start on such a flow and says which flow and step.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping

from kiosk.flows.model import END, Flow, Step, StepKind, Target, chained_flow


class FlowError(Exception):
    """A flow that cannot be offered: the message names the flow and the step."""


def _fail(flow: Flow, step: Step | None, problem: str) -> FlowError:
    where = f"flow {flow.id!r}" + (f", step {step.id!r}" if step else "")
    return FlowError(f"{where}: {problem}")


def check_flow(flow: Flow, flow_ids: Iterable[str]) -> None:
    """Raises FlowError for the first thing wrong with `flow`'s graph; `flow_ids` are the
    flows it may go straight on to."""
    services = set(flow_ids)
    if not flow.steps:
        raise _fail(flow, None, "has no steps")
    if not flow.stages:
        raise _fail(flow, None, "declares no stages")
    ids: set[str] = set()
    for step in flow.steps:
        if step.id in ids:
            raise _fail(flow, step, "a second step with this id")
        ids.add(step.id)
    state_fields = (
        {f.name for f in dataclasses.fields(flow.state)}
        if flow.state is not None and dataclasses.is_dataclass(flow.state)
        else set()
    )
    for step in flow.steps:
        _check_step(flow, step, ids, services, state_fields)
    for hand_back in flow.hand_back:
        missing = [s for s in hand_back.steps if s not in ids]
        if not hand_back.steps or missing:
            raise _fail(flow, None, f"hands back at {missing or '(no step)'}, no step of the flow")
    unreachable = [s for s in flow.steps if s.id not in _reachable(flow)]
    if unreachable:
        raise _fail(flow, unreachable[0], "no path from the first step leads here")


def _check_step(
    flow: Flow, step: Step, ids: set[str], services: set[str], state_fields: set[str]
) -> None:
    if step.stage is not None and step.stage not in flow.stages:
        raise _fail(flow, step, f"stage {step.stage!r} is not among the flow's stages")
    for target in step.targets():
        service = chained_flow(target)
        if service is not None and service not in services:
            raise _fail(flow, step, f"goes on to {service!r}, which is no registered flow")
        if service is None and target != END and target not in ids:
            raise _fail(flow, step, f"leads to {target!r}, which is no step of the flow")
    if isinstance(step.next, Mapping) and not callable(step.choices):
        missing = [c.id for c in step.choices if c.id not in step.next]
        if missing:
            raise _fail(flow, step, f"no target for the choice {missing[0]!r}")
    if step.keep is not None:
        if step.kind not in (StepKind.CHOOSE, StepKind.FIELD):
            raise _fail(flow, step, "only a choice or a field keeps an answer")
        if step.keep not in state_fields:
            raise _fail(flow, step, f"keeps its answer in {step.keep!r}, no field of its state")


def _reachable(flow: Flow) -> set[str]:
    seen: set[str] = set()
    # a take-back is entered however the visit ends, from wherever it is
    todo = [flow.steps[0].id, *(h.steps[0] for h in flow.hand_back)]
    while todo:
        step_id = todo.pop()
        if step_id in seen:
            continue
        seen.add(step_id)
        todo += [
            t for t in successors(flow, flow.step(step_id)) if t != END and not chained_flow(t)
        ]
    return seen


def successors(flow: Flow, step: Step) -> tuple[Target, ...]:
    """Every target `step` may lead to, the next step in the list included when it may."""
    targets = step.targets()
    if step.next is None:  # on to the next step in the list, also when the action returns None
        targets += (flow.following(step.id) or END,)
    return tuple(dict.fromkeys(targets))


class FlowRegistry(Mapping[str, Flow]):
    """The flows of one kiosk by id; every one checked against the others on registration."""

    def __init__(self, flows: Iterable[Flow]):
        self._flows: dict[str, Flow] = {}
        for flow in flows:
            if flow.id in self._flows:
                raise FlowError(f"flow {flow.id!r}: registered twice")
            self._flows[flow.id] = flow
        for flow in self._flows.values():
            check_flow(flow, self._flows)

    def __getitem__(self, flow_id: str) -> Flow:
        return self._flows[flow_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._flows)

    def __len__(self) -> int:
        return len(self._flows)

    def home(self) -> list[Flow]:
        """The home screen's services, in the order of their tiles."""
        return home_flows(self._flows.values())


def home_flows(flows: Iterable[Flow]) -> list[Flow]:
    """The flows offered as services, in the order of their tiles."""
    offered = [f for f in flows if f.home is not None]
    return sorted(offered, key=lambda f: f.home.position if f.home else 0)
