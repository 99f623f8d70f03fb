from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from hardware.pinpad.iso9564 import DEMO_PIN_KEY, decode_pin_block, encode_pin_block

PAN = "6228480012345678010"


def _aes_decrypt(block: bytes) -> bytes:
    d = Cipher(algorithms.AES(DEMO_PIN_KEY), modes.ECB()).decryptor()
    return d.update(block) + d.finalize()


def test_block_layout_matches_the_agreed_format():
    block = encode_pin_block("147258", PAN)
    # undo the outer AES and the PAN XOR by hand, exactly as the sandbox backend does
    pan_field = bytes.fromhex(f"{len(PAN) - 12:X}{PAN}".ljust(32, "0"))
    pin_field = _aes_decrypt(bytes(a ^ b for a, b in zip(_aes_decrypt(block), pan_field)))
    nibbles = pin_field.hex().upper()
    assert nibbles[:16] == "46147258AAAAAAAA"
    assert len(nibbles) == 32


def test_round_trip_and_fresh_randomness_each_time():
    first, second = encode_pin_block("147258", PAN), encode_pin_block("147258", PAN)
    assert first != second  # 16 random nibbles: the same PIN never gives the same block
    assert decode_pin_block(first, PAN) == decode_pin_block(second, PAN) == "147258"


def test_wrong_account_or_key_does_not_decode():
    block = encode_pin_block("258369", "6228480012345678028")
    with pytest.raises(ValueError):
        decode_pin_block(block, PAN)
    with pytest.raises(ValueError):
        decode_pin_block(block, "6228480012345678028", key=bytes(16))


@pytest.mark.parametrize("pin, pan", [("12a4", PAN), ("123", PAN), ("1234", "62284800")])
def test_bad_input_is_refused(pin, pan):
    with pytest.raises(ValueError):
        encode_pin_block(pin, pan)
