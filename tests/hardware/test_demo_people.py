"""The demo people carried by the simulated ID card and bank card readers: real-looking
documents (a valid GB 11643 ID number that agrees with the birth date and sex on the card, a
card number that passes Luhn), found by any handle a demonstrator or a config may use, and the
same people the sandbox bank knows."""

from __future__ import annotations

import pytest

from hardware.demo_people import PEOPLE, find_person
from hardware.luhn import luhn_valid
from kiosk.flows.validators import birth_date_of, id_number_problem
from kiosk.sandbox.seed import CUSTOMERS, PERSONS


@pytest.mark.parametrize("handle", sorted(PEOPLE))
def test_each_demo_id_card_is_a_valid_document_that_agrees_with_itself(handle):
    person = PEOPLE[handle]
    assert id_number_problem(person.id_number, today=person.valid_from) is None
    assert birth_date_of(person.id_number) == person.birth_date
    # GB 11643: the 17th digit is odd for men, even for women
    assert person.sex == ("male" if int(person.id_number[16]) % 2 else "female")
    assert person.valid_to is None or person.valid_to > person.valid_from
    if person.pan is not None:
        assert luhn_valid(person.pan) and len(person.pan) == 19


def test_a_person_is_found_by_handle_id_number_or_card_number():
    wang = PEOPLE["wang"]
    assert find_person("wang") is wang
    assert find_person(wang.id_number) is wang
    assert wang.pan is not None and find_person(wang.pan) is wang


def test_an_unknown_person_is_refused_naming_who_there_is():
    with pytest.raises(KeyError, match="no demo person 'nobody'.*wang"):
        find_person("nobody")


def test_the_sandbox_bank_knows_the_same_people_and_their_cards():
    bank_names = {id_number: name for id_number, name, *_ in PERSONS}
    bank_cards = {row[1]: row[7] for row in CUSTOMERS}  # id number -> card number
    for person in PEOPLE.values():
        assert bank_names.get(person.id_number) == person.name, person.person_id
        assert bank_cards.get(person.id_number) == person.pan, person.person_id
