"""The Luhn check digit of bank card numbers."""

from __future__ import annotations

import pytest

from hardware.luhn import luhn_check_digit, luhn_valid


@pytest.mark.parametrize(
    "body, digit",
    [("622848001234567801", "0"), ("7992739871", "3"), ("62284800123456780", "3"), ("0", "0")],
)
def test_the_check_digit_completes_a_valid_number(body, digit):
    assert luhn_check_digit(body) == digit
    assert luhn_valid(body + digit)


@pytest.mark.parametrize("number", ["6228480012345678011", "79927398710", "6228-4800", "", "5"])
def test_a_wrong_digit_or_anything_but_digits_is_invalid(number):
    assert not luhn_valid(number)


def test_every_single_digit_slip_is_caught():
    number = "6228480012345678010"
    for i, digit in enumerate(number):
        for other in set("0123456789") - {digit}:
            assert not luhn_valid(number[:i] + other + number[i + 1 :])
