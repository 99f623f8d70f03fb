"""Flows are data: a flow is a sequence of steps of a few kinds, rendered by generic widgets.

A step names message keys (never text), its choices or its field, and an optional action that
runs on a worker thread and talks to devices and the backend. The UI draws a step by its kind;
voice reads the same keys and listens for the same choices.

Where a step may lead is declared (`next`, `exits`), so a flow's graph is checked when it is
registered (kiosk.flows.registry), not when a customer takes a wrong turn. What a flow
collects lives in its own state dataclass (`Flow.state`, `CustomerSession.state`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import KW_ONLY, dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from kiosk.services import Services
    from kiosk.session import CustomerSession


T = TypeVar("T")


class StepKind(StrEnum):
    CHOOSE = "choose"  # pick one of a few choices
    FIELD = "field"  # key in a value (digits or text) with the on-screen keypad or by voice
    DEVICE = "device"  # the machine works: read the ID card, take a photo, dispense a card
    REVIEW = "review"  # read something (an agreement, the collected data) and confirm it
    AUTHORISE = "authorise"  # a member of staff authorises what a customer may not do alone
    RESULT = "result"  # the outcome; the flow ends when the customer taps "done"


# A progress param: an action that waited for the customer now works (the bank checks a PIN).
WORKING = "working"
# A PIN step's params: how many boxes to draw and how many keys were pressed (never digits).
PIN_BOXES, KEYED = "pin_boxes", "keyed"
CONFIRM = "confirm"  # the value a REVIEW step or a voice "confirm" submits
DONE = "done"

# Where a step leads (a Target): the id of a step of the same flow, END, or to_flow(<flow id>).
Target = str
END: Target = "end"
FLOW_PREFIX = "flow:"


def to_flow(flow_id: str) -> Target:
    """The target that goes straight on to another service, keeping the session."""
    return FLOW_PREFIX + flow_id


def chained_flow(target: Target) -> str | None:
    """The flow a target starts, or None when it stays in this flow."""
    return target.removeprefix(FLOW_PREFIX) if target.startswith(FLOW_PREFIX) else None


def known(value: T | None) -> T:
    """A state field an earlier step set: the flow's order guarantees it, so a gap is a bug
    (shown as a system error, like any broken action)."""
    if value is None:
        raise LookupError("a step needs what an earlier step has not collected")
    return value


@dataclass(frozen=True)
class Choice:
    id: str
    label: str  # message key
    hint: str | None = None  # message key of a second, smaller line
    icon: str | None = None  # file name in assets/icons
    say: str | None = None  # message key of spoken synonyms (a list in the catalog)
    primary: bool = False  # drawn as the main action
    aside: bool = False  # drawn beside back/cancel, never paged away (a survey's "skip")
    # When it may be taken, on the engine's clock (Scheduler.monotonic); until then its button
    # counts the seconds down and the engine refuses it. None: now.
    ready_at: float | None = None
    # Offered only once the step's body has been read to its end: scrolled to on the screen,
    # or read aloud in full (an agreement's "I agree").
    after_reading: bool = False


@dataclass(frozen=True)
class Field:
    label: str  # message key
    _: KW_ONLY
    input: str = "digits"  # "digits" or "text"
    min_length: int = 1
    max_length: int = 32
    # Returns the message key of what is wrong, or None when the value is good.
    validate: Callable[[str], str | None] | None = None
    # How the value is shown and spoken once entered (e.g. a masked phone number).
    display: Callable[[str], str] | None = None


class StepFailed(Exception):
    """An action's way of telling the customer something went wrong, in the bank's words.

    `goto` sends the flow to another step (e.g. a polite end) instead of offering a retry.
    """

    def __init__(
        self, message_key: str, *, retry: bool = True, goto: Target | None = None, **params: Any
    ):
        super().__init__(message_key)
        self.message_key = message_key
        self.retry = retry
        self.goto = goto
        self.params = params


@dataclass
class StepContext:
    """What an action gets: the session, the kiosk's services, the value the customer gave."""

    session: CustomerSession
    services: Services
    value: Any = None
    cancelled: threading.Event = field(default_factory=threading.Event)
    # Lets a long action update its screen (e.g. "●●●" while a PIN is keyed in).
    progress: Callable[[Mapping[str, Any]], None] = lambda _params: None
    # Sends branch staff to the kiosk (a jammed card, a card left behind); takes the reason.
    call_staff: Callable[[str], None] = lambda _reason: None
    # The engine's clock (Scheduler.monotonic): what a Choice's ready_at is measured on.
    now: Callable[[], float] = time.monotonic


