"""Supervisor mode: branch staff sign in to refill supplies, see device health and figures,
take the kiosk out of service, or quit the application.

Staff come in only when no customer is mid-visit (as an ATM's supervisor key waits for the
card to be taken), sign in with their staff number and password checked by the bank, and
every sign-in and action is written to the journal.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from kiosk.backend.client import new_idempotency_key
from kiosk.journal import journaled
from kiosk.journal.startup import JournalTrouble
from kiosk.kiosk import Kiosk
from kiosk.left_behind import LeftItem
from kiosk.services import Services

log = logging.getLogger(__name__)


class SupervisorRefused(Exception):
    def __init__(self, message_key: str):
        super().__init__(message_key)
        self.message_key = message_key


@dataclass(frozen=True)
class DeviceLine:
    device: str
    state: str
    supplies: dict[str, int | str]
    message_key: str | None


class Supervisor:
    def __init__(self, kiosk: Kiosk):
        self.kiosk = kiosk
        self.services: Services = kiosk.engine.services
        self.staff_id: str | None = None

    @property
    def signed_in(self) -> bool:
        return self.staff_id is not None

    def may_enter(self) -> bool:
        """Not while a customer is in the middle of a visit."""
        return not self.kiosk.engine.active

    def sign_in(self, staff_id: str, password: str) -> None:
        """Blocking (backend call): run it on a worker."""
        if not self.may_enter():
            raise SupervisorRefused("supervisor.error.customer_present")
        if not (staff_id.isdigit() and len(staff_id) == 6):  # staff numbers have six digits
            raise SupervisorRefused("supervisor.error.refused")
        client = self.services.backend
        # A refusal comes back as Declined, whose message tells staff why (wrong password...).
        journaled(
            self.services.journal,
            "supervisor",
            "sign_in",
            "authorise_by_staff",
            {"staff_id": staff_id},
            lambda key: client.authorise_by_staff(
                staff_id, password, "supervisor_mode", idempotency_key=key
            ),
        )
        self.staff_id = staff_id
        log.warning("supervisor %s signed in", staff_id)

    def sign_out(self) -> None:
        log.warning("supervisor %s signed out", self.staff_id)
        self.staff_id = None

    def devices(self) -> list[DeviceLine]:
        return [
            DeviceLine(s.device, str(s.state), dict(s.supplies), s.message_key)
            for s in (d.status() for d in self.services.devices.all())
        ]

    def left_behind(self) -> list[LeftItem]:
        """Cards customers walked away from: on a reader, in the slot, or captured."""
        return self.services.left_behind.items()

    def figures(self) -> dict[str, int]:
        return self.services.figures.snapshot()

    def _audit(self, action: str, **details: object) -> None:
        """A local action, journaled as done at once: there is nothing to ask the bank later."""
        self._require()
        key = new_idempotency_key()
        journal = self.services.journal
        journal.record_intent(
            "supervisor", action, action, key, {"staff_id": self.staff_id, **details}
        )
        journal.record_outcome(key, "done")
        log.warning("supervisor %s: %s %s", self.staff_id, action, details)

    def refill_cards(self, count: int) -> None:
        self._audit("refill_cards", count=count)
        self.services.devices.card_dispenser.set_stock(count)

    def reset_device(self, device: str) -> None:
        self._audit("reset_device", device=device)
        getattr(self.services.devices, device).reset()

    def set_in_service(self, on: bool) -> None:
        self._audit("in_service" if on else "out_of_service")
        self.kiosk.set_in_service(on)

    def journal_trouble(self) -> JournalTrouble | None:
        """What is wrong with the journal since this start (None: nothing): a JournalTrouble
        with the problem and the file kept aside, for the staff screen."""
        return self.kiosk.journal_trouble

    def may_exit(self, code: str) -> bool:
        """The exit code typed on the supervisor screen; only then does the application quit."""
        self._require()
        ok = code == self.kiosk.config.supervisor.exit_code
        if ok:
            self._audit("exit")
        return ok

    def _require(self) -> None:
        if not self.signed_in:
            raise SupervisorRefused("supervisor.error.not_signed_in")
