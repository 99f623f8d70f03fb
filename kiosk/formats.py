"""Dates, times and amounts as each language writes them (CLDR data through Babel), never
formatted by hand. Languages are the catalogs' names (zh_CN, zh_TW, en, ko)."""

from __future__ import annotations

from datetime import date, datetime, time

from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal


def amount(fen: int, language: str) -> str:
    """An amount in yuan with two decimals and the language's grouping (1,234.50)."""
    return format_decimal(fen / 100, "#,##0.00", locale=language)


def day_and_weekday(day: date, language: str) -> str:
    """Month, day and weekday, as the top bar shows them (12月2日周三, Wed, Dec 2)."""
    return format_skeleton("MMMEd", day, locale=language)


def short_date(day: date, language: str) -> str:
    """Month and day (12月2日, Dec 2)."""
    return format_skeleton("MMMd", day, locale=language)


def clock(moment: time | datetime, language: str) -> str:
    """Hours and minutes on the 24-hour clock every branch uses (14:05)."""
    return format_skeleton("Hm", moment, locale=language)


def full_date(day: date, language: str) -> str:
    """A date in full on a screen or a slip (2031年5月1日, May 1, 2031)."""
    return format_date(day, "long", locale=language)
