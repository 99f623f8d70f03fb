"""The storyboard's scripts: one journey a name, every service of the kiosk walked by at least
one, a step a journey shows again is a real step of its flow, and the demo customers use the
PINs, phone and staff cards the sandbox bank holds, so a script never drifts from the demo
data. One journey runs for real (the guide, one language, one theme) and reaches every step."""

from __future__ import annotations

from kiosk.flows import flow_registry
from kiosk.sandbox.seed import CUSTOMERS, PERSONS, STAFF_CARD_PINS
from ui.storyboard import journeys, never_shown, run
from ui.storyboard.journeys import JOURNEYS


def test_each_journey_has_its_own_name_and_walks_a_real_flow_or_the_kiosk():
    names = [j.name for j in JOURNEYS]
    assert len(names) == len(set(names))
    flows = flow_registry()
    for journey in JOURNEYS:
        assert journey.flow == "kiosk" or journey.flow in flows, journey.name
        if journey.flow != "kiosk":
            steps = {s.id for s in flows[journey.flow].steps}
            assert set(journey.shows) <= steps, journey.name


def test_every_service_of_the_kiosk_is_walked():
    walked = {j.flow for j in JOURNEYS}
    assert set(flow_registry()) <= walked


def test_the_demo_customers_key_what_the_sandbox_bank_holds():
    pins = {row[7]: row[10] for row in CUSTOMERS}  # card number -> its PIN
    assert pins["6228480012345678010"] == journeys.WANG_PIN
    assert pins["6228480012345678044"] == journeys.CHEN_PIN
    phones = {name: phone for _id, name, phone, _lost in PERSONS}
    assert phones["赵丽"] == journeys.ZHAO_PHONE
    assert journeys.STAFF_CARD_PINS is STAFF_CARD_PINS


def test_the_guide_journey_reaches_every_step_of_the_guide(qapp, tmp_path):
    board = run(["en"], ["standard"], journeys=["guide"], out=tmp_path, report=lambda _line: None)
    assert board.stuck == []
    assert never_shown(board) == {}
    shots = [s for s in board.shots if s.flow == "guide"]
    assert shots and all((tmp_path / s.file).is_file() for s in shots if s.file)
