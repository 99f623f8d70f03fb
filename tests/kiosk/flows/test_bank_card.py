"""The bank card steps (here inside bill payment, on the core): the PIN checked by the bank, the
card handed back, reminded, or kept - and always accounted for in the card's state."""

from __future__ import annotations

from kiosk.flows.bank_card import REMIND_CARD, TAKE_CARD, BankCardState, card_note
from kiosk.masking import mask_pan


def _card_in(visit, pin: str | None = "147258") -> BankCardState:
    visit.devices.card_reader.insert("wang")
    if pin:
        visit.key_pin(pin)
    visit.kiosk.begin("bill_payment")
    return visit.engine.session.state(BankCardState)


def test_the_card_is_in_the_state_while_it_is_in_the_reader(visit):
    state = _card_in(visit)
    assert visit.step == "biller" and state.card is not None and state.verified is not None
    assert state.verified.pan_masked == mask_pan(state.card.pan)


def test_a_wrong_pin_shows_the_tries_left_and_may_be_keyed_again(visit):
    state = _card_in(visit, pin="000000")
    assert visit.step == "pin" and visit.errors[-1].can_retry
    assert visit.errors[-1].message_key == "backend.declined.pin_wrong"
    visit.key_pin("147258")
    visit.engine.retry()
    assert visit.step == "biller" and state.verified is not None


def test_cancel_on_the_pin_pad_hands_the_card_back_with_the_reason(visit):
    visit.devices.card_reader.insert("wang")
    visit.devices.pin_pad.press("cancel")
    visit.kiosk.begin("bill_payment")
    session = visit.engine.session
    assert visit.step == "not_done" and session.state(BankCardState).card is None
    assert session.failure is not None and session.failure.message_key == "bank_card.pin.cancelled"


def test_a_card_left_in_the_slot_is_reminded_then_kept_and_journaled(visit, core_kiosk):
    visit.devices.card_reader.inject("walk_away", times=2)
    visit.devices.card_reader.insert("wang")
    visit.devices.pin_pad.press("cancel")
    entered = []
    visit.engine.step_entered.connect(lambda view: entered.append(view.step.id))
    visit.kiosk.begin("bill_payment")
    session = visit.engine.session
    assert entered[-4:-1] == [TAKE_CARD, REMIND_CARD, "print_receipt"]
    assert card_note(session) == "bank_card.returned.retained"
    [event] = [e for e in core_kiosk.engine.services.journal.entries() if e.kind == "intent"]
    assert event.operation == "card_not_returned"
    assert event.data == {"card": "622848*********8010", "reason": "retained"}


def test_a_visit_cancelled_with_the_card_inside_gives_it_back(visit):
    state = _card_in(visit)
    assert state.card is not None
    visit.engine.cancel()
    assert visit.ended == [("bill_payment", "cancelled")]
    assert not visit.devices.card_reader.present()  # ejected and taken
