"""客户分流: "What do you need today?" — sends a customer to the right self-service flow, or
tells them which counter to go to and why, before they queue for the wrong one."""

from __future__ import annotations

from kiosk.flows.model import DONE, Choice, Flow, Step, StepKind

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


def _result(step_id: str) -> Step:
    return Step(
        step_id,
        StepKind.RESULT,
        f"guide.{step_id}.title",
        f"guide.{step_id}.prompt",
        choices=(Choice(DONE, "common.done", primary=True),),
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
            choices=(
                Choice("open_account", "guide.need.open_account", say="guide.say.open_account"),
                Choice("debit_card", "guide.need.debit_card", say="guide.say.debit_card"),
                Choice("pay_bill", "guide.need.pay_bill", say="guide.say.pay_bill"),
                Choice("appointment", "guide.need.appointment", say="guide.say.appointment"),
                Choice("cash", "guide.need.cash", say="guide.say.cash"),
                Choice("lost_card", "guide.need.lost_card", say="guide.say.lost_card"),
                Choice("other", "guide.need.other", say="guide.say.other"),
            ),
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
            next=lambda _s, value: "to_cash_counter" if value == "large" else "to_cash_machine",
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
            next=lambda _s, value: "to_card_counter" if value == "yes" else "report_by_phone",
        ),
        _result("to_cash_counter"),
        _result("to_cash_machine"),
        _result("to_card_counter"),
        _result("report_by_phone"),
        _result("to_lobby_manager"),
    ),
)
