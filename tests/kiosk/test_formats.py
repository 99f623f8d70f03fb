"""Amounts, dates and times as each of the kiosk's languages writes them (CLDR through
Babel): two decimals and grouping for money, the 24-hour clock every branch uses, and the
weekday the top bar shows."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from kiosk import formats
from kiosk.i18n import available_languages

WEDNESDAY = date(2026, 12, 2)


@pytest.mark.parametrize("language", available_languages())
def test_amounts_have_two_decimals_and_grouping_in_every_language(language):
    assert formats.amount(123_450, language) == "1,234.50"
    assert formats.amount(5, language) == "0.05"  # five fen, not "0.5" or "5"
    assert formats.amount(8_650, language) == "86.50"
    assert formats.amount(100_000_000, language) == "1,000,000.00"


@pytest.mark.parametrize("language", available_languages())
def test_the_clock_is_24_hour_in_every_language(language):
    assert formats.clock(time(14, 5), language) == "14:05"
    assert formats.clock(datetime(2026, 12, 2, 9, 30), language) == "09:30"


@pytest.mark.parametrize(
    ("language", "top_bar", "short", "full"),
    [
        ("zh_CN", "12月2日周三", "12月2日", "2026年12月2日"),
        ("zh_TW", "12月2日週三", "12月2日", "2026年12月2日"),
        ("en", "Wed, Dec 2", "Dec 2", "December 2, 2026"),
        ("ko", "12월 2일 (수)", "12월 2일", "2026년 12월 2일"),
    ],
)
def test_dates_are_written_as_each_language_writes_them(language, top_bar, short, full):
    assert formats.day_and_weekday(WEDNESDAY, language) == top_bar
    assert formats.short_date(WEDNESDAY, language) == short
    assert formats.full_date(WEDNESDAY, language) == full
