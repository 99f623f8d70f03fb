"""Card issue on the core: who is waiting for a card, the card type chosen, the PIN set, and a
card the customer never gets."""

from __future__ import annotations

from kiosk.flows.card_issue import CardIssueState
from kiosk.flows.pin_setup import PinSetupState
from tests.sandbox_bank import open_account_without_card

GOOD_PIN = "802413"


def _identified(visit, person: str = "zhao"):
    visit.devices.id_card_reader.insert(person)
    visit.devices.camera.set_face(True)
    visit.kiosk.begin("card_issue")
    return visit.engine.session


def test_the_card_is_issued_for_the_account_waiting_for_it(visit, core_kiosk):
    account = open_account_without_card(core_kiosk.engine.services.backend)
    said: list = []
    visit.engine.step_entered.connect(lambda view: said.append((view.step.id, view.alone)))
    for key in (*GOOD_PIN, "enter") * 2:  # keyed ahead: the PIN pad queues them
        visit.devices.pin_pad.press(key)
    session = _identified(visit)
    state = session.state(CardIssueState)
    assert visit.step == "issued" and state.card_type == "standard_debit"
    assert [a.account_number for a in state.awaiting] == [account]
    # one card type for that account: no screen to choose it, the PIN screen says so
    assert "card_type" not in [step for step, _ in said]
    assert ("set_pin", ("card_issue.type.title", "backend.product.standard_debit")) in said
    assert state.account is not None and state.account.account_number == account
    assert state.issued is not None and session.state(PinSetupState).block is not None
    # find, ID card, face, find again, PIN, dispense, print, take back, result
    assert visit.stages == [0, 0, 0, 0, 1, 2, 3, 3, 3]


def test_nobody_waiting_may_go_on_to_open_an_account(visit):
    session = _identified(visit, "wang")  # his one account has its card already
    assert visit.step == "no_account"
    assert session.failure is not None
    assert session.failure.message_key == "card_issue.no_account.reason"
    visit.answer("open_account")
    assert visit.engine.flow.id == "account_opening" and visit.engine.session is session


def test_a_jam_calls_staff_and_the_result_says_so(visit, core_kiosk):
    open_account_without_card(core_kiosk.engine.services.backend)
    staff = []
    core_kiosk.staff_called.connect(staff.append)
    visit.devices.card_dispenser.inject("jam")
    for key in (*GOOD_PIN, "enter") * 2:  # keyed ahead; the one card type is taken alone
        visit.devices.pin_pad.press(key)
    session = _identified(visit)
    assert visit.step == "not_issued" and session.state(CardIssueState).staff_called
    assert session.failure is not None and session.failure.message_key == "card_issue.error.jammed"
    assert staff == ["device_fault"]
