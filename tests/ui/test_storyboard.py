"""The storyboard on one whole flow: bill payment paid by a demo customer (card, PIN, biller,
bill number, review, card back, receipt, result, rating, offer) and refused (a frozen card),
on the real window, engine, sandbox bank and simulated devices, in all four languages and
both themes. Every screen it passes must fit: no clipped or elided text, no overlapping
widgets, no missing word."""

from __future__ import annotations

from kiosk.config import Config
from ui.storyboard import THEMES, never_shown, run

BILL_STEPS = {
    "insert_card",
    "pin",
    "load_billers",
    "biller",
    "bill_source",
    "bill_number",
    "review",
    "take_card",
    "print_receipt",
    "paid",
    "not_done",
    "rating",
}


def test_bill_payment_fits_every_screen_in_every_language_and_theme(qapp):
    languages = list(Config().kiosk.languages)
    assert sorted(languages) == ["en", "ko", "zh_CN", "zh_TW"]
    board = run(
        languages,
        THEMES,
        journeys=["water_bill_paid", "frozen_card"],
        check=True,  # pictures are not saved here: compressing them would double the time
        report=lambda _line: None,
    )
    assert board.offences == []
    for language in languages:
        for theme in THEMES:
            steps = {s.name for s in board.shots if (s.language, s.theme) == (language, theme)}
            assert BILL_STEPS <= steps, (language, theme, BILL_STEPS - steps)
    # the review shows the bill; the frozen card's result says why, as a screen of its own
    assert ("bill_payment", "not_done", "frozen_card") in {s.screen for s in board.shots}
    assert set(never_shown(board)["bill_payment"]) <= {"scan_bill", "take_card_reminder"}
    # care mode makes no offers, so the standard run has one screen more
    assert len({s.screen for s in board.shots if s.theme == "standard"}) > len(
        {s.screen for s in board.shots if s.theme == "care"}
    )
