import datetime as dt

import pytest

from kiosk.flows.validators import age_on, id_number_problem, mobile_problem


@pytest.mark.parametrize(
    "value, problem",
    [
        ("110105198805120237", None),
        ("222401195003080469", None),
        ("110105198805120238", "flow.error.id_number_check"),
        ("11010519880512023", "flow.error.id_number_format"),
        ("110105198802300237", "flow.error.id_number_format"),  # 30 February
        ("11010519880512023A", "flow.error.id_number_format"),
    ],
)
def test_resident_id_numbers(value, problem):
    assert id_number_problem(value) == problem


def test_mobile_and_age():
    assert mobile_problem("13800138000") is None
    assert mobile_problem("12800138000") == "flow.error.mobile"
    assert age_on(dt.date(1950, 3, 8), dt.date(2026, 3, 7)) == 75
    assert age_on(dt.date(1950, 3, 8), dt.date(2026, 3, 8)) == 76
