"""The end of a visit: a 1-5 satisfaction rating (skippable) and, at most, one offer.

An offer is shown only when the bank holds the customer's consent to be offered products
(it answers with none otherwise), the customer did not refuse it in this visit
(`FeedbackState.consent` False), and the kiosk is not in care mode: a senior being talked
through a service is not sold to. Offers are named by id; their words live in the catalogs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.backend.errors import BackendError
from kiosk.backend.models import Offer
from kiosk.flows.model import DONE, END, Choice, Step, StepContext, StepKind, Target, known
from kiosk.flows.receipt import catalog_for, words
from kiosk.session import CustomerSession

log = logging.getLogger(__name__)

FIRST_STEP = "rating"
OFFER_STEP = "offer"
SKIP = "skip"
RATING_CHOICES = (
    Choice("5", "feedback.rating.stars_5", say="feedback.say.stars_5"),
    Choice("4", "feedback.rating.stars_4", say="feedback.say.stars_4"),
    Choice("3", "feedback.rating.stars_3", say="feedback.say.stars_3"),
    Choice("2", "feedback.rating.stars_2", say="feedback.say.stars_2"),
    Choice("1", "feedback.rating.stars_1", say="feedback.say.stars_1"),
    Choice(SKIP, "feedback.rating.skip", say="feedback.say.skip", aside=True),
)
# The "done" of a flow's result screen, with its spoken synonyms.
DONE_CHOICE = Choice(DONE, "common.done", say="common.say.done", primary=True)


@dataclass(slots=True)
class FeedbackState:
    customer_id: str | None = None  # set by a step that identified a bank customer
    consent: bool | None = None  # False when the customer refused offers in this visit
    offer: Offer | None = None  # the offer shown


def result_step(
    domain: str,
    step_id: str,
    params: Callable[[CustomerSession], Mapping[str, Any]] | None = None,
    prompt: str | None = None,
    *,
    done: bool = True,
    outcome: str = "",
    takeaway: tuple[str, str] | None = None,
) -> Step:
    """A flow's result screen (`<domain>.<step_id>.title/prompt`, or another `prompt` key)
    whose "done" leads on to the rating; `done=False` for a refused or failed visit, which
    ends there (nobody is asked to rate, or offered a product, after a refusal); `outcome`
    and `takeaway` as on Step."""
    return Step(
        step_id,
        StepKind.RESULT,
        f"{domain}.{step_id}.title",
        prompt or f"{domain}.{step_id}.prompt",
        params=params,
        choices=(DONE_CHOICE,),
        next=FIRST_STEP if done else END,
        outcome=outcome,
        takeaway=takeaway,
    )


def _offer_for(ctx: StepContext) -> Target:
    """The step to go to after the rating: the offer, or the end."""
    session = ctx.session
    state = session.state(FeedbackState)
    if session.care_mode or state.consent is False or not state.customer_id:
        return END
    try:
        offer: Offer | None = ctx.services.backend.find_offer(state.customer_id)
    except BackendError as exc:  # an offer is never worth an error screen
        log.info("session %s: no offer (%s)", session.id, type(exc).__name__)
        return END
    if offer is None or not catalog_for(session.language).has(f"feedback.offers.{offer.offer_id}"):
        return END
    state.offer = offer
    return OFFER_STEP


def _rate(ctx: StepContext) -> Target:
    if ctx.value != SKIP:
        # kept as a figure: it reaches the supervisor screen and the bank with the heartbeat
        ctx.services.figures.answered("rating", ctx.value)
        log.info("session %s: rated the visit %s of 5", ctx.session.id, ctx.value)
    return _offer_for(ctx)


def _offer_chosen(ctx: StepContext) -> None:
    offer = known(ctx.session.state(FeedbackState).offer)
    ctx.services.figures.answered(f"offer.{offer.offer_id}", ctx.value)
    log.info("session %s: offer %s: %s", ctx.session.id, offer.offer_id, ctx.value)


def _offer_params(session: CustomerSession) -> dict[str, str]:
    offer = session.state(FeedbackState).offer
    return {"offer": words(session, f"feedback.offers.{offer.offer_id}")} if offer else {}


def feedback_steps() -> tuple[Step, ...]:
    """Append to a flow; go to FIRST_STEP from its result screen."""
    # after a finished visit: a RESULT, so there is no "cancel", only the ratings and "skip"
    rating = Step(
        FIRST_STEP,
        StepKind.RESULT,
        "feedback.rating.title",
        "feedback.rating.prompt",
        choices=RATING_CHOICES,
        action=_rate,
        next=END,
        exits=(OFFER_STEP,),
        can_go_back=False,
    )
    offer = Step(
        OFFER_STEP,
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
        next=END,
    )
    return rating, offer
