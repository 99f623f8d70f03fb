"""The self-service flows, each declared as data in its own module with its home tile, its
spoken names, its guide words and its stages; `flow_registry` checks and offers them.

To add a service: write its module (a Flow with `home=Home(...)`) and list it in SERVICES.
"""

from __future__ import annotations

from kiosk.flows.account_opening import ACCOUNT_OPENING
from kiosk.flows.appointment_checkin import APPOINTMENT_CHECKIN
from kiosk.flows.bill_payment import BILL_PAYMENT
from kiosk.flows.card_issue import CARD_ISSUE
from kiosk.flows.guide import guide_flow
from kiosk.flows.model import Flow
from kiosk.flows.registry import FlowError, FlowRegistry

SERVICES: tuple[Flow, ...] = (ACCOUNT_OPENING, CARD_ISSUE, BILL_PAYMENT, APPOINTMENT_CHECKIN)


def flow_registry(*extra: Flow) -> FlowRegistry:
    """Every flow of the kiosk (and `extra` ones), checked; raises FlowError naming the flow
    and the step when one cannot be offered. The guide offers every service with guide words."""
    services = (*SERVICES, *extra)
    return FlowRegistry((guide_flow(services), *services))


__all__ = ["SERVICES", "FlowError", "FlowRegistry", "flow_registry"]
