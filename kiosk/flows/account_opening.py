"""开户: open a bank account without a clerk.

product and class -> agreement -> personal-information consent (refusing ends politely) ->
ID card (checked; 60+ offered care mode) -> face photo + the bank's identity check -> mobile
number and SMS code (a "new code" button counting down its cool-down on the engine's clock,
the codes left on it) -> review (masked, with the ID card's photo) -> new PIN twice
on the PIN pad (the bank refuses weak ones) -> staff authorisation when the rules ask ->
account opened (journaled) -> receipt -> offer to go straight on to a debit card.
"""

from __future__ import annotations

import logging
import math
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hardware.ports import Receipt
from kiosk.backend.client import new_idempotency_key
from kiosk.backend.errors import Declined, InvalidResponse, OutcomeUnknown
from kiosk.backend.models import AccountOpened, OtpSent
from kiosk.flows.card_issue import CardIssueState
from kiosk.flows.card_issue import available as card_issue_available
from kiosk.flows.feedback import DONE_CHOICE, FeedbackState, feedback_steps, result_step
from kiosk.flows.feedback import FIRST_STEP as FEEDBACK
from kiosk.flows.identity import (
    IdentityState,
    care_offer_step,
    face_step,
    id_card_of,
    id_card_step,
    identity_summary,
    verification_of,
)
from kiosk.flows.model import (
    DONE,
    END,
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
    to_flow,
)
from kiosk.flows.pin_setup import PinSetupState, set_pin_step
from kiosk.flows.receipt import build_receipt, print_step, receipt_note, words
from kiosk.flows.staff import StaffState, staff_steps
from kiosk.flows.take_back import ID_CARD_BACK, TAKE_BACK, id_card_cleanup, take_back_steps
from kiosk.flows.validators import mobile_problem
from kiosk.journal import journaled
from kiosk.masking import mask_id_number, mask_name, mask_pan, mask_phone
from kiosk.session import CustomerSession

if TYPE_CHECKING:
    from kiosk.services import Services

log = logging.getLogger(__name__)

FLOW_ID = "account_opening"
CARD_ISSUE = "card_issue"
CLASSES = {"standard_debit": ("II", "I"), "senior_debit": ("II", "I"), "e_account": ("II",)}
CARD_PRODUCTS = {"standard_debit", "senior_debit"}  # products that come with a debit card

RESEND_COOLDOWN_S = 60.0  # between two SMS codes
MAX_CODES = 3  # SMS codes one visit may ask for
RESEND = "resend"  # the OTP step's "send a new code"
STAFF_AGE = 70  # customers this old open accounts with staff beside them
STOPPED, REFUSED = "stopped", "refused"
STAGES = (
    "stages.choose",
    "stages.agree",
    "stages.identify",
    "stages.details",
    "stages.confirm",
    "stages.done",
)


@dataclass(slots=True)
class AccountOpeningState:
    product: str = ""  # the product chosen
    account_class: str = ""  # "I" or "II"
    phone: str = ""  # the mobile number keyed in
    otp: OtpSent | None = None  # the last SMS code sent
    otp_sent_at: float | None = None  # when it was sent, on the engine's clock (ctx.now)
    otp_codes: int = 0  # SMS codes sent in this visit
    pin_number: str = ""  # the number the new PIN's blocks are made with
    account: AccountOpened | None = None
    card_offer: bool = False  # a debit card can be issued right after


def _state(session: CustomerSession) -> AccountOpeningState:
    return session.state(AccountOpeningState)


# --- product and class -------------------------------------------------------------------


def _class_choices(session: CustomerSession) -> list[Choice]:
    return [
        Choice(
            c,
            f"account_opening.class.{c.lower()}",
            hint=f"account_opening.class.{c.lower()}_hint",
            say=f"account_opening.say.{c.lower()}_class",
            primary=c == "II",
        )
        for c in CLASSES.get(_state(session).product, ())
    ]


def _agreed(on_yes: str) -> dict[str, str]:
    return {"agree": on_yes, "refuse": REFUSED}


_AGREE = (
    Choice(
        "agree",
        "account_opening.agree",
        say="account_opening.say.agree",
        primary=True,
        after_reading=True,  # once the text has been read to its end
    ),
    Choice("refuse", "account_opening.refuse", say="account_opening.say.refuse"),
)


