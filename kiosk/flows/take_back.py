"""请取回身份证 / 凭条: a visit ends only once the customer has taken back their ID card.

The take-back step is a screen of its own (picture, spoken prompt) that waits for the ID card
reader to report the card gone. After 10 s and again after 20 s a reminder screen is entered,
spoken and shown again; after 30 s the customer has walked away: staff are called, the card is
noted for the staff screen, and the attract screen asks for it to be taken, so it is never read
into the next customer's visit.

However a visit ends (a refused or failed result's "done", cancel, an idle time-out) while the
card read in it may still lie on the reader (`TakeBackState.id_card`, set by `read_id_card`),
the engine enters the take-back step first (`ID_CARD_BACK`, a flow's `hand_back`). The visit's
clean-up is the last guard: a card still there that nobody was asked for (the visit was ended
at once) calls staff the same way, once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from hardware.errors import Cancelled, DeviceError, IdCardUnreadable, MediaNotTaken
from hardware.ports import IdCardData
from kiosk.flows.model import HandBack, Next, Step, StepContext, StepKind, Target
from kiosk.flows.receipt import ReceiptState, words
from kiosk.journal import record_event
from kiosk.session import CustomerSession

log = logging.getLogger(__name__)

TAKE_BACK = "take_back"
REMINDERS = ("take_back_reminder_1", "take_back_reminder_2")
REMIND_EVERY_S = 10.0  # reminders at 10 s and 20 s, staff at 30 s
STAFF_REASON = "card_left_behind"


@dataclass(slots=True)
class TakeBackState:
    id_card: bool = False  # an ID card was laid on the reader in this visit, not yet taken


def read_id_card(ctx: StepContext, timeout: float) -> IdCardData:
    """Reads the ID card laid on the reader; from then on, however the visit ends, the customer
    is asked to take it back (also when it could not be read: it lies there all the same)."""
    state = ctx.session.state(TakeBackState)
    try:
        card = ctx.services.devices.id_card_reader.read(timeout, ctx.cancelled)
    except IdCardUnreadable:
        state.id_card = True
        raise
    state.id_card = True
    return card


def id_card_held(session: CustomerSession) -> bool:
    """Whether the ID card read in this visit may still lie on the reader."""
    return session.state(TakeBackState).id_card


def _taken(ctx: StepContext, seconds: float) -> bool:
    """Waits for the ID card to be taken off the reader; False if it is still there."""
    try:
        ctx.services.devices.id_card_reader.wait_taken(seconds, ctx.cancelled)
    except MediaNotTaken:
        return False
    except Cancelled:
        raise
    except DeviceError as exc:  # the reader cannot tell: staff look, the visit goes on
        log.error("session %s: ID card reader cannot say: %s", ctx.session.id, exc)
        ctx.call_staff("device_fault")
    ctx.session.state(TakeBackState).id_card = False
    return True


def card_left(ctx: StepContext, flow: str, step: str, *, noted: bool = False) -> None:
    """The customer walked away from their ID card: staff come for it."""
    log.warning("session %s: ID card left on the reader", ctx.session.id)
    ctx.session.state(TakeBackState).id_card = False  # staff will come for it
    if not noted:
        ctx.services.left_behind.note("id_card", "left")
    ctx.call_staff(STAFF_REASON)
    record_event(ctx.services.journal, flow, step, "id_card_left", {})


# The picture of what is to be taken, by what the printer gave with the ID card.
PICTURES = {
    None: "take_back.png",
    "receipt": "take_back_receipt.png",
    "ticket": "take_back_ticket.png",
}


def handed_back(session: CustomerSession, printed: str = "receipt") -> list[str]:
    """What the customer is asked to take: the ID card, and what was printed (a receipt, a
    queue ticket) when it printed (a visit that ended before its receipt has none)."""
    return ["id_card"] + ([printed] if session.state(ReceiptState).printed else [])


def take_back_steps(
    flow: str, *, next: Next = None, printed: str = "receipt"
) -> tuple[Step, Step, Step]:
    """The take-back step and its two reminders (with a reminder sound), after the receipt
    (or ticket: `printed`) is printed; the picture shows what is to be taken. Only the ID card
    is waited for (a printer cannot tell whether its receipt was torn off); with no card on the
    reader it passes straight on."""

    def params(session: CustomerSession) -> dict[str, str]:
        said = [words(session, f"take_back.item.{item}") for item in handed_back(session, printed)]
        return {"items": words(session, "take_back.and").join(said)}

    def picture(session: CustomerSession) -> str:
        printed_too = handed_back(session, printed)[1:]
        return PICTURES[printed_too[0] if printed_too else None]

    def wait(then: Target | None) -> Callable[[StepContext], Target | None]:
        def action(ctx: StepContext) -> Target | None:
            if _taken(ctx, REMIND_EVERY_S):
                return None
            if then is None:
                card_left(ctx, flow, REMINDERS[-1])
            return then

        return action

    def step(step_id: str, title: str, then: Target | None) -> Step:
        return Step(
            step_id,
            StepKind.DEVICE,
            title,
            "take_back.prompt",  # where the card is; the title names all that is to be taken
            params=params,
            action=wait(then),
            next=next,
            exits=(then,) if then else (),
            can_go_back=False,
            illustration=picture,
            waits_for_customer=True,
            alert=step_id in REMINDERS,
        )

    return (
        step(TAKE_BACK, "take_back.title", REMINDERS[0]),
        step(REMINDERS[0], "take_back.remind.title", REMINDERS[1]),
        step(REMINDERS[1], "take_back.remind.title", None),
    )


# A flow's hand_back: however its visit ends, the ID card read in it is asked for first.
ID_CARD_BACK = HandBack((TAKE_BACK, *REMINDERS), id_card_held)


def id_card_cleanup(flow: str) -> Callable[[StepContext], None]:
    """A visit's clean-up: an ID card still on the reader that the take-back step did not
    already leave to staff (the visit was ended at once, or the card was laid there unread)
    blocks new visits at once (the attract screen asks for it) and calls staff; taking it
    clears the note."""

    def secure(ctx: StepContext) -> None:
        try:
            noted = "id_card" in ctx.services.left_behind.in_readers()
            if not noted and ctx.services.devices.id_card_reader.present():
                card_left(ctx, flow, "cleanup")
        except DeviceError as exc:
            log.error("session %s: ID card reader cannot say: %s", ctx.session.id, exc)

    return secure
