"""Flows are data: a flow is a sequence of steps of a few kinds, rendered by generic widgets.

A step names message keys (never text), its choices or its field, and an optional action that
runs on a worker thread and talks to devices and the backend. The UI draws a step by its kind;
voice reads the same keys and listens for the same choices.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk.session import CustomerSession


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


@dataclass(frozen=True)
class Choice:
    id: str
    label: str  # message key
    hint: str | None = None  # message key of a second, smaller line
    icon: str | None = None  # file name in assets/icons
    say: str | None = None  # message key of spoken synonyms (a list in the catalog)
    primary: bool = False  # drawn as the main action


@dataclass(frozen=True)
class Field:
    name: str  # where the value goes in the session
    label: str  # message key
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
        self, message_key: str, *, retry: bool = True, goto: str | None = None, **params: Any
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
    services: Any  # kiosk.services.Services; kept loose so flows stay testable piece by piece
    value: Any = None
    cancelled: threading.Event = field(default_factory=threading.Event)
    # Lets a long action update its screen (e.g. "●●●" while a PIN is keyed in).
    progress: Callable[[Mapping[str, Any]], None] = lambda _params: None
    # Sends branch staff to the kiosk (a jammed card, a card left behind); takes the reason.
    call_staff: Callable[[str], None] = lambda _reason: None


Action = Callable[[StepContext], "str | None"]  # returns the id of the next step, or None
Next = str | Callable[["CustomerSession", Any], "str | None"] | None


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
    # Where to go after this step: a step id, "flow:<id>" to start another flow, "end", or a
    # function of (session, value) choosing one. None means the next step in the list.
    next: Next = None
    timeout_s: float | None = None  # idle time before "need more time?"; None = kiosk default
    can_go_back: bool = True
    illustration: str | None = None  # a picture in assets/illustrations (its .svg is drawn)
    # DEVICE: the action waits for the customer (a card, a PIN, a face), so the screen shows
    # what to do, not "processing"; an action says it went on to work with WORKING progress.
    waits_for_customer: bool = False
    # RESULT: "success", "refused" or "partial" (its icon and colour); "" for information.
    outcome: str = ""
    # What the customer must take away or check, drawn as the largest thing on the screen:
    # (label key, param name). RESULT shows that param (a ticket number, the amount paid);
    # REVIEW the summary line with that label (the amount to pay).
    takeaway: tuple[str, str] | None = None


@dataclass(frozen=True)
class Flow:
    id: str
    title: str  # message key, also the home-screen tile
    steps: tuple[Step, ...]
    hint: str | None = None  # message key of the tile's second line
    icon: str | None = None
    # Runs (on a worker) however the flow ends, so a card or ID card is always handed back.
    cleanup: Callable[[StepContext], None] | None = None
    # Whether the service can be offered now (e.g. no cards left in the dispenser).
    available: Callable[[Any], bool] | None = None

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(f"flow {self.id} has no step {step_id!r}")

    def following(self, step_id: str) -> str | None:
        ids = [s.id for s in self.steps]
        i = ids.index(step_id)
        return ids[i + 1] if i + 1 < len(ids) else None


@dataclass(frozen=True)
class StepView:
    """A step as the screen and the voice see it once entered: everything resolved."""

    flow: Flow
    step: Step
    number: int  # 1-based position among the flow's steps, for "step 3 of 9"
    total: int
    params: Mapping[str, Any]
    choices: tuple[Choice, ...]
    summary: tuple[tuple[str, str], ...]
    can_go_back: bool
    value: str = ""  # a FIELD's current text
    stages: tuple[str, ...] = ()  # message keys of the flow's named stages, for the stage bar
    stage: int = 0  # 0-based index in `stages`; never goes backwards through a visit


@dataclass(frozen=True)
class StepError:
    message_key: str
    params: Mapping[str, Any]
    can_retry: bool
