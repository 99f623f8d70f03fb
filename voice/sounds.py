"""The kiosk's few sounds besides speech: a short two-note reminder (something is still to be
taken), made once as a WAV in the voice cache and played through the speech's own player."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22050  # espeak-ng's rate and channels, so sox can play a sound and speech in one go
REMINDER = "reminder"
# (frequency Hz, seconds): a falling "ding-dong", loud enough over a branch's noise
_NOTES = {REMINDER: ((880.0, 0.22), (660.0, 0.34))}


def sound_path(folder: Path, name: str) -> Path:
    """The WAV of sound `name` in `folder`, written the first time it is asked for."""
    path = folder / f"sound-{name}.wav"
    if not path.exists():
        frames = bytearray()
        for frequency, seconds in _NOTES[name]:
            count = int(RATE * seconds)
            fade = int(RATE * 0.02)  # no clicks at the edges of a note
            for i in range(count):
                level = min(1.0, i / fade, (count - i) / fade)
                sample = 0.6 * level * math.sin(2 * math.pi * frequency * i / RATE)
                frames += struct.pack("<h", int(sample * 32767))
        part = path.with_suffix(".part.wav")
        with wave.open(str(part), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(RATE)
            wav.writeframes(bytes(frames))
        part.replace(path)
    return path
