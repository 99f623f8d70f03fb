"""A UnionPay chip debit card living in the vsmartcard virtual reader (vpcd), for tests
and demos without a physical card.

pcscd's vpcd driver listens on 127.0.0.1:35963 (the first virtual reader, "Virtual PCD 00
00"); a card is "inserted" by connecting to it and "removed" by closing the connection.
Wire protocol: every message is a 2-byte big-endian length and a payload; a 1-byte payload
is a control (0 power off, 1 power on, 2 reset, 4 get ATR, answered with the ATR), anything
else is a command APDU, answered with response data + SW1 SW2.

The card answers what a teller machine asks to learn the card number: SELECT of the
payment application (with a PDOL), GET PROCESSING OPTIONS (returning the AFL) and READ
RECORD of SFI 1 record 1 (track-2 equivalent data, cardholder name, expiry date). A staff
card (`VirtualCard.staff("800102")`) carries the bank's staff application instead: SELECT,
then READ RECORD of SFI 1 record 1 holding the staff number.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import struct
import threading
import time
from typing import Self

from hardware.card_reader.emv import (
    DEMO_ATR,
    STAFF_CARD_AID,
    STAFF_NUMBER_TAG,
    UNIONPAY_DEBIT_AID,
    tlv,
    track2,
)

log = logging.getLogger(__name__)

VPCD_PORT = 35963
OK = b"\x90\x00"
NOT_FOUND = b"\x6a\x82"
RECORD_NOT_FOUND = b"\x6a\x83"
CONDITIONS_NOT_SATISFIED = b"\x69\x85"
INS_NOT_SUPPORTED = b"\x6d\x00"

INS_SELECT, INS_GPO, INS_READ_RECORD = 0xA4, 0xA8, 0xB2

# pcscd's event handler polls the reader every 0.4 s. When a client notices a removal first
# (a failed exchange) and a card is inserted again before that poll, pcsc-lite never sees the
# slot empty, so it never powers the new card and reports "no card" until the next removal.
# No hand swaps cards that fast; the virtual one waits as long.
HAND_SWAP_S = 1.0
_removed_at: dict[tuple[str, int], float] = {}  # per reader: when its last card came out


class VirtualCard:
    def __init__(
        self,
        pan: str = "6228480012345678010",
        expiry: str = "2912",
        holder: str = "WANG/XIAOMING",
        aid: bytes = UNIONPAY_DEBIT_AID,
        host: str = "127.0.0.1",
        port: int = VPCD_PORT,
    ):
        self.pan, self.expiry, self.holder, self.aid = pan, expiry, holder, aid
        self.staff_id: str | None = None
        self._address = (host, port)
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._selected = False
        self._pull_out_on: int | None = None
        self.apdus: list[bytes] = []  # every command received, for tests

    # --- the customer's hand ---

    @classmethod
    def staff(cls, staff_id: str, host: str = "127.0.0.1", port: int = VPCD_PORT) -> VirtualCard:
        """A staff card (柜员卡) with this staff number, and no payment application."""
        card = cls(pan="", aid=STAFF_CARD_AID, host=host, port=port)
        card.staff_id = staff_id
        return card

    def insert(self) -> None:
        if self._sock is not None:
            return
        time.sleep(max(0.0, _removed_at.get(self._address, 0.0) + HAND_SWAP_S - time.monotonic()))
        self._sock = socket.create_connection(self._address, timeout=5)
        self._sock.settimeout(None)
        self._selected = False
        self._thread = threading.Thread(
            target=self._serve, args=(self._sock,), name="virtual-card", daemon=True
        )
        self._thread.start()
        log.info("virtual card ****%s inserted", self.pan[-4:])

    def remove(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):  # the reader side may have closed it already
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
            _removed_at[self._address] = time.monotonic()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        self._thread = None

    def pull_out_on(self, ins: int | None) -> None:
        """Pull the card out when the reader sends this instruction, before answering."""
        self._pull_out_on = ins

    def __enter__(self) -> Self:
        self.insert()
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()

    # --- the chip ---

    def _serve(self, sock: socket.socket) -> None:
        try:
            while True:
                header = _recv_exact(sock, 2)
                if header is None:
                    return
                payload = _recv_exact(sock, struct.unpack(">H", header)[0])
                if payload is None:
                    return
                if len(payload) == 1:
                    if payload[0] == 4:
                        _send(sock, DEMO_ATR)
                    elif payload[0] in (0, 1, 2):
                        self._selected = False
                    continue
                self.apdus.append(payload)
                if self._pull_out_on is not None and payload[1] == self._pull_out_on:
                    self._pull_out_on = None
                    self.remove()
                    return
                _send(sock, self.respond(payload))
        except OSError:
            return  # removed while talking

    def respond(self, apdu: bytes) -> bytes:
        ins, p1, p2 = apdu[1], apdu[2], apdu[3]
        if ins == INS_SELECT and p1 == 0x04:
            length = apdu[4]
            if apdu[5 : 5 + length] != self.aid:
                return NOT_FOUND
            self._selected = True
            if self.staff_id is not None:
                return tlv(0x6F, tlv(0x84, self.aid) + tlv(0xA5, tlv(0x50, b"Staff card"))) + OK
            pdol = tlv(0x9F38, bytes.fromhex("9F1A02"))  # asks for the terminal country code
            proprietary = tlv(0x50, b"UnionPay Debit") + tlv(0x87, b"\x01") + pdol
            return tlv(0x6F, tlv(0x84, self.aid) + tlv(0xA5, proprietary)) + OK
        if ins == INS_GPO:
            if not self._selected:
                return CONDITIONS_NOT_SATISFIED
            afl = bytes([1 << 3, 1, 1, 0])  # SFI 1, records 1..1
            return tlv(0x77, tlv(0x82, b"\x7c\x00") + tlv(0x94, afl)) + OK
        if ins == INS_READ_RECORD:
            if not self._selected:
                return CONDITIONS_NOT_SATISFIED
            if p1 != 1 or p2 >> 3 != 1:
                return RECORD_NOT_FOUND
            if self.staff_id is not None:
                return tlv(0x70, tlv(STAFF_NUMBER_TAG, self.staff_id.encode("ascii"))) + OK
            record = (
                tlv(0x57, track2(self.pan, self.expiry))
                + tlv(0x5F20, self.holder.encode("ascii"))
                + tlv(0x5F24, bytes.fromhex(self.expiry + "31"))
            )
            return tlv(0x70, record) + OK
        return INS_NOT_SUPPORTED


def _recv_exact(sock: socket.socket, count: int) -> bytes | None:
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def _send(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(struct.pack(">H", len(payload)) + payload)
