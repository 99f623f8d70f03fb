"""One protocol per device class, shaped after XFS4IoT's device classes.

The rest of the kiosk codes against these names only and never learns whether a device is
real or simulated. Every long call takes a timeout in seconds and an optional
`threading.Event` that cancels it; every call blocks, so the UI runs them on worker threads.
Failures are raised as `hardware.errors.DeviceError` subclasses.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:  # numpy is loaded by the camera drivers, not by every import of the ports
    import numpy as np

from hardware.status import DeviceStatus

Cancel = threading.Event | None


@runtime_checkable
class Device(Protocol):
    name: str

    def status(self) -> DeviceStatus: ...

    def reset(self) -> None:
        """Bring the device back to a known state after an error (XFS4IoT Reset)."""

    def cancel(self) -> None:
        """Abort whatever the device is waiting for; the waiting call raises Cancelled."""

    def close(self) -> None:
        """Release the hardware (camera handle, printer port); the kiosk calls it at exit."""


# --- China resident identity card ---


@dataclass(frozen=True)
class IdCardData:
    name: str
    sex: str  # "male" / "female": the UI translates
    ethnicity: str  # as printed on the card, e.g. "汉"
    birth_date: date
    address: str
    id_number: str
    issuing_authority: str
    valid_from: date
    valid_to: date | None  # None: valid for life (长期)
    photo: bytes = field(repr=False)  # JPEG

    def __repr__(self) -> str:  # keep full ID numbers out of logs and tracebacks
        return f"IdCardData(id_number=****{self.id_number[-4:]})"


@runtime_checkable
class IdCardReader(Device, Protocol):
    def read(self, timeout: float, cancel: Cancel = None) -> IdCardData:
        """Wait for an ID card on the reader and read it (its chip data, the photo too)."""

    def present(self) -> bool:
        """Is a card lying on the reader now (read or not)."""

    def wait_taken(self, timeout: float, cancel: Cancel = None) -> None:
        """Wait until the card is taken off the reader; MediaNotTaken if it is still there."""


# --- bank card reader ---


@dataclass(frozen=True)
class CardData:
    pan: str
    expiry: str  # YYMM, as on the chip
    atr: str = ""  # hex
    track2: str = field(default="", repr=False)

    @property
    def last4(self) -> str:
        return self.pan[-4:]

    def __repr__(self) -> str:
        return f"CardData(pan=****{self.last4}, atr={self.atr})"


@runtime_checkable
class CardReader(Device, Protocol):
    def accept(self, timeout: float, cancel: Cancel = None) -> CardData:
        """Wait for a card to be inserted, then read card number and expiry."""

    def read_staff_card(self, timeout: float, cancel: Cancel = None) -> str:
        """Wait for a staff card (柜员卡) and read its staff number; NotAStaffCard for any
        other card (a customer's bank card among them)."""

    def present(self) -> bool:
        """Is a card in the reader now (inside, or sticking out of the slot)."""

    def eject(self) -> None:
        """Give the card back to the customer (present it in the slot)."""

    def wait_taken(self, timeout: float) -> None:
        """Wait until the customer takes the card; MediaNotTaken if they walk away."""

    def retain(self) -> None:
        """Keep the card inside the machine (capture bin)."""


# --- encrypting PIN pad ---


class KeyKind(StrEnum):
    DIGIT = "digit"
    CLEAR = "clear"
    ENTER = "enter"
    CANCEL = "cancel"


@dataclass(frozen=True)
class KeyPress:
    """A key event. During PIN entry `digit` is always None: the app never sees PIN digits."""

    kind: KeyKind
    digit: str | None = None


@dataclass(frozen=True)
class PinBlock:
    format: str  # "ISO-4"
    data: str = field(repr=False)  # hex, encrypted under the PIN key


@runtime_checkable
class PinPad(Device, Protocol):
    def pin_entry(
        self,
        account_or_pan: str,
        min_len: int,
        max_len: int,
        on_key: Callable[[KeyPress], None],
        timeout: float,
        cancel: Cancel = None,
    ) -> PinBlock:
        """Take a PIN on the pad's own keys and return it encrypted."""

    def data_entry(
        self,
        on_key: Callable[[KeyPress], None],
        timeout: float,
        cancel: Cancel = None,
        max_len: int = 32,
    ) -> str:
        """Take plain digits (phone number, menu choice) until ENTER; reports each digit."""


# --- camera ---


@dataclass(frozen=True)
class Face:
    x: int
    y: int
    width: int
    height: int


@runtime_checkable
class Camera(Device, Protocol):
    def frame(self) -> np.ndarray:
        """The current picture (BGR)."""

    def find_face(self, frame: np.ndarray) -> Face | None:
        """The largest face in a picture, or None."""

    def face_present(self) -> bool:
        """Is somebody facing the kiosk now (wakes it from the attract screen)."""

    def capture_photo(self, timeout: float, cancel: Cancel = None) -> bytes:
        """A JPEG framed on the customer's face; FaceNotFound if none shows in time."""

    def scan_code(self, timeout: float, cancel: Cancel = None) -> str:
        """The payload of the first QR code held up to the camera."""


# --- card dispenser ---


@dataclass(frozen=True)
class IssuedCard:
    pan: str
    expiry: str  # YYMM
    serial: str

    def __repr__(self) -> str:
        return f"IssuedCard(pan=****{self.pan[-4:]}, serial={self.serial})"


@runtime_checkable
class CardDispenser(Device, Protocol):
    def dispense(self, timeout: float) -> IssuedCard:
        """Take a new card from the stock, read its number, and present it in the slot."""

    def wait_taken(self, timeout: float) -> None:
        """Wait until the customer takes the card; MediaNotTaken if they walk away."""

    def capture(self) -> None:
        """Pull a presented card back into the reject bin."""

    def stock(self) -> int:
        """Blank cards left."""

    def set_stock(self, count: int) -> None:
        """Staff refilled the cassette."""


# --- receipt printer ---


@dataclass(frozen=True)
class ReceiptLine:
    label: str
    value: str


@dataclass(frozen=True)
class Receipt:
    """A receipt as the printer needs it: all text already translated and masked."""

    title: str
    qr: str  # every receipt carries a QR code (journal reference, booking, ...)
    lines: tuple[ReceiptLine, ...] = ()
    amounts: tuple[ReceiptLine, ...] = ()  # printed emphasised, e.g. ("金额", "CNY 86.50")
    notes: tuple[str, ...] = ()


@runtime_checkable
class ReceiptPrinter(Device, Protocol):
    def print_receipt(self, receipt: Receipt) -> None:
        """Print and cut. PaperOut / PaperJammed if it cannot finish."""
