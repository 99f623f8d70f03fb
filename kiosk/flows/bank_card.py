"""Shared steps for services paid with a bank card: insert it, key the PIN on the PIN pad (the
bank checks it), and hand the card back — reminding a customer who leaves it in the slot, and
keeping it when they walk away.

The card stays in the session (`BankCardState.card`) exactly as long as it is in the reader, so
the engine knows whether there is a card to give back however the visit ends (`CARD_BACK`: the
take-card step comes first), and so does the flow's clean-up (`card_cleanup`), the last guard.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from hardware.errors import Cancelled, DeviceError, MediaNotTaken, MediaRetained
from hardware.ports import CardData, KeyKind, KeyPress
from kiosk.backend.client import new_idempotency_key
from kiosk.backend.errors import Declined
from kiosk.backend.models import CardVerified
from kiosk.flows.model import (
    KEYED,
    PIN_BOXES,
    WORKING,
    HandBack,
    Next,
    Step,
    StepContext,
    StepFailed,
    StepKind,
    Target,
    known,
)
from kiosk.flows.receipt import build_receipt, print_receipt
from kiosk.journal import record_event
from kiosk.masking import mask_pan
from kiosk.session import CustomerSession

log = logging.getLogger(__name__)

INSERT_TIMEOUT_S = 60.0
PIN_TIMEOUT_S = 30.0
# ATM practice: remind after a few seconds, keep the card after 20-30 s in the slot.
REMIND_AFTER_S = 8.0
TAKE_TIMEOUT_S = 30.0
PIN_LENGTH = 6  # debit cards in China have six-digit PINs

TAKE_CARD = "take_card"
REMIND_CARD = "take_card_reminder"
# The card is still in the machine's mouth: the screen promises staff will come for it.
STAFF_NOTES = {"bank_card.returned.jammed", "bank_card.returned.left_in_slot"}
# Declines after which the card is of no use here: give it back and say why.
REFUSING = {"card_frozen", "card_locked", "card_unknown"}


@dataclass(slots=True)
class BankCardState:
    card: CardData | None = None  # while the card is in the reader
    verified: CardVerified | None = None  # the bank's answer to the PIN (token, masked numbers)
    note: str | None = None  # message key when the card was not simply handed back


def verified_card(session: CustomerSession) -> CardVerified:
    """The card whose PIN the bank accepted in this visit."""
    return known(session.state(BankCardState).verified)


def insert_card_step(*, next: Next = None) -> Step:
    def accept(ctx: StepContext) -> None:
        card = ctx.services.devices.card_reader.accept(INSERT_TIMEOUT_S, ctx.cancelled)
        ctx.session.state(BankCardState).card = card
        log.info("session %s: card %s inserted", ctx.session.id, mask_pan(card.pan))

    return Step(
        "insert_card",
        StepKind.DEVICE,
        "bank_card.insert.title",
        "bank_card.insert.prompt",
        action=accept,
        next=next,
        illustration="insert_card.png",
        waits_for_customer=True,
    )


def pin_step(*, refused: Target = TAKE_CARD, next: Next = None) -> Step:
    """PIN on the PIN pad, checked by the bank. A wrong PIN is shown with the tries left and
    may be keyed again; a frozen, locked or unknown card, or CANCEL on the pad, goes to
    `refused` (hand the card back)."""

    def enter_pin(ctx: StepContext) -> None:
        card = known(ctx.session.state(BankCardState).card)
        keyed = 0

        def on_key(key: KeyPress) -> None:  # masked presses only: never a digit's value
            nonlocal keyed
            keyed = 0 if key.kind is KeyKind.CLEAR else keyed + (key.kind is KeyKind.DIGIT)
            ctx.progress({PIN_BOXES: PIN_LENGTH, KEYED: keyed})

        try:
            block = ctx.services.devices.pin_pad.pin_entry(
                card.pan, PIN_LENGTH, PIN_LENGTH, on_key, PIN_TIMEOUT_S, ctx.cancelled
            )
        except Cancelled as exc:
            if ctx.cancelled.is_set():
                raise
            # the customer pressed CANCEL on the pad: they want their card back
            raise StepFailed("bank_card.pin.cancelled", goto=refused) from exc
        ctx.progress({PIN_BOXES: PIN_LENGTH, KEYED: PIN_LENGTH, WORKING: True})
        try:
            # a PIN check moves no money and changes no identity, so it is not journaled;
            # the bank counts wrong tries itself
            verified = ctx.services.backend.verify_card_pin(
                card.pan, bytes.fromhex(block.data), idempotency_key=new_idempotency_key()
            )
        except Declined as exc:
            if exc.reason_code in REFUSING:
                raise StepFailed(exc.message_key, goto=refused) from exc
            raise  # a wrong PIN: shown with the tries left; "retry" keys it again
        ctx.session.state(BankCardState).verified = verified
        log.info("session %s: PIN accepted for card %s", ctx.session.id, verified.pan_masked)

    return Step(
        "pin",
        StepKind.DEVICE,
        "bank_card.pin.title",
        "bank_card.pin.prompt",
        params=lambda _s: {PIN_BOXES: PIN_LENGTH, KEYED: 0},
        action=enter_pin,
        next=next,
        exits=(refused,),
        can_go_back=False,
        illustration="pin_pad.png",
        waits_for_customer=True,
    )


def _eject(ctx: StepContext, card: CardData) -> str | None:
    """Presents the card; the message key of what went wrong, or None."""
    try:
        ctx.services.devices.card_reader.eject()
    except MediaRetained:
        return "bank_card.returned.retained"
    except DeviceError as exc:  # jammed, or the reader broke: staff must hand it back
        log.error(
            "session %s: card %s not ejected: %s",
            ctx.session.id,
            mask_pan(card.pan),
            type(exc).__name__,
        )
        return "bank_card.returned.jammed"
    return None


def _wait_taken(ctx: StepContext, card: CardData, seconds: float, *, keep: bool) -> str | None:
    """Waits for the customer to take the card. Left in the slot: retained when `keep`, else
    raises MediaNotTaken so the caller can remind them first."""
    reader = ctx.services.devices.card_reader
    try:
        reader.wait_taken(seconds)
    except MediaNotTaken:
        if not keep:
            raise
        try:
            reader.retain()
        except DeviceError as exc:  # a dip reader cannot keep a card
            log.error(
                "session %s: card %s left in the slot and not retained (%s)",
                ctx.session.id,
                mask_pan(card.pan),
                type(exc).__name__,
            )
            return "bank_card.returned.left_in_slot"
        return "bank_card.returned.retained"
    except DeviceError as exc:
        log.error(
            "session %s: card %s not handed back: %s",
            ctx.session.id,
            mask_pan(card.pan),
            type(exc).__name__,
        )
        return "bank_card.returned.jammed"
    return None


def _settle(ctx: StepContext, card: CardData, note: str | None, flow: str, step: str) -> None:
    """The card is out of our hands: forget it, and journal it when it was not taken."""
    session = ctx.session
    state = session.state(BankCardState)
    state.card = None
    if note is None:
        log.info("session %s: card %s taken", session.id, mask_pan(card.pan))
        return
    state.note = note
    log.warning("session %s: card %s %s", session.id, mask_pan(card.pan), note)
    if note in STAFF_NOTES:
        ctx.call_staff("device_fault")
    captured = note == "bank_card.returned.retained"
    if captured or note == "bank_card.returned.left_in_slot":  # for the staff screen
        ctx.services.left_behind.note(
            "bank_card", "captured" if captured else "left", mask_pan(card.pan)
        )

    # staff look the card up in the journal when they empty the capture bin
    key = record_event(
        ctx.services.journal,
        flow,
        step,
        "card_not_returned",
        {"card": mask_pan(card.pan), "reason": note.rsplit(".", 1)[-1]},
    )
    if captured:
        _print_capture_slip(ctx, card, key)


def _print_capture_slip(ctx: StepContext, card: CardData, journal_key: str) -> None:
    """The customer may come back for the card: a slip says where it went (if paper allows);
    its QR code is the journal entry staff look the card up by."""
    receipt = build_receipt(
        ctx.session,
        "bank_card.captured.title",
        qr=journal_key,
        lines=[("bank_card.captured.card", mask_pan(card.pan))],
        notes=[("bank_card.captured.note", {})],
    )
    print_receipt(ctx, receipt)


def take_card_steps(flow: str, *, next: Next = None) -> tuple[Step, Step]:
    """Eject, wait a little; if the card is still there, a second screen (spoken again)
    reminds the customer; after TAKE_TIMEOUT_S in the slot the card is retained.

    Go to TAKE_CARD from anywhere; with no card in the reader it passes straight on.
    """

    def present(ctx: StepContext) -> Target | None:
        card = ctx.session.state(BankCardState).card
        if card is None:
            return None
        note = _eject(ctx, card)
        if note is None:
            try:
                note = _wait_taken(ctx, card, REMIND_AFTER_S, keep=False)
            except MediaNotTaken:
                log.info("session %s: card still in the slot, reminding", ctx.session.id)
                return REMIND_CARD
        _settle(ctx, card, note, flow, TAKE_CARD)
        return None

    def remind(ctx: StepContext) -> None:
        card = ctx.session.state(BankCardState).card
        if card is not None:
            note = _wait_taken(ctx, card, TAKE_TIMEOUT_S - REMIND_AFTER_S, keep=True)
            _settle(ctx, card, note, flow, REMIND_CARD)

    return (
        Step(
            TAKE_CARD,
            StepKind.DEVICE,
            "bank_card.take.title",
            "bank_card.take.prompt",
            action=present,
            next=next,
            exits=(REMIND_CARD,),
            can_go_back=False,
            illustration="take_card.png",
            waits_for_customer=True,
        ),
        Step(
            REMIND_CARD,
            StepKind.DEVICE,
            "bank_card.remind.title",
            "bank_card.remind.prompt",
            action=remind,
            next=next,
            can_go_back=False,
            illustration="take_card.png",
            waits_for_customer=True,
        ),
    )


# A flow's hand_back: however its visit ends (cancel, a time-out, a refusal), a card still in
# the reader is handed back on the take-card step first, reminded and retained as there.
CARD_BACK = HandBack((TAKE_CARD, REMIND_CARD), lambda s: s.state(BankCardState).card is not None)


def card_cleanup(flow: str) -> Callable[[StepContext], None]:
    """A flow's cleanup: a card still inside when the flow was ended at once, without the
    take-card step, is handed back, or retained when nobody takes it."""

    def return_card(ctx: StepContext) -> None:
        card = ctx.session.state(BankCardState).card
        if card is not None:
            note = _eject(ctx, card) or _wait_taken(ctx, card, TAKE_TIMEOUT_S, keep=True)
            _settle(ctx, card, note, flow, "cleanup")

    return return_card


def card_note(session: CustomerSession) -> str | None:
    """Why the card was not simply handed back (retained, jammed, left in the slot), or None."""
    return session.state(BankCardState).note
