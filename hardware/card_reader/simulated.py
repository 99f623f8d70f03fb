"""Simulated bank card reader (motorised, with a capture bin) carrying the demo cards.

Config: `card` (a demo person's handle or a card number) is inserted whenever accept()
starts, for unattended demo runs; `auto_take` (default true) has the customer take an ejected
card at once. Tests and the dev pad call insert()/take(). Faults: offline, timeout, jam,
unreadable, removed (pulled out mid-read), retained (kept on eject), walk_away (left in the
slot), fraud (skimmer detected).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import ClassVar

from hardware.card_reader.emv import DEMO_ATR, track2
from hardware.demo_people import find_person
from hardware.errors import (
    CardJammed,
    CardRemoved,
    CardUnreadable,
    DeviceError,
    DeviceTimeout,
    FraudAttempt,
    MediaNotTaken,
    MediaRetained,
    NoMedia,
    NotAStaffCard,
)
from hardware.ports import CardData
from hardware.simulated import FaultSpec, FaultTable, SimulatedDevice
from hardware.status import DeviceState

log = logging.getLogger(__name__)


def card_of(key: str) -> CardData:
    """A demo person's card by handle or number; any other card number becomes a card too."""
    try:
        person = find_person(key)
        pan, expiry = person.pan, person.expiry
    except KeyError:
        pan, expiry = key, "2912"
    if not pan or not pan.isdigit():
        raise ValueError(f"{key!r} carries no bank card")
    return CardData(
        pan=pan, expiry=expiry, atr=DEMO_ATR.hex().upper(), track2=track2(pan, expiry).hex().upper()
    )


class SimulatedCardReader(SimulatedDevice):
    FAULTS: ClassVar[FaultTable] = {
        **SimulatedDevice.FAULTS,
        "jam": CardJammed,
        "unreadable": CardUnreadable,
        "removed": CardRemoved,
        "retained": MediaRetained,
        "walk_away": MediaNotTaken,
        "fraud": FraudAttempt,
    }

    def __init__(
        self,
        name: str = "card_reader",
        card: str | None = None,
        auto_take: bool = True,
        faults: Iterable[FaultSpec] = (),
    ):
        super().__init__(name, faults)
        self._auto_card = card_of(card) if card else None
        self._auto_take = auto_take
        self._card: CardData | None = None
        self._presented = False  # the card sticks out of the slot, waiting to be taken
        self._retained = 0
        self._last_card: CardData | None = None  # the one a walking-away customer leaves
        self._staff_card: str | None = None  # the staff number of a staff card in the slot

    # --- the customer's side ---

    def insert(self, card: str) -> None:
        with self._changed:
            self._card, self._presented = card_of(card), False
            self._notify()

    def insert_staff_card(self, staff_id: str) -> None:
        with self._changed:
            self._staff_card, self._presented = staff_id, False
            self._notify()

    def take(self) -> None:
        with self._changed:
            self._card, self._presented = None, False
            self._notify()

    # --- the port ---

    def _supplies(self) -> dict[str, int | str]:
        return {"retained": self._retained}

    def present(self) -> bool:
        with self._changed:
            return self._card is not None

    def accept(self, timeout: float, cancel: threading.Event | None = None) -> CardData:
        try:
            self._begin("fraud")
            with self._changed:
                if self._card is None and self._auto_card is not None:
                    self._card = self._auto_card
            self._wait_for(lambda: self._card is not None and not self._presented, timeout, cancel)
        except DeviceError:
            # offline, a skimmer found, nobody came in time: the shutter never opened, so a
            # card held at the slot stays in the customer's hand (one sticking out from before
            # stays where it is)
            with self._changed:
                if not self._presented:
                    self._card = None
            raise
        if self._script.fires("jam"):
            self._fail(CardJammed(self.name, "card stuck while drawn in"))
        if self._script.fires("removed"):
            self.take()
            self._fail(CardRemoved(self.name, "card pulled out during the read"))
        if self._script.fires("unreadable"):
            self._present()
            self._fail(CardUnreadable(self.name, "no payment application answered"))
        with self._changed:
            card = self._last_card = self._card
        assert card is not None  # what _wait_for waited for
        log.info("%s: read card ****%s", self.name, card.last4)
        return card

    def read_staff_card(self, timeout: float, cancel: threading.Event | None = None) -> str:
        self._begin()
        self._wait_for(
            lambda: self._staff_card is not None or self._card is not None, timeout, cancel
        )
        with self._changed:
            staff_id, self._staff_card = self._staff_card, None  # staff keep their card
        if staff_id is None:
            self._present()
            self._fail(NotAStaffCard(self.name, "a bank card, not a staff card"))
        log.info("%s: staff card of %s read", self.name, staff_id)
        return staff_id

    def _present(self) -> None:
        with self._changed:
            self._presented = True
            if self._auto_take:
                self._card, self._presented = None, False

    def eject(self) -> None:
        self._begin()
        with self._changed:
            if self._card is None:
                raise NoMedia(self.name, "no card to eject")
        if self._script.fires("jam"):
            self._fail(CardJammed(self.name, "card stuck on the way out"))
        if self._script.fires("retained"):
            self.retain()
            self._fail(MediaRetained(self.name, "card kept on eject"))
        self._present()
        log.info("%s: card ejected", self.name)

    def wait_taken(self, timeout: float) -> None:
        if self._script.fires("walk_away"):
            self._card_left()
        try:
            self._wait_for(lambda: self._card is None, timeout, None)
        except DeviceTimeout:
            self._card_left()

    def _card_left(self) -> None:
        with self._changed:
            self._card, self._presented = self._card or self._last_card, True
        self._fail(MediaNotTaken(self.name, "customer walked away; card left in the slot"))

    def retain(self) -> None:
        with self._changed:
            if self._card is None:
                raise NoMedia(self.name, "no card to retain")
            self._card, self._presented = None, False
            self._retained += 1
            if self._state is DeviceState.USER_ERROR:
                self._state, self._error = DeviceState.ONLINE, None
        log.info("%s: card retained (%d in the bin)", self.name, self._retained)

    def empty_bin(self) -> None:
        """Staff emptied the capture bin."""
        with self._changed:
            self._retained = 0
