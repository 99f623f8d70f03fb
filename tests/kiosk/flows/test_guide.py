"""The guide offers the home screen's services in their own words, and the counters for what no
service here does."""

from __future__ import annotations

import dataclasses

from kiosk.flows import SERVICES, flow_registry
from kiosk.flows.guide import GuideState, guide_flow
from kiosk.flows.model import Home, to_flow


def test_every_service_with_guide_words_is_offered_the_most_asked_for_first():
    need = guide_flow(SERVICES).step("need")
    services = [c for c in need.choices if c.id in {f.id for f in SERVICES}]
    # bills and check-in are asked for most; the others follow in the home screen's order
    assert [c.id for c in services] == [
        "bill_payment",
        "appointment_checkin",
        "account_opening",
        "card_issue",
    ]
    for choice in services:
        home = next(f.home for f in SERVICES if f.id == choice.id)
        assert (choice.label, choice.say) == (home.guide, home.say)
        assert need.next[choice.id] == to_flow(choice.id)
    assert [c.id for c in need.choices][:4] == [
        "bill_payment",
        "lost_card",
        "cash",
        "appointment_checkin",
    ]
    assert need.choices[-1].id == "other"


def test_a_service_without_guide_words_is_not_offered():
    quiet = dataclasses.replace(
        SERVICES[0],
        id="quiet",
        home=Home(99, "guide.title", "guide.hint", say="guide.say.other"),
    )
    assert "quiet" not in {c.id for c in guide_flow((*SERVICES, quiet)).step("need").choices}


def test_a_customer_is_sent_to_a_service_or_a_counter(visit):
    visit.kiosk.begin("guide")
    session = visit.engine.session
    visit.answer("cash", "small")
    assert visit.step == "to_cash_machine" and session.state(GuideState).need == "cash"
    visit.answer("done")
    assert visit.ended == [("guide", "completed")] and session.is_empty
    visit.kiosk.begin("guide")
    visit.answer("appointment_checkin")
    assert visit.ended[-1] == ("guide", "chained") and visit.engine.flow.id == "appointment_checkin"


def test_the_guide_is_registered_with_the_services():
    assert (
        flow_registry()["guide"].step("need").choices == guide_flow(SERVICES).step("need").choices
    )
