"""The Luhn check digit (ISO/IEC 7812-1) that ends every bank card number: one place for the
card dispenser making new numbers, the demo cards and the sandbox bank."""

from __future__ import annotations


def luhn_check_digit(digits: str) -> str:
    """The digit that makes `digits` + it a valid card number."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:  # every second digit from the right, counting the check digit's place
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    return len(number) > 1 and number.isdigit() and luhn_check_digit(number[:-1]) == number[-1]
