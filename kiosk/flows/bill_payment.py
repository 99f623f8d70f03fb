"""生活缴费: pay a water, electricity, gas, phone or property bill with a bank card.

insert card -> PIN (checked by the bank) -> biller -> bill number (keypad, or the paper bill's
QR code held to the camera) -> the bank shows holder (masked) and amount -> confirm -> pay
(journaled, with an idempotency key) -> card back (reminded, retained if left) -> receipt ->
result -> rating and maybe one offer.

The card comes back before the receipt, as at an ATM: the receipt can then say if the card
was kept. A payment whose outcome is unknown (line dropped, no answer) is never sent again:
the journal keeps it open for reconciliation, the customer gets a slip with its reference,
and the bank's "already paid" stops a second payment of the same bill.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hardware.ports import Receipt
from kiosk.backend.errors import BackendError, Declined, InvalidResponse, OutcomeUnknown
from kiosk.backend.models import Bill, Payment
from kiosk.flows.bank_card import (
    CARD_BACK,
    TAKE_CARD,
    BankCardState,
    card_cleanup,
    card_note,
    insert_card_step,
    pin_step,
    take_card_steps,
    verified_card,
)
from kiosk.flows.feedback import FeedbackState, feedback_steps, result_step
from kiosk.flows.model import (
    WORKING,
    Branch,
    Choice,
    Field,
    Flow,
    Home,
    Step,
    StepContext,
    StepFailed,
    StepKind,
    in_stage,
    known,
)
from kiosk.flows.receipt import (
    ReceiptState,
    Text,
    build_receipt,
    print_step,
    receipt_note,
    words,
    yuan,
)
from kiosk.journal import journaled
from kiosk.session import CustomerSession

if TYPE_CHECKING:
    from kiosk.services import Services

log = logging.getLogger(__name__)

FLOW_ID = "bill_payment"
SCAN_TIMEOUT_S = 30.0
QR_PREFIX = "BILL"  # paper bills' QR codes carry BILL:<biller>:<bill number>

PAID, NOT_DONE = "paid", "not_done"
PAID_NO_RECEIPT = "paid_no_receipt"  # paid, but the printer failed: a partial result
STAGES = ("stages.card", "stages.bill", "stages.confirm", "stages.done")


@dataclass(slots=True)
class BillPaymentState:
    billers: list[str] = field(default_factory=list)  # the bank's biller ids, in its order
    biller: str | None = None  # the chosen (or scanned) biller id
    bill: Bill | None = None  # as the bank returned it
    payment: Payment | None = None
    unknown_key: str | None = None  # idempotency key of a payment with an unknown outcome


def _state(session: CustomerSession) -> BillPaymentState:
    return session.state(BillPaymentState)


# --- card and biller ---------------------------------------------------------------------


def _billers_after_pin(ctx: StepContext) -> None:
    ctx.session.state(FeedbackState).customer_id = verified_card(ctx.session).customer_id
    try:
        billers = ctx.services.backend.list_billers()
    except BackendError as exc:
        raise StepFailed(exc.message_key, goto=TAKE_CARD) from exc
    _state(ctx.session).billers = _most_paid_first([b.biller_id for b in billers], ctx.services)


def _most_paid_first(billers: list[str], services: Services) -> list[str]:
    """The branch's configured order first (water, electricity, gas, phone), then by how often
    customers paid each one here, so the common ones never hide behind "more"."""
    configured = services.config.bank.biller_order
    paid = services.figures.store.answer_counts("biller")

    def rank(biller: str) -> tuple[int, int]:
        first = configured.index(biller) if biller in configured else len(configured)
        return first, -paid[biller]

    return sorted(billers, key=rank)


def _biller_choices(session: CustomerSession) -> list[Choice]:
    return [
        Choice(b, f"backend.biller.{b}", say=f"bill_payment.say.{b}")
        for b in _state(session).billers
    ]


# --- the bill ----------------------------------------------------------------------------


def _look_up(ctx: StepContext, biller: str, number: str) -> None:
    bill: Bill = ctx.services.backend.look_up_bill(biller, number)
    ctx.services.figures.answered("biller", biller)  # for the order billers are offered in
    if bill.status == "paid" or bill.amount_due_fen <= 0:
        raise StepFailed("bill_payment.error.nothing_due")
    _state(ctx.session).bill = bill
    log.info(
        "session %s: bill %s/%s, %d fen due", ctx.session.id, biller, number, bill.amount_due_fen
    )


def _typed(ctx: StepContext) -> None:
    _look_up(ctx, known(_state(ctx.session).biller), ctx.value)


def _scanned(ctx: StepContext) -> None:
    payload = ctx.services.devices.camera.scan_code(SCAN_TIMEOUT_S, ctx.cancelled)
    ctx.progress({WORKING: True})  # the code is read: the screen says so while the bank looks
    kind, _, rest = payload.partition(":")
    biller, _, number = rest.partition(":")
    if kind != QR_PREFIX or not biller or not number:
        raise StepFailed("bill_payment.error.not_a_bill")
    state = _state(ctx.session)
    if biller not in state.billers:
        raise StepFailed("backend.declined.biller_unknown")
    state.biller = biller  # the paper bill knows its biller better than a tap
    _look_up(ctx, biller, number)


def _bill_lines(session: CustomerSession) -> list[tuple[str, str]]:
    bill = known(_state(session).bill)
    return [
        ("bill_payment.summary.biller", words(session, f"backend.biller.{bill.biller_id}")),
        ("bill_payment.summary.bill_number", bill.bill_number),
        ("bill_payment.summary.holder", bill.holder_masked),
        ("bill_payment.summary.card", verified_card(session).pan_masked),
    ]


def _summary(session: CustomerSession) -> list[tuple[str, str]]:
    bill = _state(session).bill
    if bill is None:  # drawn before a bill was found (a layout check)
        return []
    amount = words(session, "receipt.yuan", amount=yuan(bill.amount_due_fen, session.language))
    return [*_bill_lines(session), ("bill_payment.summary.amount", amount)]


# --- paying ------------------------------------------------------------------------------


def _pay(ctx: StepContext) -> None:
    session, state = ctx.session, _state(ctx.session)
    bill = known(state.bill)
    verified = verified_card(session)
    masked = {
        "biller": bill.biller_id,
        "bill_number": bill.bill_number,
        "amount_fen": bill.amount_due_fen,
        "card": verified.pan_masked,
    }
    keys: list[str] = []

    def pay(key: str) -> Payment:
        keys.append(key)
        return ctx.services.backend.pay_bill(
            bill.biller_id,
            bill.bill_number,
            bill.amount_due_fen,
            verified.card_token,
            idempotency_key=key,
        )

    try:
        payment = journaled(ctx.services.journal, FLOW_ID, "review", "pay_bill", masked, pay)
    except (OutcomeUnknown, InvalidResponse) as exc:
        # never sent again from here: reconciliation asks the bank what became of this key
        state.unknown_key = keys[0]
        raise StepFailed("bill_payment.unknown.reason", goto=TAKE_CARD) from exc
    except Declined as exc:  # insufficient funds, already paid, card frozen meanwhile...
        raise StepFailed(exc.message_key, goto=TAKE_CARD, **exc.params) from exc
    state.payment = payment
    log.info("session %s: bill paid, reference %s", session.id, payment.reference)


def _short(key: str) -> str:
    """The part of a journal key a customer can read out to staff."""
    return key[:8].upper()


# --- receipt and result ------------------------------------------------------------------


def _card_notes(session: CustomerSession) -> list[Text]:
    note = card_note(session)
    return [(note, {})] if note else []


def _receipt(session: CustomerSession) -> Receipt | None:
    """The payment receipt; a slip with the reference when the outcome is unknown; a slip
    saying where the card is when it was kept; else nothing."""
    state = _state(session)
    verified = session.state(BankCardState).verified
    if state.payment is not None:
        payment = state.payment
        return build_receipt(
            session,
            "bill_payment.receipt.title",
            qr=payment.reference,
            lines=[
                *_bill_lines(session),
                ("receipt.reference", payment.reference),
                ("receipt.time", payment.paid_at),
            ],
            amounts=[
                (
                    "bill_payment.summary.amount",
                    words(
                        session, "receipt.yuan", amount=yuan(payment.amount_fen, session.language)
                    ),
                )
            ],
            notes=[*_card_notes(session), ("receipt.keep", {})],
        )
    if state.unknown_key is not None:
        reference = _short(state.unknown_key)
        return build_receipt(
            session,
            "bill_payment.receipt.unknown_title",
            qr=state.unknown_key,
            lines=[*_bill_lines(session), ("receipt.reference", reference)],
            notes=[("bill_payment.unknown.slip", {}), *_card_notes(session)],
        )
    if card_note(session) and verified is not None:
        return build_receipt(
            session,
            "bank_card.slip.title",
            qr=session.id,
            lines=[("bill_payment.summary.card", verified.pan_masked)],
            notes=_card_notes(session),
        )
    return None


def _card_text(session: CustomerSession) -> str:
    note = card_note(session)
    return words(session, note) if note else ""


def _paid_params(session: CustomerSession) -> dict[str, str]:
    payment = _state(session).payment
    if payment is None:  # drawn before paying (a layout check)
        return {}
    return {
        "amount": yuan(payment.amount_fen, session.language),
        "paid": words(session, "receipt.yuan", amount=yuan(payment.amount_fen, session.language)),
        "reference": payment.reference,
        "receipt": receipt_note(session, payment.reference),
        "card": _card_text(session),
    }


def _not_done_params(session: CustomerSession) -> dict[str, str]:
    key = _state(session).unknown_key
    failure = session.failure
    reason = failure.message_key if failure else "bill_payment.not_done.default"
    params: dict[str, Any] = dict(failure.params) if failure else {}
    params.setdefault("reference", _short(key) if key else "")
    return {"reason": words(session, reason, **params), "card": _card_text(session)}


def _after_receipt(session: CustomerSession, _value: object) -> str:
    """Paid; paid but the receipt did not print (a partial: note the reference); not done."""
    if _state(session).payment is None:
        return NOT_DONE
    return PAID_NO_RECEIPT if session.state(ReceiptState).failed else PAID


def _available(services: Services) -> bool:
    reader = services.devices.card_reader.status()
    pin_pad = services.devices.pin_pad.status()
    return reader.usable and pin_pad.usable


BILL_PAYMENT = Flow(
    id=FLOW_ID,
    title="bill_payment.title",
    hint="bill_payment.hint",
    icon="bill_payment.svg",
    cleanup=card_cleanup(FLOW_ID),
    hand_back=(CARD_BACK,),
    available=_available,
    stages=STAGES,
    state=BillPaymentState,
    home=Home(
        position=30,
        tile="ui.services.bill_payment",
        tile_hint="ui.services.bill_payment_hint",
        say="guide.say.pay_bill",
        guide="guide.need.pay_bill",
    ),
    steps=(
        *in_stage("stages.card", insert_card_step(), pin_step()),
        *in_stage(
            "stages.bill",
            Step(
                "load_billers",
                StepKind.DEVICE,
                "bill_payment.load.title",
                "bill_payment.load.prompt",
                action=_billers_after_pin,
                exits=(TAKE_CARD,),
                can_go_back=False,
            ),
            Step(
                "biller",
                StepKind.CHOOSE,
                "bill_payment.biller.title",
                "bill_payment.biller.prompt",
                choices=_biller_choices,
                keep="biller",
                can_go_back=False,
            ),
            Step(
                "bill_source",
                StepKind.CHOOSE,
                "bill_payment.source.title",
                "bill_payment.source.prompt",
                choices=(
                    Choice(
                        "keypad",
                        "bill_payment.source.keypad",
                        say="bill_payment.say.keypad",
                        primary=True,
                    ),
                    Choice("scan", "bill_payment.source.scan", say="bill_payment.say.scan"),
                ),
                next={"keypad": "bill_number", "scan": "scan_bill"},
            ),
            Step(
                "bill_number",
                StepKind.FIELD,
                "bill_payment.number.title",
                "bill_payment.number.prompt",
                field=Field("bill_payment.number.label", min_length=4, max_length=20),
                action=_typed,
                next="review",
            ),
            Step(
                "scan_bill",
                StepKind.DEVICE,
                "bill_payment.scan.title",
                "bill_payment.scan.prompt",
                action=_scanned,
                next="review",
                illustration="scan_bill.png",
                waits_for_customer=True,
            ),
        ),
        Step(
            "review",
            StepKind.REVIEW,
            "bill_payment.review.title",
            "bill_payment.review.prompt",
            summary=_summary,
            takeaway=("bill_payment.summary.amount", "amount"),
            action=_pay,
            next=TAKE_CARD,
            stage="stages.confirm",
        ),
        *in_stage(
            "stages.done",
            *take_card_steps(FLOW_ID, next="print_receipt"),
            print_step(
                "print_receipt",
                _receipt,
                next=Branch(_after_receipt, (PAID, PAID_NO_RECEIPT, NOT_DONE)),
            ),
        ),
        result_step(
            FLOW_ID,
            PAID,
            _paid_params,
            outcome="success",
            takeaway=("bill_payment.summary.amount", "paid"),
        ),
        result_step(
            FLOW_ID,
            PAID_NO_RECEIPT,
            _paid_params,
            outcome="partial",
            takeaway=("bill_payment.paid_no_receipt.reference", "reference"),
        ),
        result_step(FLOW_ID, NOT_DONE, _not_done_params, done=False, outcome="refused"),
        *feedback_steps(),
    ),
)

__all__ = ["BILL_PAYMENT", "BillPaymentState"]
