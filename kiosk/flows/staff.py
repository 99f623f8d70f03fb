"""Staff authorisation inside a flow: when the rules ask, a member of staff keys in their staff
number and password and the bank records who vouched for what (journaled, password never kept).

The kiosk's rules for opening an account: a class I account, a customer of 70 or more, or a
face photo that had to be taken again. The bank checks the age rule once more on its side.
"""

from __future__ import annotations

import logging

from kiosk.backend.models import StaffAuthorisation
from kiosk.flows.identity import AGE, FACE_RETRIED
from kiosk.flows.model import Next, Step, StepContext, StepKind
from kiosk.flows.receipt import words
from kiosk.journal import journaled
from kiosk.session import CustomerSession

log = logging.getLogger(__name__)

STAFF_AGE = 70
ACCOUNT_CLASS = "account_class"  # session: "I" or "II" (the CHOOSE step of account opening)
AUTHORISATION = "staff_authorisation"  # session: StaffAuthorisation


def staff_reasons(session: CustomerSession) -> list[str]:
    """Message keys of why staff must authorise; empty when the customer may go on alone."""
    reasons = []
    if session.get(ACCOUNT_CLASS) == "I":
        reasons.append("identity.staff.reason_class_i")
    if session.get(AGE, 0) >= STAFF_AGE:
        reasons.append("identity.staff.reason_age")
    if session.get(FACE_RETRIED):
        reasons.append("identity.staff.reason_face")
    return reasons


def staff_step(step_id: str, flow_id: str, operation: str, *, next: Next = None) -> Step:
    """An AUTHORISE step; a wrong password or a colleague who may not authorise is shown there
    and may be keyed again."""

    def authorise(ctx: StepContext) -> None:
        answer = ctx.value if isinstance(ctx.value, dict) else {}
        staff_id = str(answer.get("staff_id", ""))
        masked = {
            "staff_id": staff_id,
            "operation": operation,
            "reasons": [r.rsplit(".", 1)[-1] for r in staff_reasons(ctx.session)],
        }

        def call(key: str) -> StaffAuthorisation:
            return ctx.services.backend.authorise_by_staff(
                staff_id, str(answer.get("password", "")), operation, idempotency_key=key
            )

        authorisation = journaled(
            ctx.services.journal, flow_id, step_id, "authorise_by_staff", masked, call
        )
        ctx.session[AUTHORISATION] = authorisation
        log.info("session %s: staff %s authorised %s", ctx.session.id, staff_id, operation)

    def params(session: CustomerSession) -> dict[str, str]:
        return {"reasons": "; ".join(words(session, r) for r in staff_reasons(session))}

    return Step(
        step_id,
        StepKind.AUTHORISE,
        "identity.staff.title",
        "identity.staff.prompt",
        params=params,
        action=authorise,
        next=next,
        can_go_back=False,
    )
