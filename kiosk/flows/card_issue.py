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
from datetime import datetime

from hardware.errors import CardJammed, DeviceError
from hardware.ports import IssuedCard
from kiosk.backend.errors import BackendError, Declined, InvalidResponse, OutcomeUnknown
from kiosk.backend.models import AccountAwaitingCard, CardIssued, CardReversal
from kiosk.flows.feedback import FIRST_STEP as FEEDBACK
from kiosk.flows.feedback import feedback_steps, result_step
from kiosk.flows.identity import VERIFICATION, care_offer_step, face_step, id_card_step
from kiosk.flows.model import DONE, Choice, Flow, Step, StepContext, StepFailed, StepKind
from kiosk.flows.pin_setup import PIN_BLOCK, PIN_CHECK, set_pin_step
from kiosk.flows.receipt import build_receipt, print_step, receipt_note, words
from kiosk.flows.take_back import TAKE_BACK, id_card_cleanup, take_back_steps
from kiosk.journal import journaled
from kiosk.masking import mask_pan
from kiosk.session import CustomerSession

log = logging.getLogger(__name__)

FLOW_ID = "card_issue"
OPENED_ACCOUNT = "account"  # session: AccountOpened, when account opening ran in this visit
DISPENSE_TIMEOUT_S = 30.0
TAKE_TIMEOUT_S = 30.0  # then the card is captured and its binding reversed

AWAITING = "accounts_awaiting_card"  # session: list[AccountAwaitingCard]
CARD_TYPE = "card_type"  # session: the CHOOSE step's answer (a product)
CARD_ACCOUNT = "card_account"  # session: the AccountAwaitingCard the card is for
ISSUED = "card_issued"  # session: CardIssued
STAFF_CALLED = "staff_called"  # session: True when staff were called to the dispenser


def available(services) -> bool:
    """Only with blank cards in a working dispenser and a working PIN pad."""
    dispenser = services.devices.card_dispenser
    return (
        dispenser.status().usable
        and dispenser.stock() > 0
        and services.devices.pin_pad.status().usable
    )


# --- who, and for which account ------------------------------------------------------------


def _find_accounts(ctx: StepContext) -> str | None:
    session = ctx.session
    if VERIFICATION not in session:
        return "insert_id"  # not identified in this visit yet
    accounts = ctx.services.backend.find_accounts_awaiting_card(
        session[VERIFICATION].verification_id
    )
    if not accounts:
        raise StepFailed("card_issue.no_account.reason", goto="no_account")
    session[AWAITING] = accounts
    return None


def _type_choices(session: CustomerSession) -> list[Choice]:
    products = dict.fromkeys(a.product for a in session.get(AWAITING, ()))
    return [
        Choice(p, f"backend.product.{p}", hint=f"card_issue.type.{p}", say=f"card_issue.say.{p}")
        for p in products
    ]


def _choose_type(ctx: StepContext) -> str | None:
    ctx.session[CARD_ACCOUNT] = next(a for a in ctx.session[AWAITING] if a.product == ctx.value)
    return "dispense" if _pin_set_at_opening(ctx.session) else None


def _pin_set_at_opening(session: CustomerSession) -> bool:
    """The account was opened minutes ago in this visit, with its PIN: the card takes that
    PIN, and the customer is not asked for another."""
    opened = session.get(OPENED_ACCOUNT)
    return (
        opened is not None
        and PIN_CHECK in session
        and session[CARD_ACCOUNT].account_number == opened.account_number
    )


# --- dispensing ----------------------------------------------------------------------------


def _capture(dispenser, serial: str) -> None:
    try:
        dispenser.capture()
    except DeviceError as exc:
        log.error(
            "card %s could not be captured (%s): staff must clear the dispenser",
            serial,
            type(exc).__name__,
        )


