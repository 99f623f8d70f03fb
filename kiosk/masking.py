"""Masking of customers' numbers for screens, logs, journal and receipts.

PCI DSS allows at most the first six and last four digits of a card number (PAN) to be
shown; we use the same rule for the resident ID number (region code + last four) and show a
mobile number as 3+4. Everything that leaves memory goes through these functions.
"""

from __future__ import annotations

import re

_MASK = "*"


def mask_pan(pan: str) -> str:
    """6+4: 6222021234567890123 -> 622202*********0123."""
    digits = re.sub(r"\D", "", pan or "")
    if len(digits) < 12:
        return _MASK * len(digits)
    return digits[:6] + _MASK * (len(digits) - 10) + digits[-4:]


def last4(number: str) -> str:
    digits = re.sub(r"\D", "", number or "")
    return digits[-4:]


def mask_id_number(id_number: str) -> str:
    """Resident ID: region code (6) and the last four; birth date and sequence hidden."""
    value = (id_number or "").strip().upper()
    if len(value) < 10:
        return _MASK * len(value)
    return value[:6] + _MASK * (len(value) - 10) + value[-4:]


def mask_phone(phone: str) -> str:
    """Mainland mobile: 138****8000."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 7:
        return _MASK * len(digits)
    return digits[:3] + _MASK * (len(digits) - 7) + digits[-4:]


def mask_name(name: str) -> str:
    """Chinese names keep the surname (张*三 -> 张**); Latin names keep initials."""
    name = (name or "").strip()
    if not name:
        return ""
    if " " in name:
        return " ".join(part[0] + _MASK * (len(part) - 1) for part in name.split())
    return name[0] + _MASK * (len(name) - 1)


# The log filter's and the journal's last line of defence (code should never write these in the
# first place): a resident ID (17 digits and a digit or X), a card number (12-19 digits), a
# mainland mobile number (11 digits from 13); each may be written in groups split by single
# spaces or dashes, in ASCII or full-width digits. A match must stand alone and take the whole
# run: digits glued to Latin letters or to more digits are part of a code (a payment reference
# B2026120236901F5C27, an idempotency key), never a card, ID or phone number, and are left
# whole. A Chinese label glued to a number (卡号6228...) does not protect it.
_D = "[0-9\uff10-\uff19]"
_SEP = "[ -]?"
_EDGE_BEFORE = "(?<![0-9\uff10-\uff19A-Za-z])(?<![0-9\uff10-\uff19][ -])"
_EDGE_AFTER = "(?![0-9\uff10-\uff19A-Za-z])(?![ -][0-9\uff10-\uff19])"
_ID_RE = re.compile(
    _EDGE_BEFORE + _D + "(?:" + _SEP + _D + "){16}" + _SEP + "(?:" + _D + "|[Xx])" + _EDGE_AFTER
)
_PAN_RE = re.compile(_EDGE_BEFORE + _D + "(?:" + _SEP + _D + "){11,18}" + _EDGE_AFTER)
_PHONE_RE = re.compile(
    _EDGE_BEFORE + "[1\uff11][3-9\uff13-\uff19](?:" + _SEP + _D + "){9}" + _EDGE_AFTER
)


def _digits(text: str) -> str:
    return re.sub(r"[ -]", "", text)


def redact(text: str) -> str:
    """Masks anything in free text that looks like a card, resident ID or mobile number."""
    text = _ID_RE.sub(lambda m: mask_id_number(_digits(m.group())), text)
    text = _PAN_RE.sub(lambda m: mask_pan(m.group()), text)
    return _PHONE_RE.sub(lambda m: mask_phone(m.group()), text)
