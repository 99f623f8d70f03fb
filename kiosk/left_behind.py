"""What a customer walked away from: an ID card still on the reader, a bank card left in the
slot or captured. Noted by the take-back step (or a visit's clean-up) for the staff screen;
while a card still lies in a reader no new visit starts, so it is never read into the next
customer's visit."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hardware.registry import Devices

log = logging.getLogger(__name__)

ON_READER = {"id_card": "id_card_reader", "bank_card": "card_reader"}  # item -> its device


@dataclass(frozen=True)
class LeftItem:
    item: str  # "id_card" / "bank_card"
    state: str  # "left": still in its reader; "captured": in the capture bin
    at: str  # local time, for staff
    detail: str = ""  # masked: "****0237"


class LeftBehind:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[LeftItem] = []

    def note(self, item: str, state: str, detail: str = "") -> None:
        with self._lock:
            self._items.append(LeftItem(item, state, datetime.now().strftime("%H:%M"), detail))
        log.warning("left behind: %s %s %s", item, state, detail)

    def items(self) -> list[LeftItem]:
        with self._lock:
            return list(self._items)

    def in_readers(self) -> list[str]:
        """Items still lying in a reader: the attract screen asks for them to be taken."""
        return sorted({i.item for i in self.items() if i.state == "left"})

    def check_taken(self, devices: Devices) -> list[str]:
        """Forgets what is no longer in its reader (a blocking device call: a worker's job);
        returns what is still there."""
        still = [i for i in self.in_readers() if getattr(devices, ON_READER[i]).present()]
        with self._lock:
            self._items = [i for i in self._items if i.state != "left" or i.item in still]
        return still

    def taken(self, item: str) -> None:
        with self._lock:
            self._items = [i for i in self._items if i.item != item or i.state != "left"]

    def clear(self) -> None:
        """Staff dealt with it (handed the card back, emptied the bin)."""
        with self._lock:
            self._items = []
