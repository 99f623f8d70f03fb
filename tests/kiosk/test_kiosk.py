"""The kiosk without a screen: which services it offers, the languages it speaks, care mode
following the customer, who staff are called for, and how the next customer finds it."""

from __future__ import annotations

import pytest


def test_card_issue_is_offered_only_while_the_cassette_has_cards(kiosk):
    offered = {s.flow_id: s.available for s in kiosk.services()}
    assert offered["card_issue"] and offered["bill_payment"]
    kiosk.engine.services.devices.card_dispenser.set_stock(0)
    assert {s.flow_id: s.available for s in kiosk.services()}["card_issue"] is False


def test_a_language_the_branch_does_not_offer_is_refused_and_nothing_changes(kiosk):
    heard: list[str] = []
    kiosk.language_changed.connect(heard.append)
    with pytest.raises(ValueError):
        kiosk.set_language("fr")
    kiosk.set_language("ko")
    assert kiosk.language == "ko" and heard == ["ko"]


def test_a_visit_starts_in_the_kiosks_language_and_care_mode_and_staff_know_where(kiosk):
    kiosk.set_language("en")
    kiosk.set_care_mode(True)
    assert kiosk.where() == "home"
    kiosk.begin("guide")
    session = kiosk.engine.session
    assert (session.language, session.care_mode) == ("en", True)
    assert kiosk.where() == f"guide/{kiosk.engine.view.step.id}"


def test_staff_are_called_for_the_reason_given_or_for_the_customer(kiosk):
    calls: list[str] = []
    kiosk.staff_called.connect(calls.append)
    kiosk.call_staff()
    kiosk.set_care_mode(True)
    kiosk.call_staff()
    kiosk.call_staff("device_fault")
    assert calls == ["customer_help", "care_mode", "device_fault"]


def test_reset_ends_the_visit_and_restores_the_branch_defaults(kiosk):
    ended: list[str] = []
    kiosk.visit_ended.connect(ended.append)
    kiosk.set_language("zh_TW")
    kiosk.set_care_mode(True)
    kiosk.begin("guide")
    session = kiosk.engine.session
    kiosk.engine.submit("lost_card")  # an answer: something to forget
    assert not session.is_empty
    kiosk.reset()
    assert not kiosk.engine.active and session.is_empty and ended == ["cancelled"]
    assert kiosk.language == kiosk.config.kiosk.default_language
    assert kiosk.care_mode == kiosk.config.ui.care_mode


def test_closing_runs_every_closer_even_after_one_fails(kiosk):
    closed: list[str] = []

    def broken() -> None:
        raise OSError("printer already gone")

    kiosk.add_closer(lambda: closed.append("last"))
    kiosk.add_closer(broken, first=True)
    kiosk.add_closer(lambda: closed.append("first"), first=True)
    kiosk.close()
    assert closed[0] == "first" and closed[-1] == "last"
