"""Simulated card dispenser: a cassette of blank debit cards, each with a fresh Luhn-valid
card number, and a reject bin for cards the customer leaves behind.

Config: `stock` (cards in the cassette), `bin` (card number prefix of the issued cards),
`expiry` (YYMM printed on them), `auto_take` (the customer takes a card at once).
Faults: offline, timeout, empty, jam, walk_away.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from typing import ClassVar

from hardware.errors import (
    CardJammed,
    DeviceTimeout,
    DispenserEmpty,
    MediaNotTaken,
    NoMedia,
)
from hardware.luhn import luhn_check_digit
from hardware.ports import IssuedCard
from hardware.simulated import FaultSpec, FaultTable, SimulatedDevice
from hardware.status import DeviceState

log = logging.getLogger(__name__)


def new_card_number(prefix: str, length: int = 19) -> str:
    body = prefix + "".join(secrets.choice("0123456789") for _ in range(length - 1 - len(prefix)))
    return body + luhn_check_digit(body)


class SimulatedCardDispenser(SimulatedDevice):
    FAULTS: ClassVar[FaultTable] = {
        **SimulatedDevice.FAULTS,
        "empty": DispenserEmpty,
        "jam": CardJammed,
        "walk_away": MediaNotTaken,
    }

    def __init__(
        self,
        name: str = "card_dispenser",
        stock: int = 50,
        bin: str = "622848009",
        expiry: str = "3111",
        auto_take: bool = True,
        faults: Iterable[FaultSpec] = (),
    ):
        super().__init__(name, faults)
        self._stock = stock
        self._prefix = bin
        self._expiry = expiry
        self._auto_take = auto_take
        self._presented: IssuedCard | None = None
        self._captured = 0
        self._serial = 0

    def _supplies(self) -> dict[str, int | str]:
        return {"cards": self._stock, "captured": self._captured}

    def stock(self) -> int:
        with self._changed:
            return self._stock

    def set_stock(self, count: int) -> None:
        with self._changed:
            self._stock = count
            if isinstance(self._error, DispenserEmpty) and count > 0:
                self._error = None
        log.info("%s: cassette holds %d cards", self.name, count)

    def take(self) -> None:
        """The customer takes the presented card."""
        with self._changed:
            self._presented = None
            self._notify()

    def dispense(self, timeout: float) -> IssuedCard:
        self._begin()
        with self._changed:
            empty = self._stock <= 0
        if empty or self._script.fires("empty"):
            self._fail(DispenserEmpty(self.name, "no blank cards left", count=0))
        if self._script.fires("jam"):
            self._fail(CardJammed(self.name, "card stuck between cassette and slot"))
        with self._changed:
            self._stock -= 1
            self._serial += 1
            card = IssuedCard(new_card_number(self._prefix), self._expiry, f"SIM{self._serial:06d}")
            self._presented = None if self._auto_take else card
        log.info("%s: dispensed card ****%s (%d left)", self.name, card.pan[-4:], self._stock)
        return card

    def wait_taken(self, timeout: float) -> None:
        if self._script.fires("walk_away"):
            self._fail(MediaNotTaken(self.name, "customer walked away without the new card"))
        try:
            self._wait_for(lambda: self._presented is None, timeout, None)
        except DeviceTimeout:
            self._fail(MediaNotTaken(self.name, "new card not taken in time"))

    def capture(self) -> None:
        with self._changed:
            if isinstance(self._error, CardJammed):  # stuck in the transport: hands needed
                raise CardJammed(self.name, "the jammed card cannot be pulled back")
            if self._presented is None and self._state is not DeviceState.USER_ERROR:
                raise NoMedia(self.name, "no card in the slot to capture")
            self._presented = None
            self._captured += 1
            self._state, self._error = DeviceState.ONLINE, None
        log.info("%s: card captured into the reject bin", self.name)