Action = Callable[[StepContext], "Target | None"]  # returns where to go next, or None


@dataclass(frozen=True)
class Branch:
    """A way on chosen by a function of (session, answer) among declared targets."""

    choose: Callable[[CustomerSession, Any], Target]
    targets: tuple[Target, ...]


# Where to go after a step: a Target; a Mapping from the choice made to a Target; a Branch;
# None means the next step in the list.
Next = Target | Mapping[str, Target] | Branch | None


@dataclass(frozen=True)
class Step:
    id: str
    kind: StepKind
    title: str  # message key
    prompt: str | None = None  # message key; spoken when the step is entered
    # Fixed choices, or a function of the session (e.g. billers an earlier action fetched).
    choices: Sequence[Choice] | Callable[[CustomerSession], Sequence[Choice]] = ()
    field: Field | None = None
    body: str | None = None  # message key of a long text (an agreement)
    # REVIEW: the lines to check, as (label key, value already masked for display).
    summary: Callable[[CustomerSession], list[tuple[str, str]]] | None = None
    params: Callable[[CustomerSession], Mapping[str, Any]] | None = None  # for title/prompt
    action: Action | None = None
    next: Next = None
    # The other targets this step's action may lead to, by returning one or by raising
    # StepFailed(goto=...). Declared so the flow's graph can be checked.
    exits: tuple[Target, ...] = ()
    # CHOOSE/FIELD: the attribute of the flow's state that keeps the answer (None: not kept;
    # the action still gets it as ctx.value).
    keep: str | None = None
    # Message key among the flow's stages; None: the stage of the step before it in the list.
    stage: str | None = None
    timeout_s: float | None = None  # idle time before "need more time?"; None = kiosk default
    can_go_back: bool = True
    # A picture in assets/illustrations (its .svg is drawn), or a function of the session
    # choosing one (the take-back step shows what is to be taken: a receipt, a ticket).
    illustration: str | Callable[[CustomerSession], str] | None = None
    # REVIEW: a photo beside the summary (JPEG or PNG bytes: the ID card chip's photo).
    photo: Callable[[CustomerSession], bytes | None] | None = None
    # DEVICE: the action waits for the customer (a card, a PIN, a face), so the screen shows
    # what to do, not "processing"; an action says it went on to work with WORKING progress.
    waits_for_customer: bool = False
    # Entered with a reminder sound, heard even with speech off (something is still to be
    # taken: the take-back step's reminders).
    alert: bool = False
    # RESULT: "success", "refused" or "partial" (its icon and colour); "" for information.
    outcome: str = ""
    # What the customer must take away or check, drawn as the largest thing on the screen:
    # (label key, param name). RESULT shows that param (a ticket number, the amount paid);
    # REVIEW the summary line with that label (the amount to pay).
    takeaway: tuple[str, str] | None = None

    def targets(self) -> tuple[Target, ...]:
        """Every target this step declares (not the next step in the list)."""
        if isinstance(self.next, str):
            declared: tuple[Target, ...] = (self.next,)
        elif isinstance(self.next, Mapping):
            declared = tuple(self.next.values())
        elif isinstance(self.next, Branch):
            declared = self.next.targets
        else:
            declared = ()
        return tuple(dict.fromkeys((*declared, *self.exits)))


def in_stage(stage: str, *steps: Step) -> tuple[Step, ...]:
    """Steps of one stage of a flow (message key); shared builders' steps get theirs here."""
    return tuple(replace(step, stage=stage) for step in steps)


