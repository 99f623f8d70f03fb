"""A visit ends only once the customer has their ID card back: the take-back step passes on as
soon as the reader feels the card gone, reminds at 10 s and 20 s, and at 30 s calls staff,
notes the card for the staff screen and journals it; a visit ending any other way with the card
on the reader does the same in its clean-up, and no new visit starts while it lies there.
The core kiosk (sandbox over HTTP, simulated reader), a small flow built of the real steps."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiosk.app import build_kiosk
from kiosk.config import Config
from kiosk.flows.model import DONE, END, Choice, Flow, Step, StepKind
from kiosk.flows.receipt import ReceiptState
from kiosk.flows.registry import FlowRegistry
from kiosk.flows.take_back import (
    ID_CARD_BACK,
    REMINDERS,
    STAFF_REASON,
    TAKE_BACK,
    handed_back,
    id_card_cleanup,
    read_id_card,
    take_back_steps,
)
from kiosk.kiosk import Kiosk
from kiosk.runtime import InlineRunner, ManualClock
from kiosk.session import CustomerSession

FLOW = "give_back"


def result(step_id: str, title: str, outcome: str = "") -> Step:
    done = (Choice(DONE, "common.done"),)
    return Step(step_id, StepKind.RESULT, title, choices=done, outcome=outcome, next=END)


GIVE_BACK = Flow(
    FLOW,
    "guide.title",
    (
        Step(
            "start",
            StepKind.CHOOSE,
            "guide.need.title",
            # two choices: a choice of one would be taken without a screen
            choices=(Choice("go", "common.confirm"), Choice("also", "common.yes")),
            next=TAKE_BACK,
        ),
        *take_back_steps(FLOW, next="finished"),
        result("finished", "guide.to_cash_machine.title"),
    ),
    cleanup=id_card_cleanup(FLOW),
    stages=("stages.directions",),
    state=ReceiptState,
)

# A flow that reads the ID card and may end without its receipt: refused, cancelled, timed out.
ENDS = "ends_early"
ENDS_EARLY = Flow(
    ENDS,
    "guide.title",
    (
        Step(
            "read",
            StepKind.DEVICE,
            "identity.insert_id.title",
            action=lambda ctx: read_id_card(ctx, 5.0) and None,
        ),
        Step(
            "choose",
            StepKind.CHOOSE,
            "guide.need.title",
            choices=(Choice("go", "common.confirm"), Choice("refuse", "common.cancel")),
            next={"go": TAKE_BACK, "refuse": "refused"},
        ),
        *take_back_steps(ENDS, next="finished"),
        result("finished", "guide.to_cash_machine.title"),
        result("refused", "guide.to_counter.title", outcome="refused"),
    ),
    cleanup=id_card_cleanup(ENDS),
    hand_back=(ID_CARD_BACK,),
    stages=("stages.directions",),
    state=ReceiptState,
)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def kiosk(config: Config, clock: ManualClock) -> Iterator[Kiosk]:
    config.devices["id_card_reader"] = {"driver": "simulated"}
    built = build_kiosk(config, InlineRunner(), clock, flows=FlowRegistry((GIVE_BACK, ENDS_EARLY)))
    yield built
    built.close()


class Seen:
    def __init__(self, kiosk: Kiosk):
        self.steps: list[str] = []
        self.staff: list[str] = []
        self.ended: list[str] = []
        kiosk.engine.step_entered.connect(lambda view: self.steps.append(view.step.id))
        kiosk.staff_called.connect(self.staff.append)
        kiosk.engine.flow_ended.connect(lambda _flow, reason: self.ended.append(reason))


def _left_events(kiosk: Kiosk) -> list[str]:
    journal = kiosk.engine.services.journal
    return [e.step for e in journal.entries() if e.operation == "id_card_left"]


def test_a_card_taken_at_once_passes_straight_on(kiosk):
    seen = Seen(kiosk)
    kiosk.begin(FLOW)
    kiosk.engine.submit("go")
    assert seen.steps == ["start", TAKE_BACK, "finished"]
    assert seen.staff == [] and kiosk.left_in_readers() == [] and _left_events(kiosk) == []


def test_a_card_taken_after_the_first_reminder_calls_nobody(kiosk):
    seen = Seen(kiosk)
    reader = kiosk.engine.services.devices.id_card_reader
    reader.insert("wang")
    reader.inject("timeout")  # the first 10 s pass with the card still there
    # reminded, the customer takes it
    kiosk.engine.step_entered.connect(
        lambda view: reader.take() if view.step.id == REMINDERS[0] else None
    )
    kiosk.begin(FLOW)
    kiosk.engine.submit("go")
    assert seen.steps[-3:] == [TAKE_BACK, REMINDERS[0], "finished"]
    assert seen.staff == []


def test_a_card_left_30_s_brings_staff_and_blocks_the_next_visit(kiosk):
    seen = Seen(kiosk)
    reader = kiosk.engine.services.devices.id_card_reader
    reader.insert("wang")
    reader.inject("timeout", times=3)  # 10 s, 20 s, 30 s: the customer has walked away
    kiosk.begin(FLOW)
    kiosk.engine.submit("go")
    assert seen.steps[-4:] == [TAKE_BACK, *REMINDERS, "finished"]
    assert seen.staff == [STAFF_REASON]
    assert kiosk.left_in_readers() == ["id_card"]
    assert _left_events(kiosk) == [REMINDERS[-1]]
    kiosk.engine.submit(DONE)
    kiosk.begin(FLOW)  # the next customer would have the card read into their visit
    assert kiosk.engine.view is None


def test_a_visit_cancelled_with_the_card_on_the_reader_secures_it(kiosk):
    seen = Seen(kiosk)
    kiosk.engine.services.devices.id_card_reader.insert("wang")
    kiosk.begin(FLOW)
    kiosk.engine.cancel()
    assert seen.staff == [STAFF_REASON] and kiosk.left_in_readers() == ["id_card"]
    assert _left_events(kiosk) == ["cleanup"]


def test_the_customer_is_asked_for_the_receipt_too_only_when_it_printed():
    session = CustomerSession("zh_CN")
    assert handed_back(session) == ["id_card"]  # a visit that ended before its receipt
    session.state(ReceiptState).printed = True
    assert handed_back(session) == ["id_card", "receipt"]
    session.state(ReceiptState).printed, session.state(ReceiptState).failed = False, "paper_out"
    assert handed_back(session) == ["id_card"]


# --- however the visit ends, the card read in it is asked for first ------------------------


def _read_then(kiosk: Kiosk, person: str = "wang") -> None:
    kiosk.engine.services.devices.id_card_reader.insert(person)
    kiosk.begin(ENDS)
    assert kiosk.engine.view is not None and kiosk.engine.view.step.id == "choose"


def test_a_refused_ending_asks_for_the_card_before_the_visit_ends(kiosk):
    seen = Seen(kiosk)
    reader = kiosk.engine.services.devices.id_card_reader
    kiosk.engine.step_entered.connect(
        lambda view: reader.take() if view.step.id == TAKE_BACK else None
    )
    _read_then(kiosk)
    kiosk.engine.submit("refuse")
    assert seen.steps[-1] == "refused" and kiosk.engine.active  # the reason is read first
    kiosk.engine.submit(DONE)
    assert seen.steps[-2:] == ["refused", TAKE_BACK]
    assert not kiosk.engine.active and seen.ended == ["completed"]
    assert seen.staff == [] and kiosk.left_in_readers() == [] and _left_events(kiosk) == []


def test_cancelling_with_the_card_on_the_reader_asks_for_it_then_ends(kiosk):
    seen = Seen(kiosk)
    reader = kiosk.engine.services.devices.id_card_reader
    kiosk.engine.step_entered.connect(
        lambda view: reader.take() if view.step.id == REMINDERS[0] else None
    )
    reader.inject("timeout", after=1)  # the read is left alone; the first 10 s pass
    _read_then(kiosk)
    kiosk.engine.cancel()
    assert seen.steps[-3:] == ["choose", TAKE_BACK, REMINDERS[0]]
    assert not kiosk.engine.active and seen.ended == ["cancelled"]
    assert seen.staff == [] and _left_events(kiosk) == []


def test_an_idle_time_out_asks_for_the_card_too(kiosk, clock):
    seen = Seen(kiosk)
    reader = kiosk.engine.services.devices.id_card_reader
    kiosk.engine.step_entered.connect(
        lambda view: reader.take() if view.step.id == TAKE_BACK else None
    )
    _read_then(kiosk)
    clock.advance(3600)  # nobody answers "need more time?"
    assert seen.steps[-2:] == ["choose", TAKE_BACK]
    assert seen.ended == ["timeout"] and seen.staff == []


def test_a_card_walked_away_from_at_a_refusal_calls_staff_once(kiosk):
    seen = Seen(kiosk)
    reader = kiosk.engine.services.devices.id_card_reader
    reader.inject("timeout", times=3, after=1)  # 10 s, 20 s, 30 s after the read
    _read_then(kiosk)
    kiosk.engine.submit("refuse")
    kiosk.engine.submit(DONE)
    assert seen.steps[-4:] == ["refused", TAKE_BACK, *REMINDERS]
    assert not kiosk.engine.active
    # noted and called for by the take-back step; the clean-up does not call a second time
    assert seen.staff == [STAFF_REASON] and _left_events(kiosk) == [REMINDERS[-1]]
    assert [i.item for i in kiosk.engine.services.left_behind.items()] == ["id_card"]


def test_the_card_taken_on_the_way_is_not_asked_for_again(kiosk):
    seen = Seen(kiosk)
    _read_then(kiosk)
    kiosk.engine.services.devices.id_card_reader.take()
    kiosk.engine.submit("go")  # the visit's own take-back step passes straight on
    kiosk.engine.submit(DONE)
    assert seen.steps[-3:] == ["choose", TAKE_BACK, "finished"]
    assert not kiosk.engine.active and seen.ended == ["completed"]


def test_no_card_read_no_take_back(kiosk):
    seen = Seen(kiosk)
    kiosk.engine.services.devices.id_card_reader.inject("timeout")  # nobody lays a card
    kiosk.begin(ENDS)
    kiosk.engine.cancel()
    assert seen.steps == ["read"] and seen.ended == ["cancelled"] and seen.staff == []
