"""The storyboard's demo customer on the real window: taps the real buttons (turning care
mode's pages to find a choice), waits in the event loop for a step or a failure, and says
what the screen showed when something never came."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from ui.storyboard.customer import Customer, Stuck, screen_text


@pytest.fixture
def customer(window):
    return Customer(window)


def test_the_customer_starts_a_service_from_the_home_screen_and_answers(window, customer):
    window.show_home()
    customer.start("guide")
    customer.at("need")
    customer.tap("choice_cash")
    customer.at("cash_amount")
    assert window.engine.view.step.id == "cash_amount"


def test_in_care_mode_a_choice_on_a_later_page_is_found_with_more(window, customer):
    window.kiosk.set_care_mode(True)
    window.show_home()
    customer.start("guide")
    customer.at("need")
    last = window.engine.view.choices[-1].id
    assert len(window.engine.view.choices) > 3  # three a page in care mode: "more" is needed
    customer.tap(f"choice_{last}")
    customer.wait(lambda: window.engine.view.step.id != "need", "the next step")


def test_waiting_for_what_never_comes_says_what_the_screen_shows(window, customer):
    window.show_home()
    with pytest.raises(Stuck) as stuck:
        customer.wait(lambda: False, "a miracle", seconds=0.2)
    message = str(stuck.value)
    assert "waited for a miracle" in message
    assert window.catalog.text("ui.home.title") in message


def test_a_failure_shown_is_seen_and_forgotten_on_the_next_step(window, customer):
    window.show_home()
    customer.start("bill_payment")
    customer.at("insert_card")
    customer.devices.card_reader.inject("unreadable")
    customer.devices.card_reader.insert("wang")
    customer.fails()
    assert customer.failed_here
    customer.tap("retry")  # the next try is a step entered afresh
    customer.wait(lambda: not customer.failed_here, "the failure forgotten")


def test_the_screen_text_is_every_shown_label_and_button_in_one_line(window):
    window.show_home()
    text = screen_text(window)
    shown = [w.text() for w in window.findChildren(QLabel) if w.isVisible() and w.text()]
    assert shown and all(label in text for label in shown)
    assert " | " in text
