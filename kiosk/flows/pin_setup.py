"""Setting a new 6-digit PIN: keyed twice on the encrypting PIN pad, checked by the bank.

The kiosk never sees a digit: the pad hands out ISO 9564 format 4 blocks, and only the bank
(or its HSM) can tell whether the two entries match and whether the PIN is weak (123456,
the birth date, ...). The check is journaled; the accepted block stays in the session as a
bytearray, which the session zeroes when it forgets the customer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from hardware.errors import Cancelled
from hardware.ports import KeyKind, KeyPress
from kiosk.backend.models import PinChecked
from kiosk.flows.identity import verification_of
from kiosk.flows.model import (
    KEYED,
    PIN_BOXES,
    WORKING,
    Next,
    Step,
    StepContext,
    StepFailed,
    StepKind,
)
from kiosk.flows.receipt import words
from kiosk.journal import journaled
from kiosk.masking import last4
from kiosk.session import CustomerSession

log = logging.getLogger(__name__)

PIN_LENGTH = 6
ENTRY_TIMEOUT_S = 30.0


@dataclass(slots=True)
class PinSetupState:
    check: PinChecked | None = None  # the bank's word that the PIN may be used
    block: bytearray | None = None  # the accepted PIN encrypted under `pan`; zeroed at the end


def _key_in(ctx: StepContext, pan: str, stage: str) -> bytes:
    """One entry on the PIN pad, with a box filled on screen per key pressed."""
    stage_text = words(ctx.session, stage)
    keyed = 0

    def on_key(key: KeyPress) -> None:  # masked presses: the digit itself never arrives
        nonlocal keyed
        keyed = 0 if key.kind is KeyKind.CLEAR else keyed + (key.kind is KeyKind.DIGIT)
        ctx.progress({"stage": stage_text, PIN_BOXES: PIN_LENGTH, KEYED: keyed})

    ctx.progress({"stage": stage_text, PIN_BOXES: PIN_LENGTH, KEYED: 0})
    try:
        block = ctx.services.devices.pin_pad.pin_entry(
            pan, PIN_LENGTH, PIN_LENGTH, on_key, ENTRY_TIMEOUT_S, ctx.cancelled
        )
    except Cancelled as exc:
        if ctx.cancelled.is_set():
            raise
        raise StepFailed("identity.pin.cancelled") from exc  # CANCEL on the pad: start again
    return bytes.fromhex(block.data)


def set_pin_step(flow_id: str, *, pan: Callable[[CustomerSession], str], next: Next = None) -> Step:
    """`pan`: the number the PIN blocks are made with (the account number, or before the
    account exists a number chosen for this entry). A refusal is shown with "try again",
    which starts both entries afresh."""

    def set_pin(ctx: StepContext) -> None:
        session = ctx.session
        number = pan(session)
        first = _key_in(ctx, number, "identity.pin.first")
        again = _key_in(ctx, number, "identity.pin.again")
        verification = verification_of(session)
        ctx.progress({"stage": words(session, "identity.pin.again"), WORKING: True})

        def check(key: str) -> PinChecked:
            return ctx.services.backend.check_new_pin(
                verification.verification_id, number, first, again, idempotency_key=key
            )

        # a refused PIN (weak, entries differ) raises Declined: shown here with "try again"
        checked = journaled(
            ctx.services.journal,
            flow_id,
            "set_pin",
            "check_new_pin",
            {"for": f"****{last4(number)}", "verification": verification.reference},
            check,
        )
        state = session.state(PinSetupState)
        state.check, state.block = checked, bytearray(first)
        log.info("session %s: new PIN accepted (%s)", session.id, checked.reference)

    return Step(
        "set_pin",
        StepKind.DEVICE,
        "identity.pin.title",
        "identity.pin.prompt",
        params=lambda s: {"stage": words(s, "identity.pin.first"), PIN_BOXES: PIN_LENGTH, KEYED: 0},
        action=set_pin,
        next=next,
        can_go_back=False,
        illustration="pin_pad.png",
        waits_for_customer=True,
    )
