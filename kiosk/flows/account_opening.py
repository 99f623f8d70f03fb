"""开户: open a bank account without a clerk.

product and class -> agreement -> personal-information consent (refusing ends politely) ->
ID card (checked; 60+ offered care mode) -> face photo + the bank's identity check -> mobile
number and SMS code (resend after a cool-down, a few tries) -> review (masked) -> new PIN twice
on the PIN pad (the bank refuses weak ones) -> staff authorisation when the rules ask ->
account opened (journaled) -> receipt -> offer to go straight on to a debit card.
"""

from __future__ import annotations

import logging
import math
import secrets
import time

from kiosk.backend.client import new_idempotency_key
from kiosk.backend.errors import Declined, InvalidResponse, OutcomeUnknown
from kiosk.backend.models import AccountOpened, OtpSent
from kiosk.flows.card_issue import OPENED_ACCOUNT
from kiosk.flows.card_issue import available as card_issue_available
from kiosk.flows.feedback import CUSTOMER_ID, DONE_CHOICE, feedback_steps, result_step
from kiosk.flows.feedback import FIRST_STEP as FEEDBACK
from kiosk.flows.identity import (
    ID_CARD,
    VERIFICATION,
    care_offer_step,
    face_step,
    id_card_step,
    identity_summary,
)
from kiosk.flows.model import DONE, Choice, Field, Flow, Step, StepContext, StepFailed, StepKind
from kiosk.flows.pin_setup import PIN_CHECK, set_pin_step
from kiosk.flows.receipt import build_receipt, print_step, receipt_note, words
from kiosk.flows.staff import ACCOUNT_CLASS, AUTHORISATION, staff_reasons, staff_steps
from kiosk.flows.take_back import TAKE_BACK, id_card_cleanup, take_back_steps
from kiosk.flows.validators import mobile_problem
from kiosk.journal import journaled
from kiosk.masking import mask_id_number, mask_name, mask_pan, mask_phone
from kiosk.session import CustomerSession

log = logging.getLogger(__name__)

FLOW_ID = "account_opening"
CARD_ISSUE = "card_issue"
PRODUCT = "product"  # session: the CHOOSE step's answer
CLASSES = {"standard_debit": ("II", "I"), "senior_debit": ("II", "I"), "e_account": ("II",)}
CARD_PRODUCTS = {"standard_debit", "senior_debit"}  # products that come with a debit card

RESEND_COOLDOWN_S = 60.0  # between two SMS codes
MAX_CODES = 3  # SMS codes one visit may ask for
PHONE = "phone"  # session: the FIELD's value
OTP = "otp"  # session: OtpSent
OTP_SENT_AT = "otp_sent_at"  # session: time.monotonic() of the last code sent
OTP_CODES = "otp_codes"  # session: how many codes were sent
PIN_NUMBER = "pin_entry_number"  # session: the number the new PIN's blocks are made with
ACCOUNT = OPENED_ACCOUNT  # session: AccountOpened (card issue sets no second PIN for it)
CARD_OFFER = "card_offer"  # session: True when a card can be issued right after

clock = time.monotonic  # the cool-down's clock


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
        for c in CLASSES[session[PRODUCT]]
    ]


def _agreed(on_yes: str):
    return lambda _session, value: on_yes if value == "agree" else "refused"


_AGREE = (
    Choice("agree", "account_opening.agree", say="account_opening.say.agree", primary=True),
    Choice("refuse", "account_opening.refuse", say="account_opening.say.refuse"),
)


# --- the SMS code --------------------------------------------------------------------------


def _send_code(ctx: StepContext) -> None:
    session = ctx.session
    sent_at = session.get(OTP_SENT_AT)
    if sent_at is not None:
        wait = RESEND_COOLDOWN_S - (clock() - sent_at)
        if wait > 0:
            raise StepFailed("account_opening.otp.wait", seconds=math.ceil(wait))
    if session.get(OTP_CODES, 0) >= MAX_CODES:
        raise StepFailed("account_opening.otp.too_many", goto="stopped")
    # sending a code changes no money or identity: not journaled; a new key per code
    otp: OtpSent = ctx.services.backend.send_otp(
        session[PHONE], FLOW_ID, idempotency_key=new_idempotency_key()
    )
    session[OTP] = otp
    session[OTP_SENT_AT] = clock()
    session[OTP_CODES] = session.get(OTP_CODES, 0) + 1
    log.info("session %s: SMS code %d sent to %s", session.id, session[OTP_CODES], otp.phone_masked)


def _check_code(ctx: StepContext) -> None:
    # a wrong code is shown with the tries left; after the last try the customer goes back
    # for a new code (the message says so)
    ctx.services.backend.verify_otp(
        ctx.session[OTP].otp_id, ctx.value, idempotency_key=new_idempotency_key()
    )


def _otp_params(session: CustomerSession) -> dict[str, object]:
    return {"phone": session[OTP].phone_masked, "seconds": int(RESEND_COOLDOWN_S)}


# --- review, PIN, staff ------------------------------------------------------------------


def _summary(session: CustomerSession) -> list[tuple[str, str]]:
    return identity_summary(session) + [
        ("account_opening.summary.phone", mask_phone(session[PHONE])),
        ("account_opening.summary.product", words(session, f"backend.product.{session[PRODUCT]}")),
        (
            "account_opening.summary.class",
            words(session, f"account_opening.class.{session[ACCOUNT_CLASS].lower()}"),
        ),
    ]


def _pin_number(session: CustomerSession) -> str:
    """The account has no number yet: the PIN blocks are made with one chosen for this entry."""
    if PIN_NUMBER not in session:
        session[PIN_NUMBER] = "9" + "".join(secrets.choice("0123456789") for _ in range(15))
    return session[PIN_NUMBER]


