"""Staff authorisation inside a flow, out of the customer's sight: a member of staff puts their
staff card (柜员卡) in the card reader and keys its PIN on the encrypting PIN pad (an ISO 9564
block whose account field is the staff number; the app never sees a digit), the bank checks
it and records who vouched for what, and the journal keeps it. The customer's screen only says
that staff are reviewing, with what they see of their application (masked).

Where the bank allows it (`[supervisor] staff_authorisation = "password"`), staff key their
number and password on the screen instead.

The flow says when and why (its rules, as message keys); the bank checks its own rules again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from hardware.ports import KeyKind, KeyPress
from kiosk.backend.models import StaffAuthorisation
from kiosk.flows.model import Branch, Step, StepContext, StepKind, Target
from kiosk.flows.receipt import words
from kiosk.journal import journaled
from kiosk.session import CustomerSession

log = logging.getLogger(__name__)

STAFF_CARD_TIMEOUT_S = 120.0  # staff are called over; they may take a while to come
STAFF_PIN_LENGTH = 6
DOT = "●"


@dataclass(slots=True)
class StaffState:
    authorisation: StaffAuthorisation | None = None  # who vouched, as the bank recorded it


def staff_steps(
    step_id: str,
    flow_id: str,
    operation: str,
    reasons: Callable[[CustomerSession], list[str]],
    *,
    next: Target,
    summary: Callable[[CustomerSession], list[tuple[str, str]]] | None = None,
) -> tuple[Step, Step]:
    """The staff card step (`step_id`) and the password fallback (`<step_id>_password`);
    `reasons` gives the message keys of why staff are asked. A wrong PIN or password, or a
    colleague who may not authorise, is shown and may be tried again."""
    password_step = f"{step_id}_password"

    def _params(session: CustomerSession) -> dict[str, str]:
        return {"reasons": "; ".join(words(session, r) for r in reasons(session)), "dots": ""}

    def journal(
        ctx: StepContext, staff_id: str, by: str, call: Callable[[str], StaffAuthorisation]
    ) -> None:
        masked = {
            "staff_id": staff_id,
            "operation": operation,
            "by": by,
            "reasons": [r.rsplit(".", 1)[-1] for r in reasons(ctx.session)],
        }
        authorisation = journaled(
            ctx.services.journal, flow_id, step_id, "authorise_by_staff", masked, call
        )
        ctx.session.state(StaffState).authorisation = authorisation
        log.info("session %s: staff %s authorised %s", ctx.session.id, staff_id, operation)

    def by_card(ctx: StepContext) -> None:
        if ctx.services.config.supervisor.staff_authorisation != "card":
            return  # the password step follows
        devices = ctx.services.devices
        staff_id = devices.card_reader.read_staff_card(STAFF_CARD_TIMEOUT_S, ctx.cancelled)
        keyed = 0

        def on_key(key: KeyPress) -> None:  # masked presses only
            nonlocal keyed
            keyed = 0 if key.kind is KeyKind.CLEAR else keyed + (key.kind is KeyKind.DIGIT)
            ctx.progress(_params(ctx.session) | {"dots": DOT * keyed})

        block = devices.pin_pad.pin_entry(
            staff_id, STAFF_PIN_LENGTH, STAFF_PIN_LENGTH, on_key, STAFF_CARD_TIMEOUT_S,
            ctx.cancelled,
        )  # fmt: skip
        journal(
            ctx,
            staff_id,
            "staff_card",
            lambda key: ctx.services.backend.authorise_by_staff_card(
                staff_id, bytes.fromhex(block.data), operation, idempotency_key=key
            ),
        )

    def by_password(ctx: StepContext) -> None:
        answer = ctx.value if isinstance(ctx.value, dict) else {}
        staff_id = str(answer.get("staff_id", ""))
        journal(
            ctx,
            staff_id,
            "password",
            lambda key: ctx.services.backend.authorise_by_staff(
                staff_id, str(answer.get("password", "")), operation, idempotency_key=key
            ),
        )

    def authorised(session: CustomerSession, _value: object) -> Target:
        return next if session.state(StaffState).authorisation else password_step

    card = Step(
        step_id,
        StepKind.DEVICE,
        "staff_card.title",
        "staff_card.prompt",
        params=_params,
        summary=summary,
        action=by_card,
        next=Branch(authorised, (next, password_step)),
        can_go_back=False,
        illustration="staff_coming.png",
        waits_for_customer=True,  # for the member of staff and their card: not "processing"
    )
    password = Step(
        password_step,
        StepKind.AUTHORISE,
        "identity.staff.title",
        "identity.staff.prompt",
        params=_params,
        action=by_password,
        next=next,
        can_go_back=False,
    )
    return card, password
