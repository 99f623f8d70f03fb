"""The storyboard on one whole flow: bill payment paid by a demo customer (card, PIN, biller,
bill number, review, card back, receipt, result, rating, offer) and refused (a frozen card),
on the real window, engine, sandbox bank and simulated devices, in all four languages and
both themes. Every screen it passes must fit: no clipped or elided text, no overlapping
widgets, no missing word."""

from __future__ import annotations

from kiosk.config import Config
from kiosk.flows.bill_payment import BILL_PAYMENT
from kiosk.i18n import load_language
from ui.storyboard import THEMES, Shot, Storyboard, never_shown, run
from ui.storyboard.index import write_index

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
            assert steps >= BILL_STEPS, (language, theme, BILL_STEPS - steps)
    # each picture is of the screen drawn for its step, in its language
    for shot in board.shots:
        if shot.name in ("review", "paid", "not_done"):
            title = load_language(shot.language)[BILL_PAYMENT.step(shot.name).title]
            assert title in shot.text, shot.label()
        if shot.name == "review":
            assert "86.50" in shot.text  # the water bill's amount
    # the frozen card's result says why, as a screen of its own
    assert ("bill_payment", "not_done", "frozen_card") in {s.screen for s in board.shots}
    # (the paper-out journey reaches paid_no_receipt; these two print their receipts)
    assert set(never_shown(board)["bill_payment"]) <= {
        "scan_bill",
        "take_card_reminder",
        "paid_no_receipt",
    }
    # care mode makes no offers, so the standard run has one screen more
    assert len({s.screen for s in board.shots if s.theme == "standard"}) > len(
        {s.screen for s in board.shots if s.theme == "care"}
    )


def test_the_index_is_a_grid_of_screens_by_language_and_theme(tmp_path):
    board = Storyboard(
        shots=[
            Shot("bill_payment", "review", "", "en", "care", "review-en-care.png"),
            Shot("bill_payment", "review", "", "en", "standard", "review-en-standard.png"),
            Shot("bill_payment", "paid", "", "en", "standard", "paid-en.png", ["clipped: x"]),
        ],
        seconds=12,
    )
    page = write_index(board, tmp_path, {"bill_payment": ["scan_bill"]}).read_text()
    header = page.index("<th>en<br>standard</th>")
    assert header < page.index("<th>en<br>care</th>")  # standard before care
    review = page[page.index("<td>review</td>") :].split("</tr>")[0]
    assert review.index("review-en-standard.png") < review.index("review-en-care.png")
    paid = page[page.index("<td>paid</td>") :].split("</tr>")[0]
    assert '<div class="offence">clipped: x</div>' in paid and "<td>—</td>" in paid
    assert "not reached in bill_payment: scan_bill" in page
    assert "2 screens, 3 pictures, 1 offences" in page
