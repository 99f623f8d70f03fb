"""Staff authorisation inside a flow: when the rules ask, a member of staff keys in their staff
number and password and the bank records who vouched for what (journaled, password never kept).

The flow says when and why (its rules, as message keys); the bank checks its own rules again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.backend.models import StaffAuthorisation
from kiosk.flows.model import Next, Step, StepContext, StepKind
from kiosk.flows.receipt import words
from kiosk.journal import journaled
from kiosk.session import CustomerSession

log = logging.getLogger(__name__)


@dataclass(slots=True)
class StaffState:
    authorisation: StaffAuthorisation | None = None  # who vouched, as the bank recorded it


def staff_step(
    step_id: str,
    flow_id: str,
    operation: str,
    reasons: Callable[[CustomerSession], list[str]],
    *,
    next: Next = None,
) -> Step:
    """An AUTHORISE step; `reasons` gives the message keys of why staff are asked. A wrong
    password or a colleague who may not authorise is shown there and may be keyed again."""

    def authorise(ctx: StepContext) -> None:
        answer = ctx.value if isinstance(ctx.value, dict) else {}
        staff_id = str(answer.get("staff_id", ""))
        masked = {
            "staff_id": staff_id,
            "operation": operation,
            "reasons": [r.rsplit(".", 1)[-1] for r in reasons(ctx.session)],
        }

        def call(key: str) -> StaffAuthorisation:
            return ctx.services.backend.authorise_by_staff(
                staff_id, str(answer.get("password", "")), operation, idempotency_key=key
            )

        authorisation = journaled(
            ctx.services.journal, flow_id, step_id, "authorise_by_staff", masked, call
        )
        ctx.session.state(StaffState).authorisation = authorisation
        log.info("session %s: staff %s authorised %s", ctx.session.id, staff_id, operation)

    def params(session: CustomerSession) -> dict[str, str]:
        return {"reasons": "; ".join(words(session, r) for r in reasons(session))}

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
