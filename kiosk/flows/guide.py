"""客户分流: "What do you need today?" — sends a customer to the right self-service flow, or
tells them which counter to go to and why, before they queue for the wrong one.

The self-services it offers are the home screen's, each in the words its flow declares
(`Home.guide`, `Home.say`), so a new service appears here without an edit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from kiosk.backend.errors import BackendError
from kiosk.backend.models import QueueTicket
from kiosk.config import BankSection
from kiosk.flows.feedback import DONE_CHOICE
from kiosk.flows.model import (
    END,
    Choice,
    Flow,
    Step,
    StepContext,
    StepKind,
    Target,
    in_stage,
    to_flow,
)
from kiosk.flows.receipt import build_receipt, print_receipt, words
from kiosk.flows.registry import home_flows
from kiosk.journal import journaled
from kiosk.session import CustomerSession

log = logging.getLogger(__name__)

FLOW_ID = "guide"
STAGES = ("stages.need", "stages.directions")
# Needs no self-service meets: a question more, then a counter (or the phone) to go to.
_FOLLOW_UP: dict[str, Target] = {
    "cash": "cash_amount",
    "lost_card": "has_id",
    "other": "to_lobby_manager",
}
# The needs customers ask for most come first (a lost card among them), so in care mode they
# are on the first page; the other services follow in the home screen's order.
_MOST_ASKED = ("bill_payment", "lost_card", "cash", "appointment_checkin")
# A counter the guide sends a customer to: the bank's service code and the reason it keeps
COUNTERS = {
    "to_cash_counter": ("large_cash_withdrawal", "large_cash"),
    "to_card_counter": ("card_replacement", "lost_card"),
}
COUNTER_TICKET = "counter_ticket"


@dataclass(slots=True)
class GuideState:
    need: str = ""  # the answer to "what do you need today?"
    # the configured hotline and withdrawal limit, for the words
    bank: dict[str, str] = field(default_factory=dict)
    ticket: QueueTicket | None = None  # the queue ticket printed for the counter


def _bank_words(ctx: StepContext) -> None:
    config = getattr(ctx.services, "config", None)  # a kiosk core tested without config
    bank = config.bank if config else BankSection()
    ctx.session.state(GuideState).bank = {
        "hotline": bank.hotline,
        "limit": f"{bank.withdrawal_limit_yuan:,}",
    }


def _params(session: CustomerSession) -> dict[str, str]:
    state = session.state(GuideState)
    return {**state.bank, "number": state.ticket.ticket_number if state.ticket else ""}


def _counter_ticket(ctx: StepContext) -> Target:
    """The counter's queue ticket, taken through the bank with the reason and printed: the
    customer does not queue twice. Without the bank they are told to take one there."""
    state = ctx.session.state(GuideState)
    # only large cash (at the cash counter) and a lost card with an ID card come here
    counter = "to_cash_counter" if state.need == "cash" else "to_card_counter"
    service, reason = COUNTERS[counter]
    try:
        ticket: QueueTicket = journaled(
            ctx.services.journal,
            FLOW_ID,
            counter,
            "take_queue_ticket",
            {"service": service, "reason": reason},
            lambda key: ctx.services.backend.take_queue_ticket(
                service, reason=reason, idempotency_key=key
            ),
        )
    except BackendError as exc:
        log.warning("no counter ticket (%s): the customer takes one there", type(exc).__name__)
        return f"{counter}_no_ticket"
    state.ticket = ticket
    receipt = build_receipt(
        ctx.session,
        "appointment.ticket.receipt_title",
        qr=ticket.reference,
        lines=[
            ("appointment.ticket.number", ticket.ticket_number),
            ("appointment.ticket.service", words(ctx.session, f"backend.service.{service}")),
        ],
        notes=[(f"guide.reason.{reason}", {}), ("appointment.ticket.listen", {})],
    )
    print_receipt(ctx, receipt)
    return counter


def _result(step_id: str, prompt: str | None = None) -> Step:
    return Step(
        step_id,
        StepKind.RESULT,
        f"guide.{step_id.removesuffix('_no_ticket')}.title",
        prompt or f"guide.{step_id}.prompt",
        params=_params,
        choices=(DONE_CHOICE,),
        next=END,
    )


def _most_asked_first(choices: Iterable[Choice]) -> tuple[Choice, ...]:
    listed = list(choices)
    rank = {need: i for i, need in enumerate(_MOST_ASKED)}
    return tuple(sorted(listed, key=lambda c: (rank.get(c.id, len(rank)), listed.index(c))))


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
                        *_most_asked_first(
                            (
                                *(Choice(i, words, say=say) for i, words, say in offered),
                                Choice("cash", "guide.need.cash", say="guide.say.cash"),
                                Choice(
                                    "lost_card", "guide.need.lost_card", say="guide.say.lost_card"
                                ),
                            )
                        ),
                        Choice("other", "guide.need.other", say="guide.say.other"),
                    ),
                    action=_bank_words,
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
                    params=_params,
                    next={"large": COUNTER_TICKET, "small": "to_cash_machine"},
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
                    next={"yes": COUNTER_TICKET, "no": "report_by_phone"},
                ),
            ),
            *in_stage(
                "stages.directions",
                Step(
                    COUNTER_TICKET,
                    StepKind.DEVICE,
                    "guide.counter_ticket.title",
                    "guide.counter_ticket.prompt",
                    action=_counter_ticket,
                    exits=(*COUNTERS, *(f"{c}_no_ticket" for c in COUNTERS)),
                    can_go_back=False,
                ),
                _result("to_cash_counter"),
                _result("to_cash_counter_no_ticket", "guide.no_ticket.prompt"),
                _result("to_cash_machine"),
                _result("to_card_counter"),
                _result("to_card_counter_no_ticket", "guide.no_ticket.prompt"),
                _result("report_by_phone"),
                _result("to_lobby_manager"),
            ),
        ),
    )
