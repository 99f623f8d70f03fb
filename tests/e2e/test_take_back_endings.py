"""However a visit ends — refused, failed, cancelled — while the customer's ID card or bank card
is still in a reader, the kiosk asks for it back on its take-back step (with the picture of
what to take, and its reminders) before the visit is over, and calls staff only when it really
is not taken. The whole kiosk: the real window, the sandbox bank over HTTP, simulated devices."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.flows import bank_card
from kiosk.flows.bank_card import REMIND_CARD, TAKE_CARD
from kiosk.flows.take_back import REMINDERS, STAFF_REASON, TAKE_BACK
from tests.e2e.test_account_opening import begin
from tests.e2e.test_bill_payment import choose_bill, insert_and_key_pin
from ui.art import Picture

LEFT = ("id_card_left", "card_not_returned")  # what the journal holds for a card not taken


class Visit:
    """The steps a visit went through and how it ended."""

    def __init__(self, k):
        self.k = k
        self.steps: list[str] = []
        self.ended: list[str] = []
        k.engine.step_entered.connect(lambda view: self.steps.append(view.step.id))
        k.engine.flow_ended.connect(lambda _flow, reason: self.ended.append(reason))

    def after(self, step: str) -> list[str]:
        return self.steps[self.steps.index(step) :]


def settled(k) -> None:
    """Whatever the visit's end still does on a worker (its clean-up, a staff call) is done."""
    k.runner.wait_idle()
    QApplication.processEvents()
    k.runner.wait_idle()


def shows_what_to_take(k, title: str, **params: object) -> None:
    k.sees_message(title, **params)
    pictures = k.window.step_screen.findChildren(Picture)
    assert any(p.isVisible() for p in pictures), "no picture of what to take"


def cancels_at(k, step: str) -> None:
    k.wait_for_step(step)
    k.tap("cancel")
    k.tap("cancel_yes")  # "you will lose what you entered": yes, cancel


def the_id_card_only(k) -> str:
    return k.message("take_back.item.id_card")  # no receipt printed: only the card is asked for


def nothing_left_nobody_called(k) -> None:
    k.wait_for_screen("attract")
    settled(k)
    assert k.staff_calls() == []
    assert k.services.left_behind.items() == [] and k.kiosk.left_in_readers() == []
    assert [e.operation for e in k.journal.entries() if e.operation in LEFT] == []
    assert not k.devices.id_card_reader.present() and not k.devices.card_reader.present()
    assert k.devices.card_reader.status().supplies["retained"] == 0


# --- the ID card ---------------------------------------------------------------------------


def test_account_opening_stopped_after_the_id_card_asks_for_it_back(kiosk_app):
    k = kiosk_app
    visit = Visit(k)
    begin(k, "chen")  # her ID card is read, then the registry refuses it
    k.wait_for_step("stopped")
    k.sees_message("backend.declined.id_reported_lost")  # the reason is read first
    assert k.devices.id_card_reader.present()
    k.tap("choice_done")
    k.wait_until(lambda: k.step() == TAKE_BACK)
    shows_what_to_take(k, "take_back.title", items=the_id_card_only(k))
    k.takes_id_card_back()
    nothing_left_nobody_called(k)
    assert visit.after("stopped") == ["stopped", TAKE_BACK] and visit.ended == ["completed"]


def card_issue_for(k, person: str) -> Visit:
    visit = Visit(k)
    k.devices.id_card_reader.insert(person)
    k.devices.camera.set_face(True)
    k.start("card_issue")
    return visit


def test_card_issue_refused_gives_the_id_card_back(kiosk_app):
    k = kiosk_app
    visit = card_issue_for(k, "chen")
    k.wait_for_step("not_issued")  # no card this time
    k.sees_message("backend.declined.id_reported_lost")
    k.tap("choice_done")
    k.wait_until(lambda: k.step() == TAKE_BACK)
    shows_what_to_take(k, "take_back.title", items=the_id_card_only(k))
    k.takes_id_card_back()
    nothing_left_nobody_called(k)
    assert visit.after("not_issued") == ["not_issued", TAKE_BACK]