# --- the SMS code --------------------------------------------------------------------------


def _send_code(ctx: StepContext) -> None:
    session, state = ctx.session, _state(ctx.session)
    if state.otp_sent_at is not None:
        wait = RESEND_COOLDOWN_S - (ctx.now() - state.otp_sent_at)
        if wait > 0:
            raise StepFailed("account_opening.otp.wait", seconds=math.ceil(wait))
    if state.otp_codes >= MAX_CODES:
        raise StepFailed("account_opening.otp.too_many", goto=STOPPED)
    # sending a code changes no money or identity: not journaled; a new key per code
    otp: OtpSent = ctx.services.backend.send_otp(
        state.phone, FLOW_ID, idempotency_key=new_idempotency_key()
    )
    state.otp, state.otp_sent_at = otp, ctx.now()
    state.otp_codes += 1
    log.info("session %s: SMS code %d sent to %s", session.id, state.otp_codes, otp.phone_masked)


def _check_code(ctx: StepContext) -> str | None:
    """Checks the code keyed in, or (RESEND) sends a new one and shows this step again. A
    wrong code is shown with the tries left; after the last try a new code is the way on."""
    if ctx.value == RESEND:
        _send_code(ctx)
        return "otp"
    ctx.services.backend.verify_otp(
        known(_state(ctx.session).otp).otp_id, ctx.value, idempotency_key=new_idempotency_key()
    )
    return None


def codes_left(session: CustomerSession) -> int:
    """New SMS codes this visit may still ask for: the kiosk's own limit, or fewer when the
    bank says this phone has fewer left today."""
    state = _state(session)
    bank = state.otp.sends_left if state.otp else MAX_CODES
    return max(0, min(MAX_CODES - state.otp_codes, bank))


def _otp_params(session: CustomerSession) -> dict[str, object]:
    otp = _state(session).otp
    return {
        "phone": otp.phone_masked if otp else "",
        "seconds": int(RESEND_COOLDOWN_S),
        "codes_left": codes_left(session),
    }


def _otp_choices(session: CustomerSession) -> list[Choice]:
    """ "Send a new code", counting down the cool-down; gone once no code is left."""
    state = _state(session)
    if not codes_left(session) or state.otp_sent_at is None:
        return []
    return [
        Choice(
            RESEND,
            "account_opening.otp.resend",
            say="account_opening.say.new_code",
            aside=True,
            ready_at=state.otp_sent_at + RESEND_COOLDOWN_S,
        )
    ]


# --- review, PIN, staff ------------------------------------------------------------------


def _summary(session: CustomerSession) -> list[tuple[str, str]]:
    state = _state(session)
    return identity_summary(session) + [
        ("account_opening.summary.phone", mask_phone(state.phone)),
        ("account_opening.summary.product", words(session, f"backend.product.{state.product}")),
        (
            "account_opening.summary.class",
            words(session, f"account_opening.class.{state.account_class.lower()}"),
        ),
    ]


def _pin_number(session: CustomerSession) -> str:
    """The account has no number yet: the PIN blocks are made with one chosen for this entry."""
    state = _state(session)
    if not state.pin_number:
        state.pin_number = "9" + "".join(secrets.choice("0123456789") for _ in range(15))
    return state.pin_number


def staff_reasons(session: CustomerSession) -> list[str]:
    """Message keys of why staff must authorise: a class I account, a customer of STAFF_AGE or
    more, or a face photo that had to be taken again (the bank checks the age once more).
    Empty when the customer may go on alone."""
    identity = session.state(IdentityState)
    reasons = []
    if _state(session).account_class == "I":
        reasons.append("identity.staff.reason_class_i")
    if identity.age >= STAFF_AGE:
        reasons.append("identity.staff.reason_age")
    if identity.face_retried:
        reasons.append("identity.staff.reason_face")
    return reasons


def _after_pin(session: CustomerSession, _value: object) -> str:
    return "staff" if staff_reasons(session) else "open"


# --- opening the account -----------------------------------------------------------------


