"""Supervisor mode: branch staff sign in to refill supplies, see device health and figures,
take the kiosk out of service, or quit the application.

Staff come in only when no customer is mid-visit (as an ATM's supervisor key waits for the
card to be taken), sign in with their staff number and password checked by the bank, and
every sign-in, sign-out and action is written to the journal with the staff number.

Wrong passwords are counted here per staff number as well as by the bank, so a bank without
a lockout of its own is still covered; the exit code may be tried a few times per sign-in.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.backend.client import new_idempotency_key
from kiosk.backend.errors import Declined
from kiosk.journal import journaled
from kiosk.journal.journal import Entry
from kiosk.journal.startup import JournalTrouble
from kiosk.kiosk import Kiosk
from kiosk.left_behind import LeftItem
from kiosk.services import Services

log = logging.getLogger(__name__)

JOURNAL_LINES = 200  # the journal tab shows the latest entries


class SupervisorRefused(Exception):
    def __init__(self, message_key: str, **params: object):
        super().__init__(message_key)
        self.message_key = message_key
        self.params = params


@dataclass(frozen=True)
class DeviceLine:
    device: str
    state: str
    supplies: dict[str, int | str]
    message_key: str | None


@dataclass
class _Failures:
    count: int = 0
    locked_until: float = 0.0


class Supervisor:
    def __init__(self, kiosk: Kiosk, clock: Callable[[], float] = time.monotonic):
        self.kiosk = kiosk
        self.services: Services = kiosk.engine.services
        self.settings = kiosk.config.supervisor
        self.staff_id: str | None = None
        self._clock = clock
        self._failures: dict[str, _Failures] = {}
        self._exit_tries = 0

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
        failures = self._failures.setdefault(staff_id, _Failures())
        left = failures.locked_until - self._clock()
        if left > 0:
            log.warning("supervisor sign-in for %s refused: locked here", staff_id)
            raise SupervisorRefused("supervisor.error.locked", minutes=math.ceil(left / 60))
        client = self.services.backend
        try:
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
        except Declined as exc:
            if exc.reason_code == "staff_locked":
                # The bank's lock, often on the same try as the kiosk's own (both at 5): the
                # kiosk locks too, so it keeps refusing for its full time even if the bank
                # lifts its lock early, and staff read the bank's words once.
                failures.count, failures.locked_until = 0, self._lock_until()
            elif exc.reason_code == "staff_refused" and self._count_failure(staff_id, failures):
                # a bank that does not lock (or not yet): the kiosk's own lock is what staff read
                raise SupervisorRefused(
                    "supervisor.error.locked", minutes=math.ceil(self.settings.lock_minutes)
                ) from exc
            raise  # the bank's own words: wrong password, or locked at the bank
        self._failures.pop(staff_id, None)
        self.staff_id, self._exit_tries = staff_id, 0
        log.warning("supervisor %s signed in", staff_id)

    def wrong_passwords(self, staff_id: str) -> int:
        """Wrong passwords counted at this kiosk for `staff_id` since its last sign-in or lock."""
        failures = self._failures.get(staff_id)
        return failures.count if failures else 0

    def _lock_until(self) -> float:
        return self._clock() + self.settings.lock_minutes * 60

    def _count_failure(self, staff_id: str, failures: _Failures) -> bool:
        """One more wrong password; True when it locks the staff number at this kiosk."""
        failures.count += 1
        if failures.count < self.settings.sign_in_tries:
            return False
        failures.count, failures.locked_until = 0, self._lock_until()
        log.warning("staff number %s locked at this kiosk after wrong passwords", staff_id)
        return True

    def sign_out(self, why: str = "staff") -> None:
        """Staff signed out (`staff`), no touch for a while (`idle`), or the screen left."""
        if not self.signed_in:
            return
        self.journal_action("sign_out", why=why)
        self.staff_id = None

    def devices(self) -> list[DeviceLine]:
        return [
            DeviceLine(s.device, str(s.state), dict(s.supplies), s.message_key)
            for s in (d.status() for d in self.services.devices.all())
        ]

    def journal_lines(self) -> list[Entry]:
        """The latest journal entries, newest first (their data is masked when written)."""
        return self.services.journal.entries()[-JOURNAL_LINES:][::-1]

    def open_journal_entries(self) -> int:
        return len(self.services.journal.open_intents())

    def left_behind(self) -> list[LeftItem]:
        """Cards customers walked away from: on a reader, in the slot, or captured."""
        return self.services.left_behind.items()

    def figures(self) -> dict[str, int]:
        """Today's figures as flat counts (the figures tab draws them from the store)."""
        return self.services.figures.snapshot()

    def journal_action(self, action: str, **details: object) -> None:
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
        self.journal_action("refill_cards", count=count)
        self.services.devices.card_dispenser.set_stock(count)

    def reset_device(self, device: str) -> None:
        self.journal_action("reset_device", device=device)
        getattr(self.services.devices, device).reset()

    def set_in_service(self, on: bool) -> None:
        self.journal_action("in_service" if on else "out_of_service")
        self.kiosk.set_in_service(on)

    def journal_trouble(self) -> JournalTrouble | None:
        """What is wrong with the journal since this start (None: nothing): a JournalTrouble
        with the problem and the file kept aside, for the staff screen."""
        return self.kiosk.journal_trouble

    def may_exit(self, code: str) -> bool:
        """The exit code typed on the supervisor screen; only then does the application quit.
        After too many wrong codes staff are signed out and must sign in again."""
        self._require()
        if code == self.settings.exit_code:
            self.journal_action("exit")
            return True
        self._exit_tries += 1
        self.journal_action("exit_refused", tries=self._exit_tries)
        if self._exit_tries >= self.settings.exit_code_tries:
            self.sign_out("exit_tries")
            raise SupervisorRefused("supervisor.error.exit_tries")
        return False

    def _require(self) -> None:
        if not self.signed_in:
            raise SupervisorRefused("supervisor.error.not_signed_in")