def test_card_issue_with_no_account_waiting_gives_the_id_card_back(kiosk_app):
    k = kiosk_app
    visit = card_issue_for(k, "wang")  # his one account has its card already
    k.wait_for_step("no_account")
    k.tap("choice_done")
    k.takes_id_card_back()
    nothing_left_nobody_called(k)
    assert visit.after("no_account") == ["no_account", TAKE_BACK]


def test_cancelling_account_opening_after_the_id_card_asks_for_it_back(kiosk_app):
    k = kiosk_app
    visit = Visit(k)
    begin(k)
    cancels_at(k, "phone")
    k.wait_until(lambda: k.step() == TAKE_BACK)
    shows_what_to_take(k, "take_back.title", items=the_id_card_only(k))
    assert k.buttons("cancel") == []  # nothing more to cancel: the visit is ending
    k.takes_id_card_back()
    nothing_left_nobody_called(k)
    assert visit.after("phone") == ["phone", TAKE_BACK] and visit.ended == ["cancelled"]


def test_a_refused_customer_who_walks_off_is_reminded_then_staff_come_once(kiosk_app):
    k = kiosk_app
    visit = Visit(k)
    # the read is left alone; each of the take-back's three waits ends with the card there
    k.devices.id_card_reader.inject("timeout", times=3, after=1)
    begin(k, "chen")
    k.wait_for_step("stopped")
    k.tap("choice_done")
    k.wait_for_screen("attract")
    assert visit.after("stopped") == ["stopped", TAKE_BACK, *REMINDERS]
    k.wait_until(lambda: STAFF_REASON in k.staff_calls())
    settled(k)
    assert k.staff_calls() == [STAFF_REASON]  # the take-back called them; the clean-up did not
    left = [e.step for e in k.journal.entries() if e.operation == "id_card_left"]
    assert left == [REMINDERS[-1]]
    assert [i.item for i in k.services.left_behind.items()] == ["id_card"]
    k.sees_message("ui.attract.left.id_card")
    k.kiosk.begin("card_issue")
    assert not k.engine.active  # never read into the next customer's visit


# --- the bank card -------------------------------------------------------------------------


@pytest.fixture
def customer_takes_the_card(make_kiosk, monkeypatch):
    """A kiosk whose customer takes the ejected card only when they choose to; the reminder
    comes after tenths of seconds, not 8 s."""
    monkeypatch.setattr(bank_card, "REMIND_AFTER_S", 0.3)
    return make_kiosk(card_reader={"driver": "simulated", "auto_take": False})


def takes_the_card_when_reminded(k) -> None:
    k.wait_until(lambda: k.step() == REMIND_CARD)  # ejected, still in the slot
    shows_what_to_take(k, "bank_card.remind.title")
    k.devices.card_reader.take()


def test_a_declined_bill_payment_gives_the_card_back(customer_takes_the_card):
    k = customer_takes_the_card
    visit = Visit(k)
    insert_and_key_pin(k)
    choose_bill(k, "property", "5005678901")  # more than 王小明 has
    k.tap("confirm")
    k.wait_until(lambda: k.step() == TAKE_CARD)
    shows_what_to_take(k, "bank_card.take.title")
    takes_the_card_when_reminded(k)
    k.wait_for_step("not_done")
    k.sees_message("backend.declined.insufficient_funds")
    k.tap("choice_done")
    nothing_left_nobody_called(k)
    assert visit.after("review")[:3] == ["review", TAKE_CARD, REMIND_CARD]
    assert visit.steps[-1] == "not_done"  # the card came back before the result


def test_cancelling_with_the_card_in_gives_it_back_before_the_visit_ends(customer_takes_the_card):
    k = customer_takes_the_card
    visit = Visit(k)
    insert_and_key_pin(k)
    cancels_at(k, "biller")
    k.wait_until(lambda: k.step() == TAKE_CARD)
    shows_what_to_take(k, "bank_card.take.title")
    assert k.window.current_screen() == "step"  # not the attract screen with a card out
    assert k.buttons("cancel") == []
    takes_the_card_when_reminded(k)
    nothing_left_nobody_called(k)
    assert visit.after("biller") == ["biller", TAKE_CARD, REMIND_CARD]
    assert visit.ended == ["cancelled"]