def _after_pin(session: CustomerSession, _value) -> str:
    return "staff" if staff_reasons(session) else "open"


# --- opening the account -----------------------------------------------------------------


def _open(ctx: StepContext) -> None:
    session, services = ctx.session, ctx.services
    card = session[ID_CARD]
    authorisation = session.get(AUTHORISATION)
    masked = {
        "id": mask_id_number(card.id_number),
        "phone": mask_phone(session[PHONE]),
        "product": session[PRODUCT],
        "class": session[ACCOUNT_CLASS],
        "staff_id": authorisation.staff_id if authorisation else None,
    }

    def call(key: str) -> AccountOpened:
        return services.backend.open_account(
            verification_id=session[VERIFICATION].verification_id,
            otp_id=session[OTP].otp_id,
            id_number=card.id_number,
            name=card.name,
            phone=session[PHONE],
            address=card.address,
            account_class=session[ACCOUNT_CLASS],
            product=session[PRODUCT],
            idempotency_key=key,
            staff_authorisation_id=authorisation.authorisation_id if authorisation else None,
            pin_check_id=session[PIN_CHECK].pin_check_id,
        )

    try:
        opened = journaled(services.journal, FLOW_ID, "open", "open_account", masked, call)
    except (Declined, OutcomeUnknown, InvalidResponse) as exc:
        # refused, or not known whether it was done (the journal keeps that open for
        # reconciliation): either way not something to try again here. A bank that could
        # not be reached carried nothing out, so that error is shown with "try again".
        raise StepFailed(exc.message_key, goto="stopped") from exc
    session[ACCOUNT] = opened
    session[CUSTOMER_ID] = opened.customer_id
    session[CARD_OFFER] = session[PRODUCT] in CARD_PRODUCTS and _card_issue_available(services)
    log.info(
        "session %s: account %s opened (%s)",
        session.id,
        mask_pan(opened.account_number),
        opened.reference,
    )


def _card_issue_available(services) -> bool:
    try:
        return card_issue_available(services)
    except Exception:  # a device that cannot say is a device we do not offer
        log.exception("could not tell whether a card can be issued")
        return False


def _receipt(session: CustomerSession):
    opened: AccountOpened = session[ACCOUNT]
    card = session[ID_CARD]
    authorisation = session.get(AUTHORISATION)
    lines = [
        ("identity.summary.name", mask_name(card.name)),
        ("identity.summary.id_number", mask_id_number(card.id_number)),
        ("account_opening.summary.account", mask_pan(opened.account_number)),
        ("account_opening.summary.product", words(session, f"backend.product.{opened.product}")),
        (
            "account_opening.summary.class",
            words(session, f"account_opening.class.{opened.account_class.lower()}"),
        ),
        ("account_opening.summary.phone", mask_phone(session[PHONE])),
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
    opened: AccountOpened = session[ACCOUNT]
    return {
        "account": mask_pan(opened.account_number),
        "reference": opened.reference,
        "receipt": receipt_note(session, opened.reference),
    }


def _opened_choices(session: CustomerSession) -> list[Choice]:
    if not session.get(CARD_OFFER):
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
    return {"reason": words(session, session.get("failure") or "account_opening.stopped.default")}


ACCOUNT_OPENING = Flow(
    id=FLOW_ID,
    title="account_opening.title",
    hint="account_opening.hint",
    icon="account_opening.svg",
    cleanup=id_card_cleanup(FLOW_ID),
    available=lambda services: (
        services.devices.id_card_reader.status().usable
        and services.devices.camera.status().usable
        and services.devices.pin_pad.status().usable
    ),
    steps=(
        Step(
            PRODUCT,
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
        ),
        Step(
            ACCOUNT_CLASS,
            StepKind.CHOOSE,
            "account_opening.class.title",
            "account_opening.class.prompt",
            choices=_class_choices,
        ),
        Step(
            "agreement",
            StepKind.REVIEW,
            "account_opening.agreement.title",
            "account_opening.agreement.prompt",
            body="account_opening.agreement.body",
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
        id_card_step(stop="stopped", next="face"),
        care_offer_step(next="face"),
        face_step(FLOW_ID, stop="stopped", next=PHONE),
        Step(
            PHONE,
            StepKind.FIELD,
            "account_opening.phone.title",
            "account_opening.phone.prompt",
            field=Field(
                PHONE,
                "account_opening.phone.label",
                min_length=11,
                max_length=11,
                validate=mobile_problem,
                display=mask_phone,
            ),
            action=_send_code,
        ),
        Step(
            "otp",
            StepKind.FIELD,
            "account_opening.otp.title",
            "account_opening.otp.prompt",
            params=_otp_params,
            field=Field("otp_code", "account_opening.otp.label", min_length=6, max_length=6),
            action=_check_code,
        ),
        Step(
            "review",
            StepKind.REVIEW,
            "account_opening.review.title",
            "account_opening.review.prompt",
            summary=_summary,
        ),
        set_pin_step(FLOW_ID, pan=_pin_number, next=_after_pin),
        *staff_steps("staff", FLOW_ID, FLOW_ID, next="open", summary=_summary),
        Step(
            "open",
            StepKind.DEVICE,
            "account_opening.open.title",
            "account_opening.open.prompt",
            action=_open,
            can_go_back=False,
        ),
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
            next=lambda _s, value: f"flow:{CARD_ISSUE}" if value == CARD_ISSUE else FEEDBACK,
        ),
        Step(
            "refused",
            StepKind.RESULT,
            "account_opening.refused.title",
            "account_opening.refused.prompt",
            choices=(DONE_CHOICE,),
            outcome="refused",
            next="end",
        ),
        result_step(FLOW_ID, "stopped", _stopped_params, outcome="refused"),
        *feedback_steps(),
    ),
)
