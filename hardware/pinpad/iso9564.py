"""ISO 9564-1 PIN block format 4 (AES-128), as the encrypting PIN pad produces it and the
sandbox backend decodes it.

    PIN field  = 4 | PIN length | PIN digits | A fill to 16 nibbles | 16 random nibbles
    PAN field  = len(PAN) - 12 | PAN digits | 0 fill to 32 nibbles
    PIN block  = AES(K, AES(K, PIN field) XOR PAN field)
"""

from __future__ import annotations

import secrets

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

DEMO_PIN_KEY = bytes.fromhex("00112233445566778899aabbccddeeff")


def _aes(key: bytes, block: bytes, decrypt: bool = False) -> bytes:
    cipher = Cipher(algorithms.AES(key), modes.ECB())  # one block: ECB is the format's own step
    op = cipher.decryptor() if decrypt else cipher.encryptor()
    return op.update(block) + op.finalize()


def _pan_field(pan: str) -> bytes:
    if not pan.isdigit() or not 12 <= len(pan) <= 19:
        raise ValueError("account number must be 12 to 19 digits")
    nibbles = f"{len(pan) - 12:X}{pan}".ljust(32, "0")
    return bytes.fromhex(nibbles)


def encode_pin_block(pin: str, pan: str, key: bytes = DEMO_PIN_KEY) -> bytes:
    if not pin.isdigit() or not 4 <= len(pin) <= 12:
        raise ValueError("PIN must be 4 to 12 digits")
    pin_field = bytes.fromhex(f"4{len(pin):X}{pin}".ljust(16, "A") + secrets.token_hex(8))
    intermediate = bytes(a ^ b for a, b in zip(_aes(key, pin_field), _pan_field(pan)))
    return _aes(key, intermediate)


def decode_pin_block(block: bytes, pan: str, key: bytes = DEMO_PIN_KEY) -> str:
    """The inverse, for tests and the sandbox; raises ValueError on a wrong key or PAN."""
    intermediate = _aes(key, block, decrypt=True)
    pin_field = (
        _aes(key, bytes(a ^ b for a, b in zip(intermediate, _pan_field(pan))), decrypt=True)
        .hex()
        .upper()
    )
    length = int(pin_field[1], 16)
    if (
        pin_field[0] != "4"
        or not 4 <= length <= 12
        or not pin_field[2 : 2 + length].isdigit()
        or set(pin_field[2 + length : 16]) != {"A"}
    ):
        raise ValueError("not an ISO-4 PIN block for this account")
    return pin_field[2 : 2 + length]
