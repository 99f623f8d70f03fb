"""The ID card checks and the care-mode offer, on the core without a screen:
the kiosk built by kiosk.app with the embedded sandbox over HTTP and simulated devices."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from hardware.demo_people import PEOPLE
from hardware.id_card_reader.simulated import id_card_of
from kiosk.flows.identity import id_card_problem

TODAY = date(2026, 11, 23)


@pytest.fixture
def kiosk(core_kiosk):
    return core_kiosk


def test_a_valid_card_and_a_card_valid_for_life_pass():
    assert id_card_problem(id_card_of(PEOPLE["wang"]), TODAY) is None
    assert PEOPLE["jin"].valid_to is None
    assert id_card_problem(id_card_of(PEOPLE["jin"]), TODAY) is None


def test_expired_under_age_and_garbled_cards_are_refused():
    wang = id_card_of(PEOPLE["wang"])
    expired = dataclasses.replace(wang, valid_to=date(2026, 11, 22))
    assert id_card_problem(expired, TODAY) == ("identity.error.id_expired", True)
    child = dataclasses.replace(wang, birth_date=date(2011, 1, 1))
    assert id_card_problem(child, TODAY) == ("identity.error.under_age", True)
    garbled = dataclasses.replace(wang, id_number=wang.id_number[:-1] + "9")
    assert id_card_problem(garbled, TODAY) == ("identity.error.id_unreadable", False)


def _to_the_id_card(kiosk, person: str) -> None:
    devices = kiosk.engine.services.devices
    devices.id_card_reader.insert(person)
    devices.camera.set_face(True)
    kiosk.begin("account_opening")
    for answer in ("standard_debit", "II", "agree", "agree"):
        if answer == "agree":
            kiosk.engine.body_read()  # the customer read it to the end
        kiosk.engine.submit(answer)


def test_a_senior_who_accepts_care_mode_gets_it_for_the_rest_of_the_visit(kiosk):
    changes = []
    kiosk.care_mode_changed.connect(changes.append)
    _to_the_id_card(kiosk, "jin")
    assert kiosk.engine.view.step.id == "care_offer"
    kiosk.engine.submit("yes")
    assert kiosk.engine.view.step.id == "phone"
    assert kiosk.care_mode and kiosk.engine.session.care_mode and changes == [True]
    kiosk.reset()
    assert not kiosk.care_mode  # the next customer starts as the kiosk is configured


def test_a_younger_customer_is_not_asked(kiosk):
    _to_the_id_card(kiosk, "zhao")
    assert kiosk.engine.view.step.id == "phone" and not kiosk.care_mode
