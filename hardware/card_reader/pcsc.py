"""Bank card reader over PC/SC (pyscard): a contact chip reader the customer dips a card in.

Reads the card the way a teller machine does: wait for a card, take its ATR, SELECT the
payment application (UnionPay debit by default), GET PROCESSING OPTIONS for the list of
records (AFL), READ RECORD until the track-2 equivalent data (tag 57) gives the card number
and expiry. Such a reader has no motor: eject() just powers the card down, the customer
pulls it out, and retain() is not possible.
Config: `reader` (part of the reader's name; empty = the first reader), `aid` (hex).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from smartcard.CardConnection import CardConnection
from smartcard.Exceptions import CardConnectionException, NoCardException, SmartcardException
from smartcard.pcsc.PCSCExceptions import BaseSCardException
from smartcard.System import readers

from hardware.card_reader.emv import (
    STAFF_CARD_AID,
    STAFF_NUMBER_TAG,
    UNIONPAY_DEBIT_AID,
    TlvError,
    find_tag,
    first_tlv,
    parse_dol,
    parse_track2,
)
from hardware.errors import (
    Cancelled,
    CardRemoved,
    CardUnreadable,
    DeviceError,
    DeviceNotFound,
    DeviceOffline,
    DeviceTimeout,
    MediaNotTaken,
    NotAStaffCard,
    Unsupported,
)
from hardware.ports import CardData
from hardware.status import DeviceState, DeviceStatus

log = logging.getLogger(__name__)
T = TypeVar("T")

SW_OK = 0x9000
CHINA = b"\x01\x56"  # terminal country code 156, for a PDOL that asks for 9F1A


class PcscCardReader:
    POLL_S = 0.2

    def __init__(
        self, name: str = "card_reader", reader: str = "", aid: str = UNIONPAY_DEBIT_AID.hex()
    ):
        self.name = name
        self._reader_name = reader
        self._aid = bytes.fromhex(aid)
        self._cancel = threading.Event()

    # --- PC/SC plumbing ---

    def _reader(self) -> Any:  # a pyscard reader (pyscard has no type information)
        try:
            found = readers()
        except BaseSCardException as error:  # pcscd not running / not reachable
            raise DeviceOffline(self.name, f"PC/SC service unavailable: {error}") from error
        for reader in found:
            if self._reader_name in str(reader):
                return reader
        raise DeviceNotFound(self.name, f"no reader matching {self._reader_name!r} in {found}")

    def _try_connect(self) -> CardConnection | None:
        """A connection to the card in the reader, or None when the slot is empty."""
        connection = self._reader().createConnection()
        try:
            connection.connect()
        except (NoCardException, CardConnectionException):
            _release(connection)
            return None
        return connection

    def _card_present(self) -> bool:
        try:
            connection = self._try_connect()
        except DeviceError:
            return False
        if connection is None:
            return False
        _release(connection)
        return True

    def _card_gone(self, settle_s: float = 1.5) -> bool:
        """After a failed exchange: was the card pulled out? pcscd notices a removal on its
        next poll of the reader, so give it a moment before calling the card faulty."""
        deadline = time.monotonic() + settle_s
        while self._card_present():
            if time.monotonic() >= deadline:
                return False
            time.sleep(self.POLL_S)
        return True

    def _transmit(self, connection: CardConnection, apdu: bytes) -> tuple[bytes, int]:
        try:
            data, sw1, sw2 = connection.transmit(list(apdu))
            if sw1 == 0x61:  # more data waiting: GET RESPONSE
                data, sw1, sw2 = connection.transmit([0x00, 0xC0, 0x00, 0x00, sw2])
            elif sw1 == 0x6C:  # wrong Le: repeat with the length the card asked for
                data, sw1, sw2 = connection.transmit(list(apdu[:-1]) + [sw2])
        except (CardConnectionException, SmartcardException) as error:
            if self._card_gone():
                raise CardRemoved(self.name, "card pulled out during the read") from error
            raise CardUnreadable(self.name, f"card stopped answering: {error}") from error
        return bytes(data), (sw1 << 8) | sw2

    # --- reading the card ---

    def _read_card(self, connection: CardConnection) -> CardData:
        atr = bytes(connection.getATR()).hex().upper()
        fci, sw = self._transmit(
            connection, bytes([0x00, 0xA4, 0x04, 0x00, len(self._aid)]) + self._aid + b"\x00"
        )
        if sw != SW_OK:
            raise CardUnreadable(self.name, f"payment application not on the card (SW {sw:04X})")
        records = self._records(connection, fci)
        for sfi, number in records:
            record, sw = self._transmit(connection, bytes([0x00, 0xB2, number, sfi << 3 | 4, 0]))
            if sw != SW_OK:
                continue
            track = find_tag(record, 0x57)
            if track is not None:
                pan, expiry = parse_track2(track)
                log.info("%s: card ****%s read (ATR %s)", self.name, pan[-4:], atr)
                return CardData(pan=pan, expiry=expiry, atr=atr, track2=track.hex().upper())
        raise CardUnreadable(self.name, "no track-2 equivalent data on the card")

    def _records(self, connection: CardConnection, fci: bytes) -> list[tuple[int, int]]:
        """(SFI, record) pairs from the AFL; the first records of SFI 1-3 if GPO fails."""
        pdol = find_tag(fci, 0x9F38) or b""
        pdol_data = b"".join(
            CHINA if tag == 0x9F1A else bytes(length) for tag, length in parse_dol(pdol)
        )
        gpo = bytes([0x83, len(pdol_data)]) + pdol_data
        answer, sw = self._transmit(
            connection, bytes([0x80, 0xA8, 0x00, 0x00, len(gpo)]) + gpo + b"\x00"
        )
        if sw == SW_OK:
            tag, value = first_tlv(answer)
            afl = value[2:] if tag == 0x80 else find_tag(answer, 0x94) or b""  # format 1 or 2
            return [
                (afl[i] >> 3, number)
                for i in range(0, len(afl) - 3, 4)
                for number in range(afl[i + 1], afl[i + 2] + 1)
            ]
        return [(sfi, number) for sfi in (1, 2, 3) for number in (1, 2, 3)]

    # --- the port ---

    def accept(self, timeout: float, cancel: threading.Event | None = None) -> CardData:
        return self._with_card(self._read_card, timeout, cancel)

    def read_staff_card(self, timeout: float, cancel: threading.Event | None = None) -> str:
        return self._with_card(self._read_staff_number, timeout, cancel)

    def _read_staff_number(self, connection: CardConnection) -> str:
        _fci, sw = self._transmit(
            connection,
            bytes([0x00, 0xA4, 0x04, 0x00, len(STAFF_CARD_AID)]) + STAFF_CARD_AID + b"\x00",
        )
        if sw != SW_OK:  # a customer's bank card, or any other card
            raise NotAStaffCard(self.name, f"no staff application on the card (SW {sw:04X})")
        record, sw = self._transmit(connection, bytes([0x00, 0xB2, 1, 1 << 3 | 4, 0]))
        staff_id = find_tag(record, STAFF_NUMBER_TAG) if sw == SW_OK else None
        if not staff_id or not staff_id.isdigit():
            raise CardUnreadable(self.name, "no staff number on the staff card")
        log.info("%s: staff card of %s read", self.name, staff_id.decode())
        return staff_id.decode()

    def _with_card(
        self, read: Callable[[CardConnection], T], timeout: float, cancel: threading.Event | None
    ) -> T:
        """Waits for a card, then reads it with `read(connection)`."""
        self._cancel.clear()
        deadline = time.monotonic() + timeout
        while (connection := self._try_connect()) is None:
            if self._cancel.is_set() or (cancel is not None and cancel.is_set()):
                raise Cancelled(self.name)
            if time.monotonic() >= deadline:
                raise DeviceTimeout(self.name, f"no card inserted within {timeout:g} s")
            (cancel or self._cancel).wait(self.POLL_S)
        try:
            return read(connection)
        except TlvError as error:
            raise CardUnreadable(self.name, f"garbled card data: {error}") from error
        except DeviceError as error:
            log.warning("%s: %s (action %s)", self.name, error, error.action)
            raise
        finally:  # hold no card handle while the card sits in the slot
            _release(connection)

    def present(self) -> bool:
        return self._card_present()

    def eject(self) -> None:
        """Nothing to move: the card was powered down after the read; the customer pulls it."""
        log.info("%s: card may be taken", self.name)

    def wait_taken(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self._card_present():
            if time.monotonic() >= deadline:
                log.warning("%s: card left in the slot", self.name)
                raise MediaNotTaken(self.name, "card left in the slot")
            time.sleep(self.POLL_S)

    def retain(self) -> None:
        raise Unsupported(self.name, "a PC/SC dip reader cannot keep a card")

    def status(self) -> DeviceStatus:
        try:
            self._reader()
        except DeviceError as error:
            return DeviceStatus(self.name, error.state, {}, error.message_key)
        return DeviceStatus(self.name, DeviceState.ONLINE)

    def reset(self) -> None:
        self._cancel.clear()

    def cancel(self) -> None:
        self._cancel.set()

    def close(self) -> None:
        """No handle is held between calls."""


def _release(connection: CardConnection) -> None:
    # card or service already gone: nothing left to release
    with contextlib.suppress(SmartcardException):
        connection.release()  # disconnects, then frees the PC/SC handle
