"""The end of a visit: a 1-5 satisfaction rating (skippable) and, at most, one offer.

An offer is shown only when the bank holds the customer's consent to be offered products
(it answers with none otherwise), the customer did not refuse it in this visit
(session "marketing_consent" False), and the kiosk is not in care mode: a senior being talked
through a service is not sold to. Offers are named by id; their words live in the catalogs.
"""

from __future__ import annotations

import logging

from kiosk.backend.errors import BackendError
from kiosk.flows.model import DONE, Choice, Step, StepContext, StepKind
from kiosk.flows.receipt import catalog_for, words
from kiosk.session import CustomerSession

log = logging.getLogger(__name__)

FIRST_STEP = "rating"
CUSTOMER_ID = "customer_id"  # session: set by a step that identified a bank customer
CONSENT = "marketing_consent"  # session: False when the customer refused offers this visit
OFFER = "offer"  # session: the Offer to show
SKIP = "skip"
RATING_CHOICES = (
    Choice("5", "feedback.rating.stars_5", say="feedback.say.stars_5"),
    Choice("4", "feedback.rating.stars_4", say="feedback.say.stars_4"),
    Choice("3", "feedback.rating.stars_3", say="feedback.say.stars_3"),
    Choice("2", "feedback.rating.stars_2", say="feedback.say.stars_2"),
    Choice("1", "feedback.rating.stars_1", say="feedback.say.stars_1"),
    Choice(SKIP, "feedback.rating.skip", say="feedback.say.skip"),
)
# The "done" of a flow's result screen, with its spoken synonyms.
DONE_CHOICE = Choice(DONE, "common.done", say="common.say.done", primary=True)


def result_step(
    domain: str,
    step_id: str,
    params=None,
    prompt: str | None = None,
    *,
    outcome: str = "",
    takeaway: tuple[str, str] | None = None,
) -> Step:
    """A flow's result screen (`<domain>.<step_id>.title/prompt`, or another `prompt` key)
    whose "done" leads on to the rating; `outcome` and `takeaway` as on Step."""
    return Step(
        step_id,
        StepKind.RESULT,
        f"{domain}.{step_id}.title",
        prompt or f"{domain}.{step_id}.prompt",
        params=params,
        choices=(DONE_CHOICE,),
        next=FIRST_STEP,
        outcome=outcome,
        takeaway=takeaway,
    )


def _offer_for(ctx: StepContext) -> str | None:
    """The step to go to after the rating: the offer, or the end."""
    session = ctx.session
    customer_id = session.get(CUSTOMER_ID)
    if session.care_mode or session.get(CONSENT) is False or not customer_id:
        return "end"
    try:
        offer = ctx.services.backend.find_offer(customer_id)
    except BackendError as exc:  # an offer is never worth an error screen
        log.info("session %s: no offer (%s)", session.id, type(exc).__name__)
        return "end"
    if offer is None or not catalog_for(session.language).has(f"feedback.offers.{offer.offer_id}"):
        return "end"
    session[OFFER] = offer
    return "offer"


def _rate(ctx: StepContext) -> str | None:
    if ctx.value != SKIP:
        # kept as a figure: it reaches the supervisor screen and the bank with the heartbeat
        ctx.services.figures.answered("rating", ctx.value)
        log.info("session %s: rated the visit %s of 5", ctx.session.id, ctx.value)
    return _offer_for(ctx)


def _offer_chosen(ctx: StepContext) -> None:
    offer = ctx.session[OFFER]
    ctx.services.figures.answered(f"offer.{offer.offer_id}", ctx.value)
    log.info("session %s: offer %s: %s", ctx.session.id, offer.offer_id, ctx.value)


def _offer_params(session: CustomerSession) -> dict[str, str]:
    offer = session.get(OFFER)
    return {"offer": words(session, f"feedback.offers.{offer.offer_id}")} if offer else {}


def feedback_steps() -> tuple[Step, ...]:
    """Append to a flow; go to FIRST_STEP from its result screen."""
    rating = Step(
        FIRST_STEP,
        StepKind.CHOOSE,
        "feedback.rating.title",
        "feedback.rating.prompt",
        choices=RATING_CHOICES,
        action=_rate,
        can_go_back=False,
    )
    offer = Step(
        "offer",
        StepKind.RESULT,
        "feedback.offer.title",
        "feedback.offer.prompt",
        params=_offer_params,
        choices=(
            Choice(
                "interested",
                "feedback.offer.interested",
                say="feedback.say.interested",
                primary=True,
            ),
            Choice("no_thanks", "feedback.offer.no_thanks", say="feedback.say.no_thanks"),
        ),
        action=_offer_chosen,
        next="end",
    )
    return rating, offer
