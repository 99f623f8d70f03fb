"""Lays a Receipt out as the printed rows, for the ESC/POS driver and the simulator alike.

Chinese characters take two columns on a receipt printer, so widths count display columns.
The last line of defence against a leak: any bare run of 13-19 digits (a card number) or an
18-character resident ID number left in the text is masked to its last four digits.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from enum import StrEnum
from functools import cache

from hardware.ports import Receipt

log = logging.getLogger(__name__)

_LONG_NUMBER = re.compile(r"(?<![0-9A-Za-z*])(\d{17}[\dXx]|\d{13,19})(?![0-9A-Za-z*])")


class Style(StrEnum):
    TITLE = "title"
    TEXT = "text"
    AMOUNT = "amount"


@cache
def _width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def columns(text: str) -> int:
    if text.isascii():  # most rows: one column a character
        return len(text)
    return sum(map(_width, text))


def mask_long_numbers(text: str) -> str:
    def masked(match: re.Match[str]) -> str:
        log.warning("unmasked number ending %s reached the printer; masked it", match[0][-4:])
        return "*" * (len(match[0]) - 4) + match[0][-4:]

    return _LONG_NUMBER.sub(masked, text)


def wrap(text: str, width: int) -> list[str]:
    """Cut text into rows of at most `width` columns."""
    rows, row, used = [], "", 0
    for ch in text:
        if used + _width(ch) > width:
            rows.append(row)
            row, used = "", 0
        row += ch
        used += _width(ch)
    return rows + [row]


def _label_value(label: str, value: str, width: int) -> list[str]:
    gap = width - columns(label) - columns(value)
    if gap >= 1:
        return [label + " " * gap + value]
    # too long for one row: the value goes below, right aligned
    return wrap(label, width) + [" " * (width - columns(row)) + row for row in wrap(value, width)]


def layout(receipt: Receipt, width: int) -> list[tuple[Style, str]]:
    m = mask_long_numbers  # before wrapping, so no number escapes by being split over rows
    rows: list[tuple[Style, str]] = [(Style.TITLE, m(receipt.title)), (Style.TEXT, "-" * width)]
    for line in receipt.lines:
        rows += [(Style.TEXT, row) for row in _label_value(m(line.label), m(line.value), width)]
    if receipt.amounts:
        rows.append((Style.TEXT, "-" * width))
        for line in receipt.amounts:
            rows += [
                (Style.AMOUNT, row) for row in _label_value(m(line.label), m(line.value), width)
            ]
    if receipt.notes:
        rows.append((Style.TEXT, ""))
        rows += [(Style.TEXT, row) for note in receipt.notes for row in wrap(m(note), width)]
    return rows
