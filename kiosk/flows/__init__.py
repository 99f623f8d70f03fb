"""The self-service flows, each declared as data in its own module."""

from __future__ import annotations

from kiosk.flows.guide import GUIDE
from kiosk.flows.model import Flow

# The order of the home screen's tiles.
HOME_SERVICES = ("account_opening", "card_issue", "bill_payment", "appointment_checkin")


def all_flows() -> dict[str, Flow]:
    flows = [GUIDE]
    return {flow.id: flow for flow in flows}
