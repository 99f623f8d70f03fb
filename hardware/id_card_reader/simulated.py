"""Simulated resident-ID card reader carrying the demo people.

A card laid on the reader stays there, read or not, until the customer takes it: `present()`
says so and `wait_taken()` waits for it, as a real reader's card-present sensor does.

Config: `person` (handle, e.g. "wang") puts that person's card on the reader whenever a read
starts and has them take it back as soon as the kiosk waits for that, for unattended demo runs;
leave it out to have a test or the dev pad call `insert("wang")` / `take()`.
Faults: offline, timeout, unreadable.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from functools import cache
from typing import ClassVar

from hardware.demo_people import DemoPerson, find_person
from hardware.errors import DeviceTimeout, IdCardUnreadable, MediaNotTaken
from hardware.ports import IdCardData
from hardware.simulated import FaultSpec, FaultTable, SimulatedDevice

log = logging.getLogger(__name__)


@cache
def placeholder_photo() -> bytes:
    """A 102x126 head-and-shoulders silhouette JPEG, the size of an ID card's photo."""
    import cv2  # loaded with the first photo, not at start-up
    import numpy as np

    img = np.full((126, 102, 3), (235, 225, 210), np.uint8)  # pale blue background (BGR)
    cv2.ellipse(img, (51, 126), (48, 34), 0, 180, 360, (90, 90, 90), -1)
    cv2.ellipse(img, (51, 58), (24, 30), 0, 0, 360, (150, 150, 150), -1)
    _ok, jpeg = cv2.imencode(".jpg", img)
    return jpeg.tobytes()


def id_card_of(person: DemoPerson) -> IdCardData:
    return IdCardData(
        name=person.name,
        sex=person.sex,
        ethnicity=person.ethnicity,
        birth_date=person.birth_date,
        address=person.address,
        id_number=person.id_number,
        issuing_authority=person.issuing_authority,
        valid_from=person.valid_from,
        valid_to=person.valid_to,
        photo=placeholder_photo(),
    )


class SimulatedIdCardReader(SimulatedDevice):
    FAULTS: ClassVar[FaultTable] = {**SimulatedDevice.FAULTS, "unreadable": IdCardUnreadable}

    def __init__(
        self,
        name: str = "id_card_reader",
        person: str | None = None,
        faults: Iterable[FaultSpec] = (),
    ):
        super().__init__(name, faults)
        self._auto_person = find_person(person) if person else None
        self._on_reader: DemoPerson | None = None

    def insert(self, person: str) -> None:
        """Lay a demo person's ID card on the reader (handle or ID number)."""
        with self._changed:
            self._on_reader = find_person(person)
            self._notify()

    def take(self) -> None:
        """The customer takes their card off the reader."""
        with self._changed:
            self._on_reader = None
            self._notify()

    def present(self) -> bool:
        with self._changed:
            return self._on_reader is not None

    def wait_taken(self, timeout: float, cancel: threading.Event | None = None) -> None:
        self._begin()
        if self._auto_person is not None:
            self.take()
        try:
            self._wait_for(lambda: self._on_reader is None, timeout, cancel)
        except DeviceTimeout:
            raise MediaNotTaken(self.name, "ID card left on the reader") from None

    def read(self, timeout: float, cancel: threading.Event | None = None) -> IdCardData:
        self._begin()
        with self._changed:
            if self._on_reader is None and self._auto_person is not None:
                self._on_reader = self._auto_person
        self._wait_for(lambda: self._on_reader is not None, timeout, cancel)
        if self._script.fires("unreadable"):
            self._fail(IdCardUnreadable(self.name, "simulated fault unreadable"))
        with self._changed:
            person = self._on_reader
        assert person is not None  # what _wait_for waited for
        log.info("%s: read ID card ****%s", self.name, person.id_number[-4:])
        return id_card_of(person)
