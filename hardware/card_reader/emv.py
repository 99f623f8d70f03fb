"""The little of EMV a teller machine needs to learn a chip card's number: BER-TLV,
data object lists, and track-2 equivalent data (tag 57). Used by the PC/SC driver and by
the virtual card that plays the other side in tests and demos."""

from __future__ import annotations

from collections.abc import Iterator

UNIONPAY_DEBIT_AID = bytes.fromhex("A000000333010101")
# The bank's staff card (柜员卡): a proprietary application (an unregistered "F" AID) whose
# record 1 of SFI 1 carries the staff number in tag DF01.
STAFF_CARD_AID = bytes.fromhex("F0535441464601")
STAFF_NUMBER_TAG = 0xDF01
# ATR of a typical PBOC 3.0 (UnionPay) contact card; the virtual and simulated cards use it.
DEMO_ATR = bytes.fromhex("3B6C00000A5A11059200000190009000")


class TlvError(ValueError):
    pass


def _tag(data: bytes, i: int) -> tuple[int, int]:
    start = i
    i += 1
    if data[start] & 0x1F == 0x1F:  # multi-byte tag: continue while bit 8 is set
        while data[i] & 0x80:
            i += 1
        i += 1
    return int.from_bytes(data[start:i], "big"), i


def _length(data: bytes, i: int) -> tuple[int, int]:
    first = data[i]
    if first < 0x80:
        return first, i + 1
    count = first & 0x7F
    return int.from_bytes(data[i + 1 : i + 1 + count], "big"), i + 1 + count


def iter_tlv(data: bytes) -> Iterator[tuple[int, bytes]]:
    """Top-level (tag, value) pairs; raises TlvError on truncated data."""
    i = 0
    try:
        while i < len(data):
            if data[i] in (0x00, 0xFF):  # padding between objects
                i += 1
                continue
            tag, i = _tag(data, i)
            length, i = _length(data, i)
            if i + length > len(data):
                raise TlvError(f"tag {tag:X} runs past the end of the data")
            yield tag, data[i : i + length]
            i += length
    except IndexError as exc:
        raise TlvError("truncated TLV") from exc


def first_tlv(data: bytes) -> tuple[int, bytes]:
    """The first top-level (tag, value); TlvError when there is none (an empty answer)."""
    for item in iter_tlv(data):
        return item
    raise TlvError("no data object in the answer")


def find_tag(data: bytes, wanted: int) -> bytes | None:
    """Depth-first search through constructed objects (bit 6 of the first tag byte)."""
    for tag, value in iter_tlv(data):
        if tag == wanted:
            return value
        first_byte = tag >> (8 * ((tag.bit_length() - 1) // 8))
        if first_byte & 0x20:
            found = find_tag(value, wanted)
            if found is not None:
                return found
    return None


def tlv(tag: int, value: bytes) -> bytes:
    """Encode one object (lengths up to 255 are all a card record needs)."""
    tag_bytes = tag.to_bytes((tag.bit_length() + 7) // 8, "big")
    length = bytes([len(value)]) if len(value) < 0x80 else bytes([0x81, len(value)])
    return tag_bytes + length + value


def parse_dol(dol: bytes) -> list[tuple[int, int]]:
    """A data object list (e.g. the PDOL): (tag, length) pairs with no values."""
    items, i = [], 0
    try:
        while i < len(dol):
            tag, i = _tag(dol, i)
            length, i = _length(dol, i)
            items.append((tag, length))
    except IndexError as exc:
        raise TlvError("truncated data object list") from exc
    return items


def track2(pan: str, expiry: str, service_code: str = "220") -> bytes:
    digits = f"{pan}D{expiry}{service_code}0000000000"
    if len(digits) % 2:
        digits += "F"
    return bytes.fromhex(digits)


def parse_track2(data: bytes) -> tuple[str, str]:
    """(PAN, expiry YYMM) from track-2 equivalent data; TlvError when it is not one."""
    text = data.hex().upper().rstrip("F")
    pan, sep, rest = text.partition("D")
    if not sep or not pan.isdigit() or not 12 <= len(pan) <= 19 or not rest[:4].isdigit():
        raise TlvError("not track-2 equivalent data")
    return pan, rest[:4]
