"""发卡: a debit card for an account that has none yet, from the kiosk's card dispenser.

identify (ID card + face, or already done when account opening leads here) -> the bank names
the accounts awaiting a card -> card type -> new PIN twice on the PIN pad -> dispense, bind the
card serial to the account on the bank (journaled; the card is active at once), the customer
takes it -> receipt.

A card the customer never gets (not taken, stuck on its way out, or a binding whose outcome is
unknown) is captured and its binding reversed; the reversal is journaled before the customer
sees what happened. A jam calls staff. With no cards left the service leaves the home screen.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from hardware.errors import CardJammed, DeviceError
from hardware.ports import CardDispenser, IssuedCard, Receipt
from kiosk.backend.errors import BackendError, Declined, InvalidResponse, OutcomeUnknown
from kiosk.backend.models import AccountAwaitingCard, CardIssued, CardReversal
from kiosk.flows.feedback import feedback_steps, result_step
from kiosk.flows.identity import IdentityState, care_offer_step, face_step, id_card_step
from kiosk.flows.model import (
    DONE,
    END,
    Choice,
    Flow,
    Home,
    Step,
    StepContext,
    StepFailed,
    StepKind,
    Target,
    in_stage,
    known,
    to_flow,
)
from kiosk.flows.pin_setup import PinSetupState, set_pin_step
from kiosk.flows.receipt import build_receipt, print_step, receipt_note, words
from kiosk.flows.take_back import ID_CARD_BACK, TAKE_BACK, id_card_cleanup, take_back_steps
from kiosk.journal import journaled
from kiosk.masking import mask_pan
from kiosk.session import CustomerSession

if TYPE_CHECKING:
    from kiosk.services import Services

log = logging.getLogger(__name__)

FLOW_ID = "card_issue"
DISPENSE_TIMEOUT_S = 30.0
TAKE_TIMEOUT_S = 30.0  # then the card is captured and its binding reversed

NOT_ISSUED, NO_ACCOUNT, INSERT_ID, DISPENSE = "not_issued", "no_account", "insert_id", "dispense"
STAGES = ("stages.identify", "stages.card_setup", "stages.issue", "stages.done")


@dataclass(slots=True)
class CardIssueState:
    awaiting: list[AccountAwaitingCard] = field(default_factory=list)  # accounts with no card
    card_type: str = ""  # the product chosen
    account: AccountAwaitingCard | None = None  # the account the card is for
    issued: CardIssued | None = None
    staff_called: bool = False  # staff were called to the dispenser
    opened_in_visit: str | None = None  # account number opened (with its PIN) in this visit


def _state(session: CustomerSession) -> CardIssueState:
    return session.state(CardIssueState)


def available(services: Services) -> bool:
    """Only with blank cards in a working dispenser and a working PIN pad."""
    dispenser = services.devices.card_dispenser
    return (
        dispenser.status().usable
        and dispenser.stock() > 0
        and services.devices.pin_pad.status().usable
    )


# --- who, and for which account ------------------------------------------------------------


def _find_accounts(ctx: StepContext) -> Target | None:
    session = ctx.session
    verification = session.state(IdentityState).verification
    if verification is None:
        return INSERT_ID  # not identified in this visit yet
    accounts = ctx.services.backend.find_accounts_awaiting_card(verification.verification_id)
    if not accounts:
        raise StepFailed("card_issue.no_account.reason", goto=NO_ACCOUNT)
    _state(session).awaiting = accounts
    return None


def _type_choices(session: CustomerSession) -> list[Choice]:
    products = dict.fromkeys(a.product for a in _state(session).awaiting)
    return [
        Choice(p, f"backend.product.{p}", hint=f"card_issue.type.{p}", say=f"card_issue.say.{p}")
        for p in products
    ]


def _choose_type(ctx: StepContext) -> Target | None:
    state = _state(ctx.session)
    state.account = next(a for a in state.awaiting if a.product == ctx.value)
    return DISPENSE if _pin_set_at_opening(ctx.session) else None


def _pin_set_at_opening(session: CustomerSession) -> bool:
    """The account was opened minutes ago in this visit, with its PIN: the card takes that
    PIN, and the customer is not asked for another."""
    state = _state(session)
    return (
        state.opened_in_visit is not None
        and session.state(PinSetupState).check is not None
        and state.account is not None
        and state.account.account_number == state.opened_in_visit
    )


# --- dispensing ----------------------------------------------------------------------------


def _capture(dispenser: CardDispenser, serial: str) -> None:
    try:
        dispenser.capture()
    except DeviceError as exc:
        log.error(
            "card %s could not be captured (%s): staff must clear the dispenser",
            serial,
            type(exc).__name__,
        )


def _call_staff(ctx: StepContext) -> None:
    _state(ctx.session).staff_called = True  # the result screen says they are coming
    ctx.call_staff("device_fault")


def _reverse(ctx: StepContext, original_key: str, card: IssuedCard, reason: str) -> None:
    """Undoes a binding (journaled before the customer is told); staff are called if the bank
    cannot be reached, since only it can undo the binding."""

    def call(key: str) -> CardReversal:
        return ctx.services.backend.reverse_card_binding(original_key, reason, idempotency_key=key)

    try:
        journaled(
            ctx.services.journal,
            FLOW_ID,
            "dispense",
            "reverse_card_binding",
            {"card_serial": card.serial, "original": original_key, "reason": reason},
            call,
        )
    except Declined as exc:  # original_not_found: the binding never happened
        log.info(
            "session %s: nothing to reverse for card %s (%s)",
            ctx.session.id,
            card.serial,
            exc.reason_code,
        )
    except BackendError as exc:
        log.error(
            "session %s: binding of card %s NOT reversed (%s)",
            ctx.session.id,
            card.serial,
            type(exc).__name__,
        )
        _call_staff(ctx)


def _dispense(ctx: StepContext) -> None:
    session, dispenser, state = (
        ctx.session,
        ctx.services.devices.card_dispenser,
        _state(ctx.session),
    )
    account = known(state.account)
    pin = session.state(PinSetupState)
    try:
        card = dispenser.dispense(DISPENSE_TIMEOUT_S)
    except CardJammed as exc:
        _capture(dispenser, "(jammed)")
        _call_staff(ctx)
        raise StepFailed("card_issue.error.jammed", goto=NOT_ISSUED) from exc
    except DeviceError as exc:  # empty, offline: nothing left the cassette
        raise StepFailed(exc.message_key, goto=NOT_ISSUED) from exc
    keys: list[str] = []

    def bind(key: str) -> CardIssued:
        keys.append(key)
        return ctx.services.backend.issue_card(
            account.account_number,
            card.serial,
            None if _pin_set_at_opening(session) else bytes(known(pin.block)),
            idempotency_key=key,
        )

    masked = {"account": mask_pan(account.account_number), "card_serial": card.serial}
    try:
        issued = journaled(ctx.services.journal, FLOW_ID, "dispense", "issue_card", masked, bind)
    except (OutcomeUnknown, InvalidResponse) as exc:
        _capture(dispenser, card.serial)
        _reverse(ctx, keys[0], card, "card_not_dispensed")
        raise StepFailed("card_issue.error.not_bound", goto=NOT_ISSUED) from exc
    except BackendError as exc:
        _capture(dispenser, card.serial)
        raise StepFailed(exc.message_key, goto=NOT_ISSUED) from exc
    try:
        dispenser.wait_taken(TAKE_TIMEOUT_S)
    except DeviceError as exc:  # walked away, or stuck on its way out
        log.warning(
            "session %s: card %s not taken (%s)", session.id, issued.pan_masked, type(exc).__name__
        )
        _capture(dispenser, card.serial)
        _reverse(ctx, keys[0], card, "card_retained")
        if isinstance(exc, CardJammed):
            _call_staff(ctx)
        raise StepFailed("card_issue.error.not_taken", goto=NOT_ISSUED) from exc
    state.issued = issued
    log.info(
        "session %s: card %s issued for account %s",
        session.id,
        issued.pan_masked,
        issued.account_number_masked,
    )


def _receipt(session: CustomerSession) -> Receipt:
    state = _state(session)
    issued = known(state.issued)
    return build_receipt(
        session,
        "card_issue.receipt.title",
        qr=issued.reference,
        lines=[
            ("card_issue.summary.card", issued.pan_masked),
            ("card_issue.summary.account", issued.account_number_masked),
            ("card_issue.summary.type", words(session, f"backend.product.{state.card_type}")),
            ("receipt.reference", issued.reference),
            ("receipt.time", datetime.now().astimezone().isoformat(timespec="seconds")),
        ],
        notes=[("card_issue.receipt.sign", {}), ("receipt.keep", {})],
    )


# --- the end -------------------------------------------------------------------------------


def _issued_params(session: CustomerSession) -> dict[str, str]:
    issued = known(_state(session).issued)
    return {"card": issued.pan_masked, "receipt": receipt_note(session, issued.reference)}


def _not_issued_params(session: CustomerSession) -> dict[str, str]:
    failure = session.failure
    reason = words(session, failure.message_key if failure else "card_issue.not_issued.default")
    staff = words(session, "card_issue.not_issued.staff") if _state(session).staff_called else ""
    return {"reason": reason, "staff": staff}


CARD_ISSUE = Flow(
    id=FLOW_ID,
    title="card_issue.title",
    hint="card_issue.hint",
    icon="card_issue.svg",
    cleanup=id_card_cleanup(FLOW_ID),
    hand_back=(ID_CARD_BACK,),
    available=available,
    stages=STAGES,
    state=CardIssueState,
    home=Home(
        position=20,
        tile="ui.services.card_issue",
        tile_hint="ui.services.card_issue_hint",
        say="guide.say.debit_card",
        guide="guide.need.debit_card",
    ),
    steps=(
        *in_stage(
            "stages.identify",
            Step(
                "find_accounts",
                StepKind.DEVICE,
                "card_issue.find.title",
                "card_issue.find.prompt",
                action=_find_accounts,
                next="card_type",
                exits=(INSERT_ID, NO_ACCOUNT),
                can_go_back=False,
            ),
            id_card_step(stop=NOT_ISSUED, next="face"),
            care_offer_step(next="face"),
            face_step(FLOW_ID, stop=NOT_ISSUED, next="find_accounts"),
        ),
        Step(
            "card_type",
            StepKind.CHOOSE,
            "card_issue.type.title",
            "card_issue.type.prompt",
            choices=_type_choices,
            action=_choose_type,
            exits=(DISPENSE,),  # the PIN was set when the account was opened in this visit
            keep="card_type",
            can_go_back=False,
            stage="stages.card_setup",
        ),
        set_pin_step(FLOW_ID, pan=lambda s: known(_state(s).account).account_number),
        Step(
            DISPENSE,
            StepKind.DEVICE,
            "card_issue.dispense.title",
            "card_issue.dispense.prompt",
            action=_dispense,
            exits=(NOT_ISSUED,),
            can_go_back=False,
            illustration="card_dispenser.png",
            stage="stages.issue",
        ),
        *in_stage(
            "stages.done",
            print_step("print_receipt", _receipt, next=TAKE_BACK),
            *take_back_steps(FLOW_ID, next="issued"),
            result_step(
                FLOW_ID,
                "issued",
                _issued_params,
                outcome="success",
                takeaway=("card_issue.summary.card", "card"),
            ),
            result_step(FLOW_ID, NOT_ISSUED, _not_issued_params, done=False, outcome="refused"),
            Step(
                NO_ACCOUNT,
                StepKind.RESULT,
                "card_issue.no_account.title",
                "card_issue.no_account.prompt",
                outcome="partial",
                choices=(
                    Choice(
                        "open_account",
                        "card_issue.no_account.open_account",
                        say="card_issue.say.open_account",
                        primary=True,
                    ),
                    Choice(DONE, "common.done", say="common.say.done"),
                ),
                next={"open_account": to_flow("account_opening"), DONE: END},
            ),
        ),
        *feedback_steps(),
    ),
)

__all__ = ["CARD_ISSUE", "CardIssueState"]
