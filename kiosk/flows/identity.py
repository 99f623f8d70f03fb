"""Who the customer is: the resident ID card read and checked here, a face photo framed by the
camera, and the bank's identity verification (the public security registry behind it).

Shared by account opening and card issue. A senior (60 or older) is offered care mode right
after the ID card is read, before the steps that take time.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from datetime import date

from hardware.errors import FaceNotFound
from hardware.ports import IdCardData
from kiosk.backend.errors import Declined
from kiosk.backend.models import IdentityVerification
from kiosk.flows.feedback import FeedbackState
from kiosk.flows.model import (
    WORKING,
    Branch,
    Choice,
    Next,
    Step,
    StepContext,
    StepFailed,
    StepKind,
    Target,
    known,
)
from kiosk.flows.receipt import words
from kiosk.flows.take_back import read_id_card
from kiosk.flows.validators import age_on, id_number_problem
from kiosk.formats import full_date
from kiosk.journal import journaled
from kiosk.masking import mask_id_number, mask_name
from kiosk.session import CustomerSession

log = logging.getLogger(__name__)

READ_TIMEOUT_S = 60.0
FACE_TIMEOUT_S = 20.0
CARE_AGE = 60  # offered care mode from this age
MIN_AGE = 16  # younger customers open accounts at the counter, with a guardian

CARE_OFFER = "care_offer"
# Declines after which trying again at the kiosk cannot help.
_FINAL_DECLINES = {"id_reported_lost", "name_mismatch", "id_number_invalid"}


@dataclass(slots=True)
class IdentityState:
    id_card: IdCardData | None = None  # as read from the chip
    age: int = 0  # whole years, from the card's birth date
    verification: IdentityVerification | None = None  # the bank's identity check
    face_retried: bool = False  # a face photo failed and was taken again


def id_card_of(session: CustomerSession) -> IdCardData:
    """The ID card read in this visit."""
    return known(session.state(IdentityState).id_card)


def verification_of(session: CustomerSession) -> IdentityVerification:
    """The bank's identity check of this visit."""
    return known(session.state(IdentityState).verification)


def id_card_problem(card: IdCardData, today: date) -> tuple[str, bool] | None:
    """What is wrong with an ID card for opening an account here: (message key, final)."""
    if id_number_problem(card.id_number):
        return "identity.error.id_unreadable", False
    if card.valid_to is not None and card.valid_to < today:
        return "identity.error.id_expired", True
    if card.valid_from > today:
        return "identity.error.id_unreadable", False
    if age_on(card.birth_date, today) < MIN_AGE:
        return "identity.error.under_age", True
    return None


def id_card_step(*, stop: Target, next: Target) -> Step:
    """Reads the ID card; a card this kiosk cannot accept ends at `stop` or may be read again.
    A senior is offered care mode (CARE_OFFER) before going on to `next`."""

    def read(ctx: StepContext) -> None:
        card = read_id_card(ctx, READ_TIMEOUT_S)  # asked back however the visit ends
        problem = id_card_problem(card, date.today())
        if problem:
            key, final = problem
            log.info(
                "session %s: ID card %s refused: %s",
                ctx.session.id,
                mask_id_number(card.id_number),
                key,
            )
            raise StepFailed(key, goto=stop if final else None)
        state = ctx.session.state(IdentityState)
        state.id_card = card
        state.age = age_on(card.birth_date, date.today())
        log.info("session %s: ID card %s read", ctx.session.id, mask_id_number(card.id_number))

    def after(session: CustomerSession, _value: object) -> Target:
        if session.state(IdentityState).age >= CARE_AGE and not session.care_mode:
            return CARE_OFFER
        return next

    return Step(
        "insert_id",
        StepKind.DEVICE,
        "identity.insert_id.title",
        "identity.insert_id.prompt",
        action=read,
        next=Branch(after, (CARE_OFFER, next)),
        exits=(stop,),
        can_go_back=False,
        illustration="id_card.png",
        waits_for_customer=True,
    )


def care_offer_step(*, next: Next = None) -> Step:
    """ "Would you like large text and spoken help?" The kiosk follows the session's care mode."""

    def choose(ctx: StepContext) -> None:
        ctx.session.care_mode = ctx.value == "yes"
        log.info(
            "session %s: care mode %s after the offer",
            ctx.session.id,
            "accepted" if ctx.session.care_mode else "declined",
        )

    return Step(
        CARE_OFFER,
        StepKind.CHOOSE,
        "identity.care_offer.title",
        "identity.care_offer.prompt",
        choices=(
            Choice("yes", "identity.care_offer.yes", say="identity.say.care_yes", primary=True),
            Choice("no", "identity.care_offer.no", say="identity.say.care_no"),
        ),
        action=choose,
        next=next,
        can_go_back=False,
    )


def face_step(flow_id: str, *, stop: Target, next: Next = None) -> Step:
    """A photo framed on the face, then the bank checks it with the ID card (journaled).

    A photo that could not be taken or used may be taken again; that a retry was needed is
    remembered (staff authorise the account then). A person the registry refuses ends at `stop`.
    """

    def photograph_and_verify(ctx: StepContext) -> None:
        session = ctx.session
        state = session.state(IdentityState)
        card = known(state.id_card)
        try:
            photo = ctx.services.devices.camera.capture_photo(FACE_TIMEOUT_S, ctx.cancelled)
        except FaceNotFound:
            state.face_retried = True
            raise
        ctx.progress({WORKING: True})  # the photo is taken: now the bank compares it
        masked = {"id": mask_id_number(card.id_number), "name": mask_name(card.name)}

        def verify(key: str) -> IdentityVerification:
            return ctx.services.backend.verify_identity(
                card.id_number,
                card.name,
                base64.b64encode(photo).decode("ascii"),
                idempotency_key=key,
            )

        try:
            verification = journaled(
                ctx.services.journal, flow_id, "face", "verify_identity", masked, verify
            )
        except Declined as exc:
            if exc.reason_code in _FINAL_DECLINES:
                raise StepFailed(exc.message_key, goto=stop) from exc
            state.face_retried = True
            raise
        state.verification = verification
        if verification.customer_id:
            session.state(FeedbackState).customer_id = verification.customer_id
        log.info(
            "session %s: identity %s verified (%s)",
            session.id,
            masked["id"],
            verification.reference,
        )

    return Step(
        "face",
        StepKind.DEVICE,
        "identity.face.title",
        "identity.face.prompt",
        action=photograph_and_verify,
        next=next,
        exits=(stop,),
        can_go_back=False,
        illustration="face.png",
        waits_for_customer=True,
    )


def identity_summary(session: CustomerSession) -> list[tuple[str, str]]:
    """The review lines about the person, masked."""
    card = id_card_of(session)
    valid_to = (
        full_date(card.valid_to, session.language)
        if card.valid_to
        else words(session, "identity.summary.valid_for_life")
    )
    return [
        ("identity.summary.name", card.name),
        ("identity.summary.id_number", mask_id_number(card.id_number)),
        ("identity.summary.valid_to", valid_to),
    ]
