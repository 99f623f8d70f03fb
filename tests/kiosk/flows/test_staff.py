"""Staff authorise a customer's step with their staff card (柜员卡) in the PC/SC reader and its
PIN on the encrypting PIN pad, checked by the (sandbox) bank and journaled; a customer's bank
card is no staff card, and a staff card is no bank card. Real pcscd, vpcd virtual cards."""

from __future__ import annotations

import threading

import pytest

from hardware.card_reader.emv import STAFF_CARD_AID
from hardware.errors import CardUnreadable, NotAStaffCard
from hardware.pcsc.virtual_card import VirtualCard
from kiosk.app import build_kiosk
from kiosk.backend.errors import Declined
from kiosk.flows import account_opening
from kiosk.flows.account_opening import AccountOpeningState
from kiosk.flows.model import StepContext
from kiosk.flows.staff import StaffState
from kiosk.runtime import InlineRunner, ManualClock
from kiosk.sandbox.seed import STAFF_CARD_PINS
from kiosk.session import CustomerSession

READER = "Virtual PCD 00 00"


@pytest.fixture
def kiosk(config, pcscd):
    config.devices["card_reader"] = {"driver": "pcsc", "reader": READER}
    built = build_kiosk(config, InlineRunner(), ManualClock())
    yield built
    built.close()


@pytest.fixture
def staff_card(pcscd):
    card = VirtualCard.staff("800101")
    yield card
    card.remove()


def staff_step(kiosk):
    return kiosk.engine.flows[account_opening.FLOW_ID].step("staff")


def staff_of(session: CustomerSession) -> str | None:
    authorisation = session.state(StaffState).authorisation
    return authorisation.staff_id if authorisation else None


def authorise(kiosk, pin: str) -> CustomerSession:
    """The staff step as the engine runs it, with staff keying `pin` on the PIN pad."""
    session = CustomerSession("zh_CN", False)
    session.state(AccountOpeningState).account_class = "I"
    pin_pad = kiosk.engine.services.devices.pin_pad
    for key in (*pin, "enter"):
        pin_pad.press(key)
    shown = []
    ctx = StepContext(session, kiosk.engine.services, progress=shown.append)
    staff_step(kiosk).action(ctx)
    assert shown and all(set(p["dots"]) <= {"●"} for p in shown)  # the screen sees dots only
    return session


def test_staff_card_and_pin_authorise_and_are_journaled(kiosk, staff_card):
    staff_card.insert()
    session = authorise(kiosk, STAFF_CARD_PINS["800101"])
    assert staff_of(session) == "800101"
    # SELECT of the staff application, then READ RECORD of its record
    assert [apdu[:2].hex() for apdu in staff_card.apdus] == ["00a4", "00b2"]
    assert STAFF_CARD_AID in staff_card.apdus[0]
    [entry] = [e for e in kiosk.engine.services.journal.entries() if e.kind == "intent"]
    assert (entry.step, entry.operation) == ("staff", "authorise_by_staff")
    assert entry.data["staff_id"] == "800101" and entry.data["by"] == "staff_card"
    journal_text = str([e.data for e in kiosk.engine.services.journal.entries()])
    assert STAFF_CARD_PINS["800101"] not in journal_text
    assert staff_step(kiosk).next.choose(session, None) == "open"


def test_a_wrong_staff_pin_is_refused(kiosk, staff_card):
    staff_card.insert()
    with pytest.raises(Declined) as refused:
        authorise(kiosk, "111111")
    assert refused.value.reason_code == "staff_refused"
    outcomes = [e.outcome for e in kiosk.engine.services.journal.entries() if e.kind == "outcome"]
    assert outcomes == ["declined"]


def test_a_customers_bank_card_is_no_staff_card(kiosk, virtual_card):
    virtual_card.insert()
    with pytest.raises(NotAStaffCard):
        authorise(kiosk, STAFF_CARD_PINS["800101"])
    assert kiosk.engine.services.journal.entries() == []  # nothing went to the bank


def test_a_staff_card_is_no_customers_card(kiosk, staff_card):
    staff_card.insert()
    reader = kiosk.engine.services.devices.card_reader
    with pytest.raises(CardUnreadable):
        reader.accept(timeout=10, cancel=threading.Event())


def test_the_password_on_the_screen_is_only_a_configured_fallback(kiosk):
    kiosk.config.supervisor.staff_authorisation = "password"
    session = CustomerSession("zh_CN", False)
    ctx = StepContext(session, kiosk.engine.services)
    step = staff_step(kiosk)
    step.action(ctx)  # no card asked for
    assert step.next.choose(session, None) == "staff_password"
    fallback = kiosk.engine.flows[account_opening.FLOW_ID].step("staff_password")
    answer = {"staff_id": "800101", "password": "802468"}  # keyed on the screen's keypad
    fallback.action(StepContext(session, kiosk.engine.services, answer))
    assert staff_of(session) == "800101"
