from __future__ import annotations

import pytest

from hardware.card_dispenser.simulated import SimulatedCardDispenser
from hardware.demo_people import PEOPLE
from hardware.errors import CardJammed, DispenserEmpty, RecommendedAction
from hardware.luhn import luhn_valid


def test_dispenses_fresh_luhn_valid_cards_until_the_cassette_is_empty():
    dispenser = SimulatedCardDispenser(stock=3)
    cards = [dispenser.dispense(timeout=1) for _ in range(3)]
    pans = {card.pan for card in cards}
    assert len(pans) == 3 and all(luhn_valid(p) and len(p) == 19 for p in pans)
    assert not pans & {person.pan for person in PEOPLE.values()}
    assert dispenser.stock() == 0 and not dispenser.status().usable
    with pytest.raises(DispenserEmpty) as caught:
        dispenser.dispense(timeout=1)
    assert dispenser.status().message_key == caught.value.message_key
    dispenser.set_stock(100)
    assert dispenser.status().usable and dispenser.status().message_key is None
    assert dispenser.dispense(timeout=1).pan not in pans


def test_card_left_in_the_slot_is_captured():
    dispenser = SimulatedCardDispenser(auto_take=False)
    card = dispenser.dispense(timeout=1)
    assert card.pan[-4:] in repr(card) and card.pan not in repr(card)
    with pytest.raises(Exception, match="not taken"):
        dispenser.wait_taken(timeout=0.1)
    dispenser.capture()
    assert dispenser.status().supplies["captured"] == 1


def test_a_jammed_card_cannot_be_captured_and_waits_for_staff():
    dispenser = SimulatedCardDispenser(faults=["jam"])
    with pytest.raises(CardJammed):
        dispenser.dispense(timeout=1)
    with pytest.raises(CardJammed) as caught:  # not "no card": it is stuck inside
        dispenser.capture()
    assert caught.value.action is RecommendedAction.CLEAR and not dispenser.status().usable
    dispenser.reset()  # staff cleared the transport
    assert dispenser.status().usable and dispenser.dispense(timeout=1).serial