@dataclass(frozen=True)
class Home:
    """How a flow is offered as a service on the home screen, by the guide and by voice."""

    position: int  # tiles are shown in ascending order
    tile: str  # message key of the tile
    tile_hint: str  # message key of the tile's second line
    say: str  # message key of what customers call the service (spoken synonyms, a list)
    guide: str | None = None  # message key of the guide's answer that leads here; None: not there


@dataclass(frozen=True)
class HandBack:
    """Something of the customer's a flow may hold in a reader (an ID card, a bank card), and
    the take-back steps that ask for it: shown, spoken and reminded, then staff or the capture
    bin. However a visit ends (a refused result's "done", cancel, a time-out), the engine
    enters `steps[0]` first while `holds(session)` says it is still there; the visit ends
    once the way leaves `steps`. `holds` reads the session only (no device is asked on the UI
    thread)."""

    steps: tuple[Target, ...]
    holds: Callable[[CustomerSession], bool]


@dataclass(frozen=True)
class Flow:
    id: str
    title: str  # message key, also the home-screen tile
    steps: tuple[Step, ...]
    hint: str | None = None  # message key of the tile's second line
    icon: str | None = None
    # Runs (on a worker) however the flow ends, so a card or ID card is always handed back.
    cleanup: Callable[[StepContext], None] | None = None
    # What the customer may have in a reader, asked back before the visit ends (see HandBack);
    # the clean-up secures what was still not taken.
    hand_back: tuple[HandBack, ...] = ()
    # Whether the service can be offered now (e.g. no cards left in the dispenser).
    available: Callable[[Services], bool] | None = None
    # Message keys of the stages a customer goes through, shown as a bar (e.g. identify ->
    # details -> confirm -> done); each step names its stage or inherits it.
    stages: tuple[str, ...] = ()
    home: Home | None = None  # None: not a home-screen service (reached by another flow)
    state: type | None = None  # the dataclass that keeps what this flow's steps collect

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(f"flow {self.id} has no step {step_id!r}")

    def following(self, step_id: str) -> str | None:
        ids = [s.id for s in self.steps]
        i = ids.index(step_id)
        return ids[i + 1] if i + 1 < len(ids) else None

    def stage_of(self, step_id: str) -> int:
        """0-based index among `stages` of a step's stage (named, or inherited from the steps
        before it; 0 before any is named)."""
        stage = 0
        for step in self.steps:
            if step.stage is not None and step.stage in self.stages:
                stage = self.stages.index(step.stage)
            if step.id == step_id:
                return stage
        raise KeyError(f"flow {self.id} has no step {step_id!r}")


@dataclass(frozen=True)
class StepView:
    """A step as the screen and the voice see it once entered: everything resolved."""

    flow: Flow
    step: Step
    params: Mapping[str, Any]
    choices: tuple[Choice, ...]
    summary: tuple[tuple[str, str], ...]
    can_go_back: bool
    value: str = ""  # a FIELD's current text
    stages: tuple[str, ...] = ()  # message keys of the flow's stages, for the stage bar
    stage: int = 0  # index of the current stage: never goes back within a visit
    illustration: str | None = None  # the step's picture, resolved
    photo: bytes | None = None  # REVIEW: the photo beside the summary
    # Seconds still to wait, by choice id, for choices whose ready_at has not come yet.
    waits: Mapping[str, int] = field(default_factory=dict)
    read: bool = False  # the body has been read to its end (after_reading choices are offered)
    # A CHOOSE step before this one had a single choice, so it was taken without a screen:
    # (that step's title key, the choice's label key), said on this screen.
    alone: tuple[str, str] | None = None
    # False on a take-back step (Flow.hand_back): nothing to cancel, the visit ends once the
    # card is out of the reader
    can_cancel: bool = True


@dataclass(frozen=True)
class StepError:
    message_key: str
    params: Mapping[str, Any]
    can_retry: bool
