"""ISO 9564 format 4: the layout the PIN pad simulator must reproduce byte for byte."""

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from kiosk.backend.pinblock import DEMO_PIN_KEY, PinBlockError, decode_pin_block, encode_pin_block

PAN = "6228480012345678010"


def _aes_decrypt(block: bytes) -> bytes:
    worker = Cipher(algorithms.AES(DEMO_PIN_KEY), modes.ECB()).decryptor()
    return worker.update(block) + worker.finalize()


def test_block_unwraps_to_the_documented_fields():
    block = encode_pin_block("147258", PAN, random_bytes=lambda n: bytes(range(n)))
    pan_field = bytes.fromhex("7" + PAN + "0" * 12)  # len 19 -> nibble 7, zero fill to 32
    inner = bytes(a ^ b for a, b in zip(_aes_decrypt(block), pan_field))
    assert _aes_decrypt(inner).hex().upper() == "46147258AAAAAAAA0001020304050607"


def test_known_answer_for_the_pin_pad_simulator():
    # the vector printed in docs/backend.md: random nibbles 0001020304050607
    block = encode_pin_block("147258", PAN, random_bytes=lambda n: bytes(range(n)))
    assert block.hex().upper() == "7574C5E032920BC56BB4D13755C7AB4B"


def test_round_trip_and_random_fill_makes_every_block_different():
    first, second = encode_pin_block("2580", PAN), encode_pin_block("2580", PAN)
    assert first != second
    assert decode_pin_block(first, PAN) == decode_pin_block(second, PAN) == "2580"


def test_account_number_stands_in_for_the_pan():
    account = "0101200000000011"
    assert decode_pin_block(encode_pin_block("963852", account), account) == "963852"


@pytest.mark.parametrize("pan, key", [("6228480012345678028", DEMO_PIN_KEY), (PAN, bytes(16))])
def test_wrong_pan_or_key_is_refused(pan, key):
    with pytest.raises(PinBlockError):
        decode_pin_block(encode_pin_block("147258", PAN), pan, key)


@pytest.mark.parametrize("pin", ["123", "12a4", "1234567890123"])
def test_malformed_pins_are_refused(pin):
    with pytest.raises(PinBlockError):
        encode_pin_block(pin, PAN)
