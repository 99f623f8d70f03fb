"""ISO 9564-1 PIN block format 4 (AES-128): the one module that makes and reads PIN blocks,
for the encrypting PIN pad (its simulator) and for the sandbox bank (standing in for an HSM).

    PIN field = 0x4 | PIN length | PIN digits | 0xA fill to 16 nibbles | 16 random nibbles
    PAN field = len(PAN)-12 | PAN digits | 0 fill to 32 nibbles   (a PAN shorter than 12
                digits is right-justified in 12, left-padded with 0, length nibble 0)
    block     = AES(K, AES(K, PIN field) XOR PAN field)

Before a card exists (setting the PIN of a new card) the account number stands in for the PAN.
The kiosk itself only carries blocks; the sandbox (and a real HSM) decodes them.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

DEMO_PIN_KEY = bytes.fromhex("00112233445566778899aabbccddeeff")


class PinBlockError(ValueError):
    """A PIN or PAN that cannot go in a block, or a block that does not decode to a well-formed
    format 4 PIN field under this key and PAN."""


def _aes(key: bytes, data: bytes, decrypt: bool = False) -> bytes:
    cipher = Cipher(algorithms.AES(key), modes.ECB())  # one block: ECB is the format's own step
    worker = cipher.decryptor() if decrypt else cipher.encryptor()
    return worker.update(data) + worker.finalize()


def _pan_field(pan: str) -> bytes:
    if not pan.isdigit() or len(pan) > 19:
        raise PinBlockError("PAN must be 1 to 19 digits")
    digits = pan.rjust(12, "0")
    return bytes.fromhex((f"{len(digits) - 12:X}" + digits).ljust(32, "0"))


def encode_pin_block(
    pin: str,
    pan: str,
    key: bytes = DEMO_PIN_KEY,
    random_bytes: Callable[[int], bytes] = os.urandom,
) -> bytes:
    if not pin.isdigit() or not 4 <= len(pin) <= 12:
        raise PinBlockError("PIN must be 4 to 12 digits")
    pin_field = bytes.fromhex(f"4{len(pin):X}{pin}".ljust(16, "A")) + random_bytes(8)
    inner = _aes(key, pin_field)
    return _aes(key, bytes(a ^ b for a, b in zip(inner, _pan_field(pan), strict=True)))


def decode_pin_block(block: bytes, pan: str, key: bytes = DEMO_PIN_KEY) -> str:
    """The inverse, for the sandbox and tests; PinBlockError on a wrong key or PAN."""
    if len(block) != 16:
        raise PinBlockError("a format 4 block is 16 bytes")
    inner = bytes(
        a ^ b for a, b in zip(_aes(key, block, decrypt=True), _pan_field(pan), strict=True)
    )
    nibbles = _aes(key, inner, decrypt=True).hex().upper()
    length = int(nibbles[1], 16)
    pin, fill = nibbles[2 : 2 + length], nibbles[2 + length : 16]
    if nibbles[0] != "4" or not 4 <= length <= 12 or not pin.isdigit() or set(fill) - {"A"}:
        raise PinBlockError("not a format 4 PIN block under this key and PAN")
    return pin
