"""Synthetic speech for the voice bench and the voice tests: one place that makes a WAV.

espeak-ng says the text in a voice variant at a speed and pitch; sox turns it into what the
kiosk's microphone gives (16 kHz, mono, 16-bit) with the quiet a person leaves around a
command. Files are cached in `folder` by text, voice, speed, pitch and padding, so a test
session or a bench run synthesizes each utterance once.

These voices are synthetic: figures measured with them are a stand-in until recordings of
real customers are fed through the same bench (`bench/voice_confusion.py --recordings`).
"""

from __future__ import annotations

import hashlib
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voice.speech_in import QUIET_RMS, SAMPLE_RATE

FRAME = SAMPLE_RATE // 100  # 10 ms


@dataclass(frozen=True)
class Voice:
    """An espeak-ng voice (`ko`, `ko+f3`) at a speed (words a minute) and a pitch (0-99)."""

    name: str = "ko"
    rate: int = 150
    pitch: int = 50

    def __str__(self) -> str:
        return f"{self.name} {self.rate}wpm p{self.pitch}"


def synthesize(
    folder: Path, text: str, voice: Voice = Voice(), *, pre: float = 0.3, post: float = 0.5
) -> Path:
    """The WAV of `text` said by `voice`, with `pre` s of quiet before and `post` s after."""
    key = f"{text}|{voice.name}|{voice.rate}|{voice.pitch}|{pre}|{post}"
    name = hashlib.sha1(key.encode()).hexdigest()[:16]
    raw, wav = folder / f"{name}.raw.wav", folder / f"{name}.wav"
    if not wav.exists():
        espeak = ["espeak-ng", "-v", voice.name, "-s", str(voice.rate), "-p", str(voice.pitch)]
        subprocess.run([*espeak, "-w", str(raw), text], check=True)
        part = wav.with_suffix(".part.wav")
        sox = ["sox", "-q", str(raw), "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16"]
        subprocess.run([*sox, str(part), "pad", str(pre), str(post)], check=True)
        part.replace(wav)  # never half-written for a parallel reader
        raw.unlink()
    return wav


def speech_end(wav_path: Path) -> float:
    """When the words end in the WAV (s): the last 10 ms frame louder than the quiet level."""
    with wave.open(str(wav_path)) as w:
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    levels = [
        np.sqrt(np.mean(samples[i : i + FRAME].astype(np.float32) ** 2))
        for i in range(0, len(samples) - FRAME, FRAME)
    ]
    loud = [i for i, level in enumerate(levels) if level >= QUIET_RMS]
    return (loud[-1] + 1) * FRAME / SAMPLE_RATE if loud else 0.0
