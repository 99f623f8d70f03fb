"""The self-service flows, each declared as data in its own module."""

from __future__ import annotations

from kiosk.flows.account_opening import ACCOUNT_OPENING
from kiosk.flows.appointment_checkin import APPOINTMENT_CHECKIN
from kiosk.flows.bill_payment import BILL_PAYMENT
from kiosk.flows.card_issue import CARD_ISSUE
from kiosk.flows.guide import GUIDE
from kiosk.flows.model import Flow

# The order of the home screen's tiles.
HOME_SERVICES = ("account_opening", "card_issue", "bill_payment", "appointment_checkin")


def all_flows() -> dict[str, Flow]:
    flows = [GUIDE, BILL_PAYMENT, APPOINTMENT_CHECKIN, ACCOUNT_OPENING, CARD_ISSUE]
    return {flow.id: flow for flow in flows}
