"""The virtual UnionPay chip card the tests and demos insert: it answers what a teller machine
asks as a real card would (and refuses what a real card refuses), speaks vpcd's wire protocol,
and a staff card carries the staff number instead of a card number."""

from __future__ import annotations

import socket
import struct

import pytest

from hardware.card_reader.emv import (
    DEMO_ATR,
    STAFF_CARD_AID,
    STAFF_NUMBER_TAG,
    UNIONPAY_DEBIT_AID,
    find_tag,
    parse_track2,
)
from hardware.pcsc.virtual_card import (
    CONDITIONS_NOT_SATISFIED,
    INS_NOT_SUPPORTED,
    NOT_FOUND,
    OK,
    RECORD_NOT_FOUND,
    VirtualCard,
)


def select(aid: bytes) -> bytes:
    return bytes([0x00, 0xA4, 0x04, 0x00, len(aid)]) + aid + b"\x00"


GPO = bytes.fromhex("80A8000004830201560000")
READ_SFI1_REC1 = bytes.fromhex("00B2010C00")


def test_the_debit_card_gives_its_number_and_expiry_after_select_and_gpo():
    card = VirtualCard(pan="6228480012345678028", expiry="3005")
    answer = card.respond(select(UNIONPAY_DEBIT_AID))
    assert answer.endswith(OK) and find_tag(answer[:-2], 0x9F38) is not None  # it asks a PDOL
    assert card.respond(GPO).endswith(OK)
    record = card.respond(READ_SFI1_REC1)
    assert record.endswith(OK)
    track2 = find_tag(record[:-2], 0x57)
    assert track2 is not None and parse_track2(track2) == ("6228480012345678028", "3005")
    assert find_tag(record[:-2], 0x5F20) == b"WANG/XIAOMING"


def test_a_card_refuses_what_a_real_card_refuses():
    card = VirtualCard()
    assert card.respond(GPO) == CONDITIONS_NOT_SATISFIED  # nothing selected yet
    assert card.respond(READ_SFI1_REC1) == CONDITIONS_NOT_SATISFIED
    assert card.respond(select(STAFF_CARD_AID)) == NOT_FOUND  # not this card's application
    card.respond(select(UNIONPAY_DEBIT_AID))
    assert card.respond(bytes.fromhex("00B2021400")) == RECORD_NOT_FOUND  # SFI 2 record 2
    assert card.respond(bytes.fromhex("0084000008")) == INS_NOT_SUPPORTED  # GET CHALLENGE


def test_a_staff_card_carries_the_staff_number_and_no_payment_application():
    card = VirtualCard.staff("800102")
    assert card.respond(select(UNIONPAY_DEBIT_AID)) == NOT_FOUND
    assert card.respond(select(STAFF_CARD_AID)).endswith(OK)
    record = card.respond(READ_SFI1_REC1)
    assert record.endswith(OK) and find_tag(record[:-2], STAFF_NUMBER_TAG) == b"800102"
    assert find_tag(record[:-2], 0x57) is None


def _message(sock: socket.socket) -> bytes:
    (length,) = struct.unpack(">H", sock.recv(2, socket.MSG_WAITALL))
    return sock.recv(length, socket.MSG_WAITALL)


def _send(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(struct.pack(">H", len(payload)) + payload)


@pytest.fixture
def reader_socket():
    """A listening socket where pcscd's vpcd driver would be: the reader side of the wire."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(10)
        yield server


def test_inserted_it_speaks_vpcds_wire_protocol_and_removed_it_hangs_up(reader_socket):
    port = reader_socket.getsockname()[1]
    card = VirtualCard(port=port)
    card.insert()
    link, _ = reader_socket.accept()
    link.settimeout(10)
    with link:
        _send(link, b"\x01")  # power on: no answer
        _send(link, b"\x04")  # get ATR
        assert _message(link) == DEMO_ATR
        _send(link, select(UNIONPAY_DEBIT_AID))
        assert _message(link).endswith(OK)
        _send(link, READ_SFI1_REC1)
        assert _message(link).endswith(OK)
        assert [apdu[1] for apdu in card.apdus] == [0xA4, 0xB2]  # controls are not APDUs
        card.remove()
        assert link.recv(2) == b""  # the card is out: the reader sees the line close


def test_a_card_pulled_out_mid_exchange_never_answers(reader_socket):
    card = VirtualCard(port=reader_socket.getsockname()[1])
    card.pull_out_on(0xB2)
    card.insert()
    link, _ = reader_socket.accept()
    link.settimeout(10)
    with link:
        _send(link, select(UNIONPAY_DEBIT_AID))
        assert _message(link).endswith(OK)
        _send(link, READ_SFI1_REC1)
        assert link.recv(2) == b""
    card.remove()  # already out: nothing more to do