def _open(ctx: StepContext) -> None:
    session, services, state = ctx.session, ctx.services, _state(ctx.session)
    card = id_card_of(session)
    authorisation = session.state(StaffState).authorisation
    masked = {
        "id": mask_id_number(card.id_number),
        "phone": mask_phone(state.phone),
        "product": state.product,
        "class": state.account_class,
        "staff_id": authorisation.staff_id if authorisation else None,
    }
    pin_check = known(session.state(PinSetupState).check)

    def call(key: str) -> AccountOpened:
        return services.backend.open_account(
            verification_id=verification_of(session).verification_id,
            otp_id=known(state.otp).otp_id,
            id_number=card.id_number,
            name=card.name,
            phone=state.phone,
            address=card.address,
            account_class=state.account_class,
            product=state.product,
            idempotency_key=key,
            staff_authorisation_id=authorisation.authorisation_id if authorisation else None,
            pin_check_id=pin_check.pin_check_id,
        )

    try:
        opened = journaled(services.journal, FLOW_ID, "open", "open_account", masked, call)
    except (Declined, OutcomeUnknown, InvalidResponse) as exc:
        # refused, or not known whether it was done (the journal keeps that open for
        # reconciliation): either way not something to try again here. A bank that could
        # not be reached carried nothing out, so that error is shown with "try again".
        raise StepFailed(exc.message_key, goto=STOPPED) from exc
    state.account = opened
    session.state(CardIssueState).opened_in_visit = opened.account_number  # its PIN is set
    session.state(FeedbackState).customer_id = opened.customer_id
    state.card_offer = state.product in CARD_PRODUCTS and _card_issue_available(services)
    log.info(
        "session %s: account %s opened (%s)",
        session.id,
        mask_pan(opened.account_number),
        opened.reference,
    )


def _card_issue_available(services: Services) -> bool:
    try:
        return card_issue_available(services)
    except Exception:  # a device that cannot say is a device we do not offer
        log.exception("could not tell whether a card can be issued")
        return False


def _receipt(session: CustomerSession) -> Receipt:
    state = _state(session)
    opened = known(state.account)
    card = id_card_of(session)
    authorisation = session.state(StaffState).authorisation
    lines = [
        ("identity.summary.name", mask_name(card.name)),
        ("identity.summary.id_number", mask_id_number(card.id_number)),
        ("account_opening.summary.account", mask_pan(opened.account_number)),
        ("account_opening.summary.product", words(session, f"backend.product.{opened.product}")),
        (
            "account_opening.summary.class",
            words(session, f"account_opening.class.{opened.account_class.lower()}"),
        ),
        ("account_opening.summary.phone", mask_phone(state.phone)),
        ("receipt.reference", opened.reference),
        ("receipt.time", opened.opened_at),
    ]
    if authorisation:
        lines.append(("account_opening.summary.staff", authorisation.staff_id))
    return build_receipt(
        session,
        "account_opening.receipt.title",
        qr=opened.reference,
        lines=lines,
        notes=[("receipt.keep", {})],
    )


# --- the end -------------------------------------------------------------------------------


def _opened_params(session: CustomerSession) -> dict[str, str]:
    opened = known(_state(session).account)
    return {
        "account": mask_pan(opened.account_number),
        "reference": opened.reference,
        "receipt": receipt_note(session, opened.reference),
    }


def _opened_choices(session: CustomerSession) -> list[Choice]:
    if not _state(session).card_offer:
        return [DONE_CHOICE]
    done = Choice(DONE, "common.done", say="common.say.done")
    return [
        Choice(
            CARD_ISSUE,
            "account_opening.opened.card_issue",
            say="account_opening.say.card_issue",
            primary=True,
        ),
        done,
    ]


def _stopped_params(session: CustomerSession) -> dict[str, str]:
    failure = session.failure
    return {
        "reason": words(
            session, failure.message_key if failure else "account_opening.stopped.default"
        )
    }


