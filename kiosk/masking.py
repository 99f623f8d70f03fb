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


# A run of 12-19 digits is a card number; 17 digits + a digit or X is a resident ID. Used by the
# log filter as a last line of defence: code should never log these in the first place.
_PAN_RE = re.compile(r"(?<!\d)\d{12,19}(?!\d)")
_ID_RE = re.compile(r"(?<![\dX])\d{17}[\dXx](?![\dX])")


def redact(text: str) -> str:
    """Masks anything in free text that looks like a card or resident ID number."""
    text = _ID_RE.sub(lambda m: mask_id_number(m.group()), text)
    return _PAN_RE.sub(lambda m: mask_pan(m.group()), text)
