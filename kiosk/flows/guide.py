"""客户分流: "What do you need today?" — sends a customer to the right self-service flow, or
tells them which counter to go to and why, before they queue for the wrong one.

The self-services it offers are the home screen's, each in the words its flow declares
(`Home.guide`, `Home.say`), so a new service appears here without an edit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kiosk.flows.model import (
    DONE,
    END,
    Choice,
    Flow,
    Step,
    StepKind,
    Target,
    in_stage,
    to_flow,
)
from kiosk.flows.registry import home_flows

FLOW_ID = "guide"
STAGES = ("stages.need", "stages.directions")
# Needs no self-service meets: a question more, then a counter (or the phone) to go to.
_FOLLOW_UP: dict[str, Target] = {
    "cash": "cash_amount",
    "lost_card": "has_id",
    "other": "to_lobby_manager",
}


@dataclass(slots=True)
class GuideState:
    need: str = ""  # the answer to "what do you need today?"


def _result(step_id: str) -> Step:
    return Step(
        step_id,
        StepKind.RESULT,
        f"guide.{step_id}.title",
        f"guide.{step_id}.prompt",
        choices=(Choice(DONE, "common.done", primary=True),),
        next=END,
    )


def guide_flow(services: Iterable[Flow]) -> Flow:
    """The guide for the kiosk's self-services (the flows with a home tile and guide words)."""
    # (flow id, the guide's words for it, what customers call it)
    offered = [
        (f.id, f.home.guide, f.home.say) for f in home_flows(services) if f.home and f.home.guide
    ]
    need: dict[str, Target] = {flow_id: to_flow(flow_id) for flow_id, _, _ in offered}
    need.update(_FOLLOW_UP)
    return Flow(
        id=FLOW_ID,
        title="guide.title",
        hint="guide.hint",
        icon="guide.svg",
        stages=STAGES,
        state=GuideState,
        steps=(
            *in_stage(
                "stages.need",
                Step(
                    "need",
                    StepKind.CHOOSE,
                    "guide.need.title",
                    "guide.need.prompt",
                    choices=(
                        *(Choice(flow_id, words, say=say) for flow_id, words, say in offered),
                        Choice("cash", "guide.need.cash", say="guide.say.cash"),
                        Choice("lost_card", "guide.need.lost_card", say="guide.say.lost_card"),
                        Choice("other", "guide.need.other", say="guide.say.other"),
                    ),
                    next=need,
                    keep="need",
                ),
                Step(
                    "cash_amount",
                    StepKind.CHOOSE,
                    "guide.cash_amount.title",
                    "guide.cash_amount.prompt",
                    choices=(
                        Choice("large", "guide.cash_amount.large", say="guide.say.large"),
                        Choice("small", "guide.cash_amount.small", say="guide.say.small"),
                    ),
                    next={"large": "to_cash_counter", "small": "to_cash_machine"},
                ),
                Step(
                    "has_id",
                    StepKind.CHOOSE,
                    "guide.has_id.title",
                    "guide.has_id.prompt",
                    choices=(
                        Choice("yes", "common.yes", say="common.say.yes"),
                        Choice("no", "common.no", say="common.say.no"),
                    ),
                    next={"yes": "to_card_counter", "no": "report_by_phone"},
                ),
            ),
            *in_stage(
                "stages.directions",
                _result("to_cash_counter"),
                _result("to_cash_machine"),
                _result("to_card_counter"),
                _result("report_by_phone"),
                _result("to_lobby_manager"),
            ),
        ),
    )
