"""客户分流: "What do you need today?" — sends a customer to the right self-service flow, or
tells them which counter to go to and why, before they queue for the wrong one."""

from __future__ import annotations

import logging

from kiosk.backend.errors import BackendError
from kiosk.config import BankSection
from kiosk.flows.feedback import DONE_CHOICE
from kiosk.flows.model import Choice, Flow, Step, StepContext, StepKind
from kiosk.flows.receipt import build_receipt, print_receipt, words
from kiosk.journal import journaled
from kiosk.session import CustomerSession

log = logging.getLogger(__name__)

_SELF_SERVICE = {
    "open_account": "flow:account_opening",
    "debit_card": "flow:card_issue",
    "pay_bill": "flow:bill_payment",
    "appointment": "flow:appointment_checkin",
}
# What customers call each self-service (the guide's words for it), for the home screen by voice
SPOKEN_NAMES = {
    target.removeprefix("flow:"): f"guide.say.{choice}" for choice, target in _SELF_SERVICE.items()
}
_FOLLOW_UP = {"cash": "cash_amount", "lost_card": "has_id", "other": "to_lobby_manager"}
# A counter the guide sends a customer to: the bank's service code and the reason it keeps
COUNTERS = {
    "to_cash_counter": ("large_cash_withdrawal", "large_cash"),
    "to_card_counter": ("card_replacement", "lost_card"),
}
BANK = "bank"  # session: the configured hotline and withdrawal limit, for the words
TICKET = "counter_ticket"  # session: the QueueTicket printed for the counter


def _bank_words(ctx: StepContext) -> None:
    config = getattr(ctx.services, "config", None)  # a kiosk core tested without config
    bank = config.bank if config else BankSection()
    ctx.session[BANK] = {"hotline": bank.hotline, "limit": f"{bank.withdrawal_limit_yuan:,}"}


def _params(session: CustomerSession) -> dict[str, str]:
    ticket = session.get(TICKET)
    return {**session.get(BANK, {}), "number": ticket.ticket_number if ticket else ""}


def _counter_ticket(ctx: StepContext) -> str:
    """The counter's queue ticket, taken through the bank with the reason and printed: the
    customer does not queue twice. Without the bank they are told to take one there."""
    target = ctx.session["cash_amount" if ctx.session.get("need") == "cash" else "has_id"]
    counter = "to_cash_counter" if target == "large" else "to_card_counter"
    service, reason = COUNTERS[counter]
    try:
        ticket = journaled(
            ctx.services.journal,
            "guide",
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
    ctx.session[TICKET] = ticket
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
        next="end",
    )


GUIDE = Flow(
    id="guide",
    title="guide.title",
    hint="guide.hint",
    icon="guide.svg",
    steps=(
        Step(
            "need",
            StepKind.CHOOSE,
            "guide.need.title",
            "guide.need.prompt",
            # the needs customers ask for most come first (a lost card among them), so in care
            # mode they are on the first page
            choices=(
                Choice("pay_bill", "guide.need.pay_bill", say="guide.say.pay_bill"),
                Choice("lost_card", "guide.need.lost_card", say="guide.say.lost_card"),
                Choice("cash", "guide.need.cash", say="guide.say.cash"),
                Choice("appointment", "guide.need.appointment", say="guide.say.appointment"),
                Choice("debit_card", "guide.need.debit_card", say="guide.say.debit_card"),
                Choice("open_account", "guide.need.open_account", say="guide.say.open_account"),
                Choice("other", "guide.need.other", say="guide.say.other"),
            ),
            action=_bank_words,
            next=lambda _s, value: _SELF_SERVICE.get(value) or _FOLLOW_UP[value],
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
            next=lambda _s, value: "counter_ticket" if value == "large" else "to_cash_machine",
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
            next=lambda _s, value: "counter_ticket" if value == "yes" else "report_by_phone",
        ),
        Step(
            "counter_ticket",
            StepKind.DEVICE,
            "guide.counter_ticket.title",
            "guide.counter_ticket.prompt",
            action=_counter_ticket,
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
)
