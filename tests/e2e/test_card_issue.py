"""发卡 on the whole kiosk: straight after account opening (same visit), or on its own with ID
card and face; dispenser faults with the binding reversed and staff called."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import Qt

from kiosk.flows.account_opening import AccountOpeningState
from kiosk.journal import reconcile
from kiosk.sandbox.seed import secret_matches
from tests.sandbox_bank import open_account_without_card

ZHAO_ID = "320102199403250527"
ZHAO_PHONE = "13500135000"
GOOD_PIN = "802413"


def key_pin_twice(k, pin: str = GOOD_PIN) -> None:
    k.wait_until(lambda: k.step() == "set_pin")
    for key in (*pin, "enter") * 2:
        k.devices.pin_pad.press(key)


def identify(k, person: str = "zhao") -> None:
    k.devices.id_card_reader.insert(person)
    k.devices.camera.set_face(True)
    k.start("card_issue")


def cards_of(k, account_number: str) -> list[dict]:
    with k.sandbox.database.transaction() as tx:
        return tx.all("SELECT * FROM cards WHERE account_number = ?", account_number)


def test_straight_on_from_account_opening_in_the_same_visit(kiosk_app, caplog):
    caplog.set_level(logging.INFO)
    k = kiosk_app
    k.devices.id_card_reader.insert("zhao")
    k.devices.camera.set_face(True)
    k.start("account_opening")
    k.tap("choice_standard_debit")
    k.tap("choice_II")
    for document in ("agreement", "consent"):
        k.wait_for_step(document)
        k.reads_to_the_end()
        k.tap("choice_agree")
    k.wait_for_step("phone")
    k.type_digits(ZHAO_PHONE)
    k.tap("confirm")
    k.wait_for_step("otp")
    k.type_digits("246810")
    k.tap("confirm")
    k.wait_for_step("review")
    k.tap("confirm")
    key_pin_twice(k)
    k.takes_id_card_back()
    k.wait_for_step("opened")
    session = k.engine.session
    pin_screens = []
    k.engine.step_entered.connect(lambda view: pin_screens.append(view.step.id == "set_pin"))
    k.tap("choice_card_issue")
    # no second ID card read or photo, no choice of the one card type the account has, and
    # no PIN again: the card takes the one set minutes ago
    k.wait_for_step("issued")
    assert k.engine.flow.id == "card_issue" and k.engine.session is session
    assert not any(pin_screens)
    k.sees_message("card_issue.issued.title")

    account = session.state(AccountOpeningState).account.account_number
    [card] = cards_of(k, account)
    assert card["status"] == "active" and card["card_serial"].startswith("SIM")
    assert secret_matches(GOOD_PIN, card["pin_hash"])  # the PIN set at opening opens the card
    k.sees(card["pan"][:6] + "*********" + card["pan"][-4:])
    assert card["pan"] not in k.screen_text()
    printed = "\n".join(k.devices.printer.printed[-1].rows)
    assert k.message("card_issue.receipt.title") in printed and card["pan"][-4:] in printed
    assert card["pan"] not in printed and account not in printed
    assert [op for op, _ in k.journaled()] == [
        "verify_identity",
        "check_new_pin",
        "open_account",
        "issue_card",
    ]
    everything = caplog.text + str([e.data for e in k.journal.entries()])
    for secret in (card["pan"], account, ZHAO_ID, GOOD_PIN):
        assert secret not in everything
    k.tap("choice_done")
    k.tap("choice_skip")
    k.wait_for_screen("attract")
    k.wait_until(lambda: session.is_empty)  # forgotten once the clean-up is done


def test_on_its_own_with_id_card_and_face(kiosk_app):
    k = kiosk_app
    account = open_account_without_card(k.backend)
    identify(k)
    # the account's one card type is taken without a screen: the PIN comes next
    key_pin_twice(k)
    k.takes_id_card_back()
    k.wait_for_step("issued")
    assert [c["status"] for c in cards_of(k, account)] == ["active"]
    assert k.devices.card_dispenser.stock() == 49


def test_nobody_waiting_for_a_card_may_open_an_account_first(kiosk_app):
    k = kiosk_app
    identify(k, "wang")  # his one account has its card already
    k.wait_for_step("no_account")
    k.sees_message("card_issue.no_account.title")
    session = k.engine.session
    k.tap("choice_open_account")
    k.wait_for_step("product")
    assert k.engine.flow.id == "account_opening" and k.engine.session is session


def test_a_card_not_taken_is_captured_and_its_binding_reversed_first(kiosk_app):
    k = kiosk_app
    account = open_account_without_card(k.backend)
    journal_when_told: list[list[tuple]] = []
    k.engine.step_entered.connect(
        lambda view: (
            journal_when_told.append(k.journaled()) if view.step.id == "not_issued" else None
        )
    )
    k.devices.card_dispenser.inject("walk_away")
    identify(k)
    # the account's one card type is taken without a screen: the PIN comes next
    key_pin_twice(k)
    k.wait_for_step("not_issued")
    k.sees_message("card_issue.error.not_taken")
    # the reversal was journaled and done before the customer saw the failure screen
    assert journal_when_told[0][-2:] == [("issue_card", "done"), ("reverse_card_binding", "done")]
    assert [c["status"] for c in cards_of(k, account)] == ["reversed"]
    with k.sandbox.database.transaction() as tx:
        key = next(e.idempotency_key for e in k.journal.entries() if e.operation == "issue_card")
        assert (
            tx.one("SELECT outcome FROM idempotency WHERE idem_key = ?", key)["outcome"]
            == "reversed"
        )
    assert k.devices.card_dispenser.status().supplies["captured"] == 1


@pytest.mark.parametrize("fault", ["drop_before_commit", "503"])
def test_a_reversal_the_bank_did_not_get_is_sent_again_until_it_does(kiosk_app, fault):
    k = kiosk_app
    account = open_account_without_card(k.backend)
    k.devices.card_dispenser.inject("walk_away")
    k.sandbox.arm_fault("reverse_card_binding", fault)
    identify(k)
    # the account's one card type is taken without a screen: the PIN comes next
    key_pin_twice(k)
    k.wait_for_step("not_issued")
    # the bank never got the reversal: the card still counts as the customer's, staff know
    assert [c["status"] for c in cards_of(k, account)] != ["reversed"]
    k.wait_until(lambda: "device_fault" in k.staff_calls())
    assert ("reverse_card_binding", "unknown") in k.journaled()
    settled = reconcile(k.journal, k.backend)  # what the next start-up (or a restart) does
    assert [(r.intent.operation, r.outcome) for r in settled] == [("reverse_card_binding", "done")]
    assert [c["status"] for c in cards_of(k, account)] == ["reversed"]
    assert reconcile(k.journal, k.backend) == []  # settled once, never sent a third time


def test_a_jam_calls_staff_and_binds_nothing(kiosk_app):
    k = kiosk_app
    account = open_account_without_card(k.backend)
    k.devices.card_dispenser.inject("jam")
    identify(k)
    # the account's one card type is taken without a screen: the PIN comes next
    key_pin_twice(k)
    k.wait_for_step("not_issued")
    k.sees_message("card_issue.error.jammed")
    k.sees_message("card_issue.not_issued.staff")
    k.wait_until(lambda: k.staff_calls() == ["device_fault"])
    assert cards_of(k, account) == []
    assert "issue_card" not in [op for op, _ in k.journaled()]
    # the jammed dispenser waits for staff: the service is off until it is cleared
    assert not k.engine.available("card_issue")


def test_an_empty_dispenser_takes_the_service_off_the_home_screen(kiosk_app):
    k = kiosk_app
    k.devices.card_dispenser.set_stock(0)
    k.qtbot.mouseClick(k.window.attract, Qt.MouseButton.LeftButton)
    k.wait_for_screen("home")
    [tile] = k.buttons("service_card_issue")
    assert not tile.isEnabled()
    k.sees_message("ui.home.unavailable")
    assert {s.flow_id: s.available for s in k.kiosk.services()}["card_issue"] is False
    k.devices.card_dispenser.set_stock(50)
    k.window.show_home()
    k.wait_until(lambda: any(b.isEnabled() for b in k.buttons("service_card_issue")))
