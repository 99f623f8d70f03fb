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


def _with_check(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return (
        first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]
    )


def test_id_numbers_are_normalised_before_checking():
    full_width = "１１０１０５１９８８０５１２０２３７"
    assert id_number_problem(full_width) is None
    assert id_number_problem("  110105198805120237 \t") is None
    assert id_number_problem(_with_check("22240119500308046")[:-1] + "ｘ") in (
        None,
        "flow.error.id_number_check",
    )


@pytest.mark.parametrize(
    "first17, today",
    [
        ("11010518990101023", dt.date(2026, 1, 1)),  # born 1899
        ("11010520300101023", dt.date(2026, 1, 1)),  # born in 2030
        ("11010520260102023", dt.date(2026, 1, 1)),  # born tomorrow
    ],
)
def test_impossible_birth_dates_are_refused(first17, today):
    assert id_number_problem(_with_check(first17), today) == "flow.error.id_number_birth_date"


def test_the_sandbox_bank_uses_the_same_id_check():
    from kiosk.sandbox import bank

    assert bank.id_number_problem is id_number_problem
    assert not hasattr(bank, "_ID_WEIGHTS") and not hasattr(bank, "_id_number_valid")
