"""One place to add a service: a flow that lives only in this test, registered with the kiosk's
own, is a tile on the home screen, is heard by name in care mode, and can be completed -
without a line changed anywhere else."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt

from kiosk.flows import flow_registry
from kiosk.flows.model import DONE, END, Choice, Flow, Home, Step, StepKind, in_stage
from kiosk.i18n import Catalog
from voice.grammar import Choose, build_grammar

pytestmark = pytest.mark.slow


@dataclass(slots=True)
class CashAdviceState:
    amount: str = ""  # "large" or "small"


# Reuses the guide's words, since a test adds no catalog file.
CASH_ADVICE = Flow(
    id="cash_advice",
    title="guide.need.cash",
    stages=("stages.need", "stages.directions"),
    state=CashAdviceState,
    home=Home(
        position=50,
        tile="guide.need.cash",
        tile_hint="guide.cash_amount.prompt",
        say="guide.say.cash",
    ),
    steps=(
        Step(
            "amount",
            StepKind.CHOOSE,
            "guide.cash_amount.title",
            "guide.cash_amount.prompt",
            choices=(
                Choice("large", "guide.cash_amount.large", say="guide.say.large"),
                Choice("small", "guide.cash_amount.small", say="guide.say.small"),
            ),
            keep="amount",
            next={"large": "to_cash_counter", "small": "to_cash_machine"},
            stage="stages.need",
        ),
        *in_stage(
            "stages.directions",
            *(
                Step(
                    result,
                    StepKind.RESULT,
                    f"guide.{result}.title",
                    f"guide.{result}.prompt",
                    choices=(Choice(DONE, "common.done", primary=True),),
                    next=END,
                )
                for result in ("to_cash_counter", "to_cash_machine")
            ),
        ),
    ),
)


def test_a_new_service_is_on_the_home_screen_is_spoken_and_can_be_completed(make_kiosk):
    k = make_kiosk(flows=flow_registry(CASH_ADVICE))
    catalog = Catalog("zh_CN")
    k.qtbot.mouseClick(k.window.attract, Qt.MouseButton.LeftButton)  # on to the home screen
    [tile] = k.buttons("service_cash_advice")
    assert tile.isEnabled() and catalog.text("guide.need.cash") in tile.text()
    assert [s.flow_id for s in k.kiosk.services()][-1] == "cash_advice"  # its declared place

    k.kiosk.set_care_mode(True)
    home = build_grammar(k.window.voice.home_view(), catalog)
    for phrase in catalog.phrases("guide.say.cash"):
        assert home.parse(phrase).command == Choose("cash_advice"), phrase
    k.kiosk.set_care_mode(False)

    ended = []
    k.engine.flow_ended.connect(lambda flow_id, reason: ended.append((flow_id, reason)))
    k.tap("service_cash_advice")
    k.tap("choice_small")
    k.wait_for_step("to_cash_machine")
    session = k.engine.session
    assert session.state(CashAdviceState).amount == "small"
    assert k.engine.view.stage == 1 and k.engine.view.stages == CASH_ADVICE.stages
    k.tap("choice_done")
    k.wait_for_screen("attract")
    assert ended == [("cash_advice", "completed")] and session.is_empty
