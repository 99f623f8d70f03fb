"""预约签到: check in for an appointment booked on the phone, and get a queue ticket.

Found by the booking's QR code shown on the phone (camera), by mobile number + booking code
(keypad), or by the ID card -> the bank checks in an on-time booking and issues a ticket that
keeps its priority (VIP, seniors) -> the ticket is printed and shown: number, service, people
ahead, estimated wait. Early, late, already used or unknown bookings get a clear choice: a
normal ticket now, or the counter. If the bank cannot be reached, a local fallback ticket is
printed and journaled; it is sent to the bank's queue once the bank answers again
(kiosk.flows.fallback_tickets).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from hardware.ports import Receipt
from kiosk.backend.errors import BackendError, Declined
from kiosk.backend.models import Appointment, QueueTicket
from kiosk.flows.fallback_tickets import issue_fallback_ticket, sync_fallback_tickets
from kiosk.flows.feedback import feedback_steps, result_step
from kiosk.flows.model import (
    WORKING,
    Branch,
    Choice,
    Field,
    Flow,
    Home,
    Step,
    StepContext,
    StepFailed,
    StepKind,
    Target,
    in_stage,
    known,
)
from kiosk.flows.receipt import Text, build_receipt, print_step, receipt_note, words
from kiosk.flows.take_back import (
    ID_CARD_BACK,
    TAKE_BACK,
    id_card_cleanup,
    read_id_card,
    take_back_steps,
)
from kiosk.flows.validators import mobile_problem
from kiosk.formats import clock, short_date
from kiosk.journal import journaled
from kiosk.masking import mask_phone
from kiosk.session import CustomerSession

if TYPE_CHECKING:
    from kiosk.services import Services

log = logging.getLogger(__name__)

FLOW_ID = "appointment_checkin"
SCAN_TIMEOUT_S = 30.0
ID_TIMEOUT_S = 30.0
QR_PREFIX = "APPT"  # booking QR codes on the phone carry APPT:<token>
WALK_IN_SERVICE = "general"

OFF_TIME, CHECK_IN, FALLBACK = "off_time", "check_in", "fallback"
ALREADY = "already_checked_in"
STAGES = ("stages.find_booking", "stages.check_in", "stages.done")
_PROBLEMS = {
    "early": "appointment.problem.early",
    "late": "appointment.problem.late",
}


@dataclass(slots=True)
class CheckinState:
    phone: str = ""  # the mobile number keyed in
    found_by: str = ""  # qr / phone / id_card, for the journal
    appointment: Appointment | None = None  # the booking found
    problem: str | None = None  # message key of why it cannot be checked in now
    ticket: QueueTicket | None = None  # the ticket printed
    offline: bool = False  # the ticket is a local fallback one
    checked_in: bool = False  # this visit checked a booking in
    reprint: bool = False  # the ticket is one issued at an earlier check-in


def _state(session: CustomerSession) -> CheckinState:
    return session.state(CheckinState)


# --- finding the booking -------------------------------------------------------------------


def _pick(found: list[Appointment]) -> Appointment | None:
    """The booking to check in: an on-time one first, then any still open, then any."""
    for wanted in (
        lambda a: a.status == "booked" and a.timing == "on_time",
        lambda a: a.status == "booked",
        lambda _a: True,
    ):
        for appointment in found:
            if wanted(appointment):
                return appointment
    return None


def _find(ctx: StepContext, found_by: str, **credentials: str) -> Target:
    session, services, state = ctx.session, ctx.services, _state(ctx.session)
    state.found_by = found_by
    try:
        found = services.backend.find_appointments(**credentials)
    except Declined:
        found = []
    except BackendError as exc:
        log.warning("session %s: bookings cannot be looked up (%s)", session.id, type(exc).__name__)
        return FALLBACK
    _send_pending_tickets(services)
    appointment = _pick(found)
    if appointment is None:
        state.problem = "appointment.problem.not_found"
        return OFF_TIME
    state.appointment = appointment
    log.info(
        "session %s: booking %s found by %s (%s, %s)",
        session.id,
        appointment.appointment_id,
        found_by,
        appointment.status,
        appointment.timing,
    )
    if appointment.status == "checked_in":
        return ALREADY  # their ticket again is what they most likely want
    problem = _PROBLEMS.get(appointment.timing)
    if problem:
        state.problem = problem
        return OFF_TIME
    return CHECK_IN


def _send_pending_tickets(services: Services) -> None:
    """The bank answers again: hand it the tickets printed while it did not."""
    try:
        sync_fallback_tickets(services.journal, services.backend)
    except Exception:  # never the customer's problem
        log.exception("fallback tickets not sent")


def _scanned(ctx: StepContext) -> Target:
    payload = ctx.services.devices.camera.scan_code(SCAN_TIMEOUT_S, ctx.cancelled)
    ctx.progress({WORKING: True})  # the code is read: the screen says so while the bank looks
    kind, _, token = payload.partition(":")
    if kind != QR_PREFIX or not token:
        raise StepFailed("appointment.error.not_a_booking")
    return _find(ctx, "qr", qr_token=token)


def _by_phone(ctx: StepContext) -> Target:
    return _find(ctx, "phone", phone=_state(ctx.session).phone, booking_code=ctx.value)


def _by_id_card(ctx: StepContext) -> Target:
    card = read_id_card(ctx, ID_TIMEOUT_S)  # asked back however the visit ends
    return _find(ctx, "id_card", id_number=card.id_number)  # the card itself is not kept


# --- tickets -------------------------------------------------------------------------------


def _check_in(ctx: StepContext) -> Target | None:
    state = _state(ctx.session)
    appointment = known(state.appointment)
    masked = {
        "appointment": appointment.appointment_id,
        "service": appointment.service,
        "found_by": state.found_by,
    }
    try:
        checked = journaled(
            ctx.services.journal,
            FLOW_ID,
            "check_in",
            "check_in",
            masked,
            lambda key: ctx.services.backend.check_in(
                appointment.appointment_id, idempotency_key=key
            ),
        )
    except Declined as exc:  # the booked time passed meanwhile, or checked in elsewhere
        if exc.reason_code == "appointment_already_checked_in":
            return ALREADY
        state.problem = _PROBLEMS.get(exc.reason_code.removeprefix("appointment_"), exc.message_key)
        return OFF_TIME
    except BackendError:  # an unknown check-in stays open in the journal for reconciliation
        return FALLBACK
    state.ticket = checked.ticket
    state.checked_in = True
    return None


def _reprint(ctx: StepContext) -> None:
    state = _state(ctx.session)
    appointment = known(state.appointment)
    try:  # a read: the ticket keeps its number, nothing is journaled
        state.ticket = ctx.services.backend.reprint_check_in_ticket(appointment.appointment_id)
    except BackendError as exc:
        raise StepFailed(exc.message_key) from exc
    state.reprint = True


def _which_ticket(session: CustomerSession, _value: object) -> Target:
    """签到成功 only for a booking checked in now; a reprint or a walk-in ticket says so."""
    state = _state(session)
    if state.offline:
        return "ticket_offline"
    if state.reprint:
        return "reprinted"
    return "ticket" if state.checked_in else "queue_ticket"


def _wait_words(session: CustomerSession, ticket: QueueTicket, key: str) -> str:
    if ticket.people_ahead == 0 or ticket.estimated_wait_min == 0:
        return words(session, f"appointment.wait.{key}")
    return words(
        session,
        "appointment.wait.some" if key == "none" else "appointment.ticket.minutes",
        people_ahead=ticket.people_ahead,
        minutes=ticket.estimated_wait_min,
    )


def _walk_in_ticket(ctx: StepContext) -> Target | None:
    state = _state(ctx.session)
    appointment = state.appointment
    service = appointment.service if appointment else WALK_IN_SERVICE
    try:
        state.ticket = journaled(
            ctx.services.journal,
            FLOW_ID,
            "walk_in_ticket",
            "take_queue_ticket",
            {"service": service, "found_by": state.found_by},
            lambda key: ctx.services.backend.take_queue_ticket(service, idempotency_key=key),
        )
    except BackendError:
        return FALLBACK
    return None


def _fallback(ctx: StepContext) -> None:
    state = _state(ctx.session)
    appointment = state.appointment
    state.ticket = issue_fallback_ticket(
        ctx.services.journal,
        FLOW_ID,
        "fallback",
        ctx.services.config.kiosk.branch,
        appointment.service if appointment else WALK_IN_SERVICE,
        state.found_by,
    )
    state.offline = True


def _receipt(session: CustomerSession) -> Receipt:
    state = _state(session)
    ticket = known(state.ticket)
    lines = [
        ("appointment.ticket.number", ticket.ticket_number),
        ("appointment.ticket.service", words(session, f"backend.service.{ticket.service}")),
        ("receipt.time", ticket.issued_at.replace("T", " ")[:16]),
    ]
    notes: list[Text]
    if state.offline:
        notes = [("appointment.ticket.offline_note", {})]
    else:
        lines += [
            ("appointment.ticket.ahead", str(ticket.people_ahead)),
            ("appointment.ticket.wait", _wait_words(session, ticket, "none_line")),
        ]
        notes = (
            [] if ticket.priority == "normal" else [(f"appointment.priority.{ticket.priority}", {})]
        )
    return build_receipt(
        session,
        "appointment.ticket.receipt_title",
        qr=ticket.reference,
        lines=lines,
        notes=[*notes, ("appointment.ticket.listen", {})],
    )


def _ticket_params(session: CustomerSession) -> dict[str, object]:
    ticket = _state(session).ticket
    if ticket is None:  # drawn before a ticket was taken (a layout check)
        return {}
    return {
        "number": ticket.ticket_number,
        "wait": _wait_words(session, ticket, "none"),
        "service": words(session, f"backend.service.{ticket.service}"),
        "priority": words(session, f"appointment.priority.{ticket.priority}"),
        "receipt": receipt_note(session, ticket.ticket_number),
    }


def _ticket_result(step_id: str, prompt: str | None = None, outcome: str = "success") -> Step:
    """A result screen whose largest line is the queue number to wait for."""
    return result_step(
        "appointment",
        step_id,
        _ticket_params,
        prompt,
        outcome=outcome,
        takeaway=("appointment.ticket.number", "number"),
    )


def _problem_params(session: CustomerSession) -> dict[str, str]:
    state = _state(session)
    appointment = state.appointment
    when = datetime.fromisoformat(appointment.scheduled_at) if appointment else None
    return {
        "problem": words(
            session,
            state.problem or "appointment.problem.not_found",
            time=clock(when, session.language) if when else "",
            date=short_date(when, session.language) if when else "",
        )
    }


_FOUND = (OFF_TIME, CHECK_IN, FALLBACK, ALREADY)  # where finding a booking leads
_TICKETS = ("ticket", "queue_ticket", "reprinted", "ticket_offline")


APPOINTMENT_CHECKIN = Flow(
    id=FLOW_ID,
    title="appointment.title",
    hint="appointment.hint",
    icon="appointment_checkin.svg",
    cleanup=id_card_cleanup(FLOW_ID),
    hand_back=(ID_CARD_BACK,),
    stages=STAGES,
    state=CheckinState,
    home=Home(
        position=40,
        tile="ui.services.appointment_checkin",
        tile_hint="ui.services.appointment_checkin_hint",
        say="guide.say.appointment",
        guide="guide.need.appointment",
    ),
    steps=(
        *in_stage(
            "stages.find_booking",
            Step(
                "method",
                StepKind.CHOOSE,
                "appointment.method.title",
                "appointment.method.prompt",
                choices=(
                    Choice(
                        "qr",
                        "appointment.method.qr",
                        "appointment.method.qr_hint",
                        say="appointment.say.qr",
                        primary=True,
                    ),
                    Choice(
                        "phone",
                        "appointment.method.phone",
                        "appointment.method.phone_hint",
                        say="appointment.say.phone",
                    ),
                    Choice(
                        "id_card",
                        "appointment.method.id_card",
                        "appointment.method.id_card_hint",
                        say="appointment.say.id_card",
                    ),
                ),
                next={"qr": "scan_qr", "phone": "phone", "id_card": "read_id"},
            ),
            Step(
                "scan_qr",
                StepKind.DEVICE,
                "appointment.scan.title",
                "appointment.scan.prompt",
                action=_scanned,
                next=CHECK_IN,
                exits=_FOUND,
                illustration="scan_phone.png",
                waits_for_customer=True,
            ),
            Step(
                "phone",
                StepKind.FIELD,
                "appointment.phone.title",
                "appointment.phone.prompt",
                field=Field(
                    "appointment.phone.label",
                    min_length=11,
                    max_length=11,
                    validate=mobile_problem,
                    display=mask_phone,
                ),
                keep="phone",
            ),
            Step(
                "booking_code",
                StepKind.FIELD,
                "appointment.code.title",
                "appointment.code.prompt",
                field=Field("appointment.code.label", min_length=4, max_length=8),
                action=_by_phone,
                next=CHECK_IN,
                exits=_FOUND,
            ),
            Step(
                "read_id",
                StepKind.DEVICE,
                "appointment.id_card.title",
                "appointment.id_card.prompt",
                action=_by_id_card,
                next=CHECK_IN,
                exits=_FOUND,
                illustration="id_card.png",
                waits_for_customer=True,
            ),
        ),
        *in_stage(
            "stages.check_in",
            Step(
                CHECK_IN,
                StepKind.DEVICE,
                "appointment.check_in.title",
                "appointment.check_in.prompt",
                action=_check_in,
                next="print_ticket",
                exits=(OFF_TIME, FALLBACK, ALREADY),
                can_go_back=False,
            ),
            Step(
                ALREADY,
                StepKind.CHOOSE,
                "appointment.checked_in.title",
                "appointment.checked_in.prompt",
                choices=(
                    Choice(
                        "reprint",
                        "appointment.checked_in.reprint",
                        say="appointment.say.reprint",
                        primary=True,
                    ),
                    Choice(
                        "counter", "appointment.checked_in.counter", say="appointment.say.counter"
                    ),
                ),
                next={"reprint": "reprint", "counter": "to_counter"},
            ),
            Step(
                "reprint",
                StepKind.DEVICE,
                "appointment.reprint.title",
                "appointment.reprint.prompt",
                action=_reprint,
                next="print_ticket",
                can_go_back=False,
            ),
            Step(
                OFF_TIME,
                StepKind.CHOOSE,
                "appointment.off_time.title",
                "appointment.off_time.prompt",
                params=_problem_params,
                choices=(
                    Choice(
                        "ticket",
                        "appointment.off_time.ticket",
                        say="appointment.say.ticket",
                        primary=True,
                    ),
                    Choice(
                        "counter", "appointment.off_time.counter", say="appointment.say.counter"
                    ),
                ),
                next={"ticket": "walk_in_ticket", "counter": "to_counter"},
            ),
            Step(
                "walk_in_ticket",
                StepKind.DEVICE,
                "appointment.walk_in.title",
                "appointment.walk_in.prompt",
                action=_walk_in_ticket,
                next="print_ticket",
                exits=(FALLBACK,),
                can_go_back=False,
            ),
            Step(
                FALLBACK,
                StepKind.DEVICE,
                "appointment.fallback.title",
                "appointment.fallback.prompt",
                action=_fallback,
                next="print_ticket",
                can_go_back=False,
            ),
        ),
        *in_stage(
            "stages.done",
            print_step("print_ticket", _receipt, next=TAKE_BACK),
            *take_back_steps(FLOW_ID, next=Branch(_which_ticket, _TICKETS), printed="ticket"),
            _ticket_result("ticket"),
            _ticket_result("queue_ticket", "appointment.ticket.prompt"),
            _ticket_result("reprinted", "appointment.ticket.prompt"),
            _ticket_result("ticket_offline", outcome="partial"),
            result_step("appointment", "to_counter", done=False, outcome="partial"),
        ),
        *feedback_steps(),
    ),
)

__all__ = ["APPOINTMENT_CHECKIN", "CheckinState"]
