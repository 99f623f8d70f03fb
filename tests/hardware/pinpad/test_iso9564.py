"""ISO 9564 format 4: the layout the PIN pad makes and the sandbox bank reads, byte for byte."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from hardware.pinpad.iso9564 import DEMO_PIN_KEY, PinBlockError, decode_pin_block, encode_pin_block

PAN = "6228480012345678010"


def _aes_decrypt(block: bytes) -> bytes:
    worker = Cipher(algorithms.AES(DEMO_PIN_KEY), modes.ECB()).decryptor()
    return worker.update(block) + worker.finalize()


def _pin_field(block: bytes, pan_field: bytes) -> str:
    """Undo the outer AES and the PAN XOR by hand, as an HSM does."""
    inner = bytes(a ^ b for a, b in zip(_aes_decrypt(block), pan_field, strict=True))
    return _aes_decrypt(inner).hex().upper()


def _fixed_random(n: int) -> bytes:
    return bytes(range(n))


def test_block_unwraps_to_the_documented_fields():
    block = encode_pin_block("147258", PAN, random_bytes=_fixed_random)
    pan_field = bytes.fromhex("7" + PAN + "0" * 12)  # len 19 -> nibble 7, zero fill to 32
    assert _pin_field(block, pan_field) == "46147258AAAAAAAA0001020304050607"


def test_known_answer_for_the_pin_pad_simulator():
    # the vector printed in docs/backend.md: random nibbles 0001020304050607
    block = encode_pin_block("147258", PAN, random_bytes=_fixed_random)
    assert block.hex().upper() == "7574C5E032920BC56BB4D13755C7AB4B"


def test_round_trip_and_random_fill_makes_every_block_different():
    first, second = encode_pin_block("2580", PAN), encode_pin_block("2580", PAN)
    assert first != second  # 16 random nibbles: the same PIN never gives the same block
    assert decode_pin_block(first, PAN) == decode_pin_block(second, PAN) == "2580"


def test_account_number_stands_in_for_the_pan():
    account = "0101200000000011"
    assert decode_pin_block(encode_pin_block("963852", account), account) == "963852"


def test_short_pan_is_right_justified_in_twelve_digits_with_length_nibble_zero():
    # ISO 9564-1 format 4: a PAN under 12 digits is left-padded with 0 to 12, M = 0
    block = encode_pin_block("147258", "62284800", random_bytes=_fixed_random)
    pan_field = bytes.fromhex("0" + "000062284800" + "0" * 19)
    assert _pin_field(block, pan_field) == "46147258AAAAAAAA0001020304050607"
    assert decode_pin_block(block, "62284800") == "147258"


def test_short_pan_and_its_zero_padded_twelve_digit_form_are_the_same_pan():
    block = encode_pin_block("147258", "62284800")
    assert decode_pin_block(block, "000062284800") == "147258"
    with pytest.raises(PinBlockError):
        decode_pin_block(block, "62284801")


@pytest.mark.parametrize("pan, key", [("6228480012345678028", DEMO_PIN_KEY), (PAN, bytes(16))])
def test_wrong_pan_or_key_is_refused(pan, key):
    with pytest.raises(PinBlockError):
        decode_pin_block(encode_pin_block("147258", PAN), pan, key)


@pytest.mark.parametrize(
    "pin, pan",
    [("123", PAN), ("12a4", PAN), ("1234567890123", PAN), ("1234", ""), ("1234", "6" * 20)],
)
def test_malformed_pins_and_pans_are_refused(pin, pan):
    with pytest.raises(PinBlockError):
        encode_pin_block(pin, pan)


def test_a_block_of_the_wrong_size_is_refused():
    with pytest.raises(PinBlockError):
        decode_pin_block(bytes(8), PAN)
