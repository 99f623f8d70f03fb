"""The end of a visit: the rating is kept as a figure; an offer only for a customer who
consented to offers (the bank decides), who did not refuse one this visit, out of care mode."""

from __future__ import annotations

import pytest

from hardware.registry import build_devices
from kiosk.config import Config
from kiosk.flows.feedback import CONSENT, CUSTOMER_ID, FIRST_STEP, OFFER, feedback_steps
from kiosk.flows.model import StepContext
from kiosk.journal import Journal
from kiosk.metrics import Figures
from kiosk.services import Services
from kiosk.session import CustomerSession

RATING, OFFER_STEP = feedback_steps()


@pytest.fixture
def services(client, tmp_path):
    devices, journal = build_devices(), Journal(tmp_path / "journal.db", bytes(32))
    yield Services(Config(), Figures(), backend=client, devices=devices, journal=journal)
    devices.close()
    journal.close()


def rate(
    services, value: str, customer: str | None = "C1001", care_mode: bool = False, **session_data
) -> tuple[str | None, CustomerSession]:
    session = CustomerSession("zh_CN", care_mode=care_mode)
    if customer:
        session[CUSTOMER_ID] = customer
    session.data.update(session_data)
    return RATING.action(StepContext(session, services, value)), session


def test_a_rating_is_counted_and_a_consenting_customer_gets_one_offer(services):
    assert RATING.id == FIRST_STEP
    goto, session = rate(services, "4")
    assert goto == OFFER_STEP.id and session[OFFER].offer_id == "savings_plan"
    assert services.figures.snapshot()["rating.4"] == 1
    OFFER_STEP.action(StepContext(session, services, "interested"))
    assert services.figures.snapshot()["offer.savings_plan.interested"] == 1


def test_skipping_the_rating_counts_nothing(services):
    goto, _session = rate(services, "skip")
    assert goto == OFFER_STEP.id
    assert not any(name.startswith("rating") for name in services.figures.snapshot())


@pytest.mark.parametrize(
    "case",
    [
        {"customer": "C1004"},  # 陈静 never consented: the bank has no offer for her
        {"care_mode": True},  # a senior being talked through is not sold to
        {CONSENT: False},  # refused offers earlier in this visit
        {"customer": None},  # nobody identified (a check-in by QR code)
    ],
)
def test_no_offer(services, case):
    goto, session = rate(services, "5", **case)
    assert goto == "end" and OFFER not in session


def test_no_offer_when_the_bank_cannot_be_reached(services, sandbox):  # noqa: F811
    sandbox.arm_fault("find_offer", "503", count=3)
    goto, _session = rate(services, "5")
    assert goto == "end"