ACCOUNT_OPENING = Flow(
    id=FLOW_ID,
    title="account_opening.title",
    hint="account_opening.hint",
    icon="account_opening.svg",
    cleanup=id_card_cleanup(FLOW_ID),
    hand_back=(ID_CARD_BACK,),
    available=lambda services: (
        services.devices.id_card_reader.status().usable
        and services.devices.camera.status().usable
        and services.devices.pin_pad.status().usable
    ),
    stages=STAGES,
    state=AccountOpeningState,
    home=Home(
        position=10,
        tile="ui.services.account_opening",
        tile_hint="ui.services.account_opening_hint",
        say="guide.say.open_account",
        guide="guide.need.open_account",
    ),
    steps=(
        *in_stage(
            "stages.choose",
            Step(
                "product",
                StepKind.CHOOSE,
                "account_opening.product.title",
                "account_opening.product.prompt",
                choices=tuple(
                    Choice(
                        p,
                        f"backend.product.{p}",
                        hint=f"account_opening.product.{p}",
                        say=f"account_opening.say.{p}",
                    )
                    for p in CLASSES
                ),
                keep="product",
            ),
            Step(
                "account_class",
                StepKind.CHOOSE,
                "account_opening.class.title",
                "account_opening.class.prompt",
                choices=_class_choices,
                keep="account_class",
            ),
        ),
        *in_stage(
            "stages.agree",
            Step(
                "agreement",
                StepKind.REVIEW,
                "account_opening.agreement.title",
                "account_opening.agreement.read_prompt",
                body="account_opening.agreement.full",
                choices=_AGREE,
                next=_agreed("consent"),
            ),
            Step(
                "consent",
                StepKind.REVIEW,
                "account_opening.consent.title",
                "account_opening.consent.prompt",
                body="account_opening.consent.body",
                choices=_AGREE,
                next=_agreed("insert_id"),
            ),
        ),
        *in_stage(
            "stages.identify",
            id_card_step(stop=STOPPED, next="face"),
            care_offer_step(next="face"),
            face_step(FLOW_ID, stop=STOPPED, next="phone"),
        ),
        *in_stage(
            "stages.details",
            Step(
                "phone",
                StepKind.FIELD,
                "account_opening.phone.title",
                "account_opening.phone.prompt",
                field=Field(
                    "account_opening.phone.label",
                    min_length=11,
                    max_length=11,
                    validate=mobile_problem,
                    display=mask_phone,
                ),
                keep="phone",
                action=_send_code,
                exits=(STOPPED,),
            ),
            Step(
                "otp",
                StepKind.FIELD,
                "account_opening.otp.title",
                "account_opening.otp.prompt",
                params=_otp_params,
                choices=_otp_choices,
                field=Field("account_opening.otp.label", min_length=6, max_length=6),
                action=_check_code,
                exits=("otp", STOPPED),
                # waiting for an SMS is not being idle: twice the cool-down before "more time?"
                timeout_s=2 * RESEND_COOLDOWN_S,
            ),
        ),
        *in_stage(
            "stages.confirm",
            Step(
                "review",
                StepKind.REVIEW,
                "account_opening.review.title",
                "account_opening.review.prompt",
                summary=_summary,
                photo=lambda session: id_card_of(session).photo,
            ),
            set_pin_step(FLOW_ID, pan=_pin_number, next=Branch(_after_pin, ("staff", "open"))),
            *staff_steps("staff", FLOW_ID, FLOW_ID, staff_reasons, next="open", summary=_summary),
            Step(
                "open",
                StepKind.DEVICE,
                "account_opening.open.title",
                "account_opening.open.prompt",
                action=_open,
                exits=(STOPPED,),
                can_go_back=False,
            ),
        ),
        *in_stage(
            "stages.done",
            print_step("print_receipt", _receipt, next=TAKE_BACK),
            *take_back_steps(FLOW_ID, next="opened"),
            Step(
                "opened",
                StepKind.RESULT,
                "account_opening.opened.title",
                "account_opening.opened.prompt",
                params=_opened_params,
                choices=_opened_choices,
                outcome="success",
                takeaway=("account_opening.summary.account", "account"),
                next={CARD_ISSUE: to_flow(CARD_ISSUE), DONE: FEEDBACK},
            ),
            Step(
                REFUSED,
                StepKind.RESULT,
                "account_opening.refused.title",
                "account_opening.refused.prompt",
                choices=(DONE_CHOICE,),
                outcome="refused",
                next=END,
            ),
            result_step(FLOW_ID, STOPPED, _stopped_params, done=False, outcome="refused"),
        ),
        *feedback_steps(),
    ),
)

__all__ = ["ACCOUNT_OPENING", "AccountOpeningState"]
