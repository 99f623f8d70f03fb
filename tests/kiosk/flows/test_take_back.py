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
    REMINDERS,
    STAFF_REASON,
    TAKE_BACK,
    handed_back,
    id_card_cleanup,
    take_back_steps,
)
from kiosk.kiosk import Kiosk
from kiosk.runtime import InlineRunner, ManualClock
from kiosk.session import CustomerSession

FLOW = "give_back"
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
        Step(
            "finished",
            StepKind.RESULT,
            "guide.to_cash_machine.title",
            choices=(Choice(DONE, "common.done"),),
            next=END,
        ),
    ),
    cleanup=id_card_cleanup(FLOW),
    stages=("stages.directions",),
    state=ReceiptState,
)


@pytest.fixture
def kiosk(config: Config) -> Iterator[Kiosk]:
    config.devices["id_card_reader"] = {"driver": "simulated"}
    built = build_kiosk(config, InlineRunner(), ManualClock(), flows=FlowRegistry((GIVE_BACK,)))
    yield built
    built.close()


class Seen:
    def __init__(self, kiosk: Kiosk):
        self.steps: list[str] = []
        self.staff: list[str] = []
        kiosk.engine.step_entered.connect(lambda view: self.steps.append(view.step.id))
        kiosk.staff_called.connect(self.staff.append)


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
    assert handed_back(session) == ["id_card", "receipt"]
    session.state(ReceiptState).failed = True
    assert handed_back(session) == ["id_card"]
