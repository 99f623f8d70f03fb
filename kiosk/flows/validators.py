"""Checks of what customers key in or cards carry. Each returns the message key of the problem,
or None. The resident ID check (GB 11643-1999) lives here once; the sandbox bank uses it too."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
OLDEST_BIRTH_YEAR = 1900  # no resident ID holder was born before


def normalise_id_number(value: str) -> str:
    """Full-width digits (１２３) and a full-width Ｘ become ASCII; spaces around go."""
    return unicodedata.normalize("NFKC", value or "").strip().upper()


def birth_date_of(id_number: str) -> dt.date:
    """The birth date in a resident ID number (ValueError when it is not a date)."""
    value = normalise_id_number(id_number)
    return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def id_number_problem(value: str, today: dt.date | None = None) -> str | None:
    """China resident ID (GB 11643-1999): 17 digits, a possible birth date, a check character."""
    value = normalise_id_number(value)
    if not re.fullmatch(r"[0-9]{17}[0-9X]", value):
        return "flow.error.id_number_format"
    try:
        born = birth_date_of(value)
    except ValueError:
        return "flow.error.id_number_format"
    if born.year < OLDEST_BIRTH_YEAR or born > (today or dt.date.today()):
        return "flow.error.id_number_birth_date"
    check = _ID_CHECK[sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True)) % 11]
    return None if value[17] == check else "flow.error.id_number_check"


def mobile_problem(value: str) -> str | None:
    """Mainland mobile numbers: 11 digits starting 13-19."""
    return None if re.fullmatch(r"1[3-9][0-9]{9}", value) else "flow.error.mobile"


def age_on(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