def _call_staff(ctx: StepContext) -> None:
    ctx.session[STAFF_CALLED] = True  # the result screen says they are coming
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
    session, dispenser = ctx.session, ctx.services.devices.card_dispenser
    account: AccountAwaitingCard = session[CARD_ACCOUNT]
    try:
        card = dispenser.dispense(DISPENSE_TIMEOUT_S)
    except CardJammed as exc:
        _capture(dispenser, "(jammed)")
        _call_staff(ctx)
        raise StepFailed("card_issue.error.jammed", goto="not_issued") from exc
    except DeviceError as exc:  # empty, offline: nothing left the cassette
        raise StepFailed(exc.message_key, goto="not_issued") from exc
    keys: list[str] = []

    def bind(key: str) -> CardIssued:
        keys.append(key)
        return ctx.services.backend.issue_card(
            account.account_number,
            card.serial,
            None if _pin_set_at_opening(session) else bytes(session[PIN_BLOCK]),
            idempotency_key=key,
        )

    masked = {"account": mask_pan(account.account_number), "card_serial": card.serial}
    try:
        issued = journaled(ctx.services.journal, FLOW_ID, "dispense", "issue_card", masked, bind)
    except (OutcomeUnknown, InvalidResponse) as exc:
        _capture(dispenser, card.serial)
        _reverse(ctx, keys[0], card, "card_not_dispensed")
        raise StepFailed("card_issue.error.not_bound", goto="not_issued") from exc
    except BackendError as exc:
        _capture(dispenser, card.serial)
        raise StepFailed(exc.message_key, goto="not_issued") from exc
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
        raise StepFailed("card_issue.error.not_taken", goto="not_issued") from exc
    session[ISSUED] = issued
    log.info(
        "session %s: card %s issued for account %s",
        session.id,
        issued.pan_masked,
        issued.account_number_masked,
    )


def _receipt(session: CustomerSession):
    issued: CardIssued = session[ISSUED]
    return build_receipt(
        session,
        "card_issue.receipt.title",
        qr=issued.reference,
        lines=[
            ("card_issue.summary.card", issued.pan_masked),
            ("card_issue.summary.account", issued.account_number_masked),
            ("card_issue.summary.type", words(session, f"backend.product.{session[CARD_TYPE]}")),
            ("receipt.reference", issued.reference),
            ("receipt.time", datetime.now().astimezone().isoformat(timespec="seconds")),
        ],
        notes=[("card_issue.receipt.sign", {}), ("receipt.keep", {})],
    )


# --- the end -------------------------------------------------------------------------------


def _issued_params(session: CustomerSession) -> dict[str, str]:
    issued: CardIssued = session[ISSUED]
    return {"card": issued.pan_masked, "receipt": receipt_note(session, issued.reference)}


def _not_issued_params(session: CustomerSession) -> dict[str, str]:
    reason = words(session, session.get("failure") or "card_issue.not_issued.default")
    staff = words(session, "card_issue.not_issued.staff") if session.get(STAFF_CALLED) else ""
    return {"reason": reason, "staff": staff}


CARD_ISSUE = Flow(
    id=FLOW_ID,
    title="card_issue.title",
    hint="card_issue.hint",
    icon="card_issue.svg",
    cleanup=id_card_cleanup(FLOW_ID),
    available=available,
    steps=(
        Step(
            "find_accounts",
            StepKind.DEVICE,
            "card_issue.find.title",
            "card_issue.find.prompt",
            action=_find_accounts,
            next="card_type",
            can_go_back=False,
        ),
        id_card_step(stop="not_issued", next="face"),
        care_offer_step(next="face"),
        face_step(FLOW_ID, stop="not_issued", next="find_accounts"),
        Step(
            CARD_TYPE,
            StepKind.CHOOSE,
            "card_issue.type.title",
            "card_issue.type.prompt",
            choices=_type_choices,
            action=_choose_type,
            can_go_back=False,
        ),
        set_pin_step(FLOW_ID, pan=lambda s: s[CARD_ACCOUNT].account_number, next="dispense"),
        Step(
            "dispense",
            StepKind.DEVICE,
            "card_issue.dispense.title",
            "card_issue.dispense.prompt",
            action=_dispense,
            can_go_back=False,
            illustration="card_dispenser.png",
        ),
        print_step("print_receipt", _receipt, next=TAKE_BACK),
        *take_back_steps(FLOW_ID, next="issued"),
        result_step(
            FLOW_ID,
            "issued",
            _issued_params,
            outcome="success",
            takeaway=("card_issue.summary.card", "card"),
        ),
        result_step(FLOW_ID, "not_issued", _not_issued_params, outcome="refused"),
        Step(
            "no_account",
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
            next=lambda _s, value: "flow:account_opening" if value == "open_account" else FEEDBACK,
        ),
        *feedback_steps(),
    ),
)
