"""Bill payment on the core: what the flow keeps in its state, pays, prints and says at the end."""

from __future__ import annotations

from kiosk.flows.bank_card import BankCardState
from kiosk.flows.bill_payment import BillPaymentState
from kiosk.flows.feedback import FeedbackState
from kiosk.flows.receipt import catalog_for
from kiosk.session import CustomerSession


def _to_the_billers(visit, card: str = "wang", pin: str = "147258") -> CustomerSession:
    visit.devices.card_reader.insert(card)
    visit.key_pin(pin)
    visit.kiosk.begin("bill_payment")
    return visit.engine.session


def test_a_bill_paid_is_kept_printed_and_the_card_comes_back_first(visit):
    session = _to_the_billers(visit)
    state = session.state(BillPaymentState)
    assert visit.step == "biller" and "water" in state.billers
    assert session.state(FeedbackState).customer_id  # the card's owner may be offered a product
    visit.answer("water", "keypad", "1001234567")
    assert visit.step == "review" and state.bill is not None and state.bill.amount_due_fen == 8650
    visit.answer("confirm")
    assert visit.step == "paid" and state.payment is not None
    assert session.state(BankCardState).card is None  # handed back before the receipt
    [printed] = visit.devices.printer.printed
    words = catalog_for("zh_CN")
    assert printed.receipt.title == words.text("bill_payment.receipt.title")
    assert printed.receipt.qr == state.payment.reference
    assert visit.engine.view.params["reference"] == state.payment.reference
    visit.answer("done", "skip", "no_thanks")
    assert visit.ended == [("bill_payment", "completed")] and session.is_empty


def test_a_scanned_paper_bill_names_its_own_biller(visit):
    session = _to_the_billers(visit)
    visit.devices.camera.show_code("BILL:electricity:2002345678")
    visit.answer("water", "scan")  # tapped water, but the paper bill is an electricity bill
    state = session.state(BillPaymentState)
    assert visit.step == "review" and state.biller == "electricity"


def test_a_code_that_is_no_bill_is_explained_and_nothing_moves(visit):
    _to_the_billers(visit)
    visit.devices.camera.show_code("APPT:APT-7F3K9Q")
    visit.answer("water", "scan")
    assert visit.error_keys == ["bill_payment.error.not_a_bill"] and visit.step == "scan_bill"


def test_a_declined_payment_ends_with_the_banks_reason_and_no_receipt(visit):
    session = _to_the_billers(visit)
    visit.answer("property", "keypad", "5005678901")  # more than the account holds
    visit.answer("confirm")
    assert visit.step == "not_done"
    assert session.failure is not None
    assert session.failure.message_key == "backend.declined.insufficient_funds"
    assert session.state(BillPaymentState).payment is None
    assert visit.devices.printer.printed == []
    reason = catalog_for("zh_CN").text("backend.declined.insufficient_funds")
    assert visit.engine.view.params["reason"] == reason


def test_a_frozen_card_goes_straight_back_with_the_reason(visit):
    session = _to_the_billers(visit, card="chen", pin="741852")
    assert visit.step == "not_done"
    assert session.failure is not None and session.failure.message_key.endswith("card_frozen")
    assert session.state(BankCardState).card is None
    assert visit.stages == [0, 0, 3, 3, 3]  # card, PIN, then the card back: the last stage
