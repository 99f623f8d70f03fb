"""The supervisor's rules without the screen: who may sign in and when, and every staff action
journaled under the staff member's number."""

from __future__ import annotations

import pytest

from kiosk.backend.errors import Declined
from kiosk.supervisor import Supervisor, SupervisorRefused

SUPERVISOR, PASSWORD = "800102", "913579"  # docs/demo-data.md


def refusal(call, *args) -> str:
    with pytest.raises(SupervisorRefused) as caught:
        call(*args)
    return caught.value.message_key


def test_staff_sign_in_only_between_customers_with_a_six_digit_number(kiosk):
    supervisor = Supervisor(kiosk)
    kiosk.begin("guide")
    assert refusal(supervisor.sign_in, SUPERVISOR, PASSWORD) == "supervisor.error.customer_present"
    kiosk.reset()
    assert refusal(supervisor.sign_in, "8001", PASSWORD) == "supervisor.error.refused"
    with pytest.raises(Declined):
        supervisor.sign_in("800103", "246802")  # a teller may not enter supervisor mode
    assert not supervisor.signed_in
    supervisor.sign_in(SUPERVISOR, PASSWORD)
    assert supervisor.signed_in


def test_nothing_is_done_before_sign_in(kiosk):
    supervisor = Supervisor(kiosk)
    assert refusal(supervisor.refill_cards, 200) == "supervisor.error.not_signed_in"
    assert refusal(supervisor.may_exit, "98") == "supervisor.error.not_signed_in"


def test_staff_actions_change_the_kiosk_and_are_journaled_by_who_did_them(kiosk):
    supervisor = Supervisor(kiosk)
    supervisor.sign_in(SUPERVISOR, PASSWORD)
    supervisor.refill_cards(150)
    supervisor.set_in_service(False)
    assert kiosk.engine.services.devices.card_dispenser.stock() == 150
    assert not kiosk.in_service
    assert not supervisor.may_exit("12345")
    assert supervisor.may_exit(kiosk.config.supervisor.exit_code)
    audits = [e for e in kiosk.engine.services.journal.entries() if e.flow == "supervisor"]
    intents = [(e.step, e.data.get("staff_id")) for e in audits if e.kind == "intent"]
    assert intents == [
        ("sign_in", SUPERVISOR),
        ("refill_cards", SUPERVISOR),
        ("out_of_service", SUPERVISOR),
        ("exit_refused", SUPERVISOR),  # a wrong exit code is on the record too
        ("exit", SUPERVISOR),
    ]
    assert all(e.outcome == "done" for e in audits if e.kind == "outcome")


def test_the_device_lines_and_figures_are_what_the_devices_and_counters_say(kiosk):
    supervisor = Supervisor(kiosk)
    kiosk.engine.services.devices.card_dispenser.set_stock(0)
    lines = {line.device: line for line in supervisor.devices()}
    assert lines["card_dispenser"].supplies["cards"] == 0
    kiosk.engine.services.figures.answered("rating", "5")
    assert supervisor.figures()["rating.5"] == 1
