"""Receipts: built in the customer's language and masked; a printer out of paper never fails the
flow, and the result screen says where to find the reference instead."""

from __future__ import annotations

from kiosk.flows.model import StepContext
from kiosk.flows.receipt import ReceiptState, build_receipt, catalog_for, print_step, receipt_note
from kiosk.session import CustomerSession


def test_a_receipt_is_in_the_customers_language_and_never_shows_a_full_number():
    session = CustomerSession("en")
    receipt = build_receipt(
        session,
        "bill_payment.receipt.title",
        qr="REF-1",
        lines=[("bill_payment.summary.card", "6228480012345678010")],  # a slip of a flow
        notes=[("receipt.keep", {})],
    )
    words = catalog_for("en")
    assert receipt.title == words.text("bill_payment.receipt.title")
    assert receipt.lines[0].label == words.text("bill_payment.summary.card")
    assert "6228480012345678010" not in receipt.lines[0].value
    assert receipt.notes == (words.text("receipt.keep"),)


def test_paper_out_is_remembered_and_the_result_gives_the_reference_instead(core_kiosk):
    services = core_kiosk.engine.services
    services.devices.printer.inject("paper_out")
    session = CustomerSession("zh_CN")
    step = print_step("print", lambda s: build_receipt(s, "receipt.keep", qr="REF-7"))
    step.action(StepContext(session, services))  # no exception: the flow goes on
    assert session.state(ReceiptState).failed == "devices.error.paper_out"
    words = catalog_for("zh_CN")
    assert receipt_note(session, "REF-7") == words.text(
        "receipt.note.not_printed", reference="REF-7"
    )
    services.devices.printer.load_paper(500)  # staff put a new roll in
    step.action(StepContext(session, services))
    assert session.state(ReceiptState).failed is None
    assert receipt_note(session, "REF-7") == words.text("receipt.note.printed")
