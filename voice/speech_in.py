"""Speech in: vosk listening for one step's grammar at a time, deciding whether to act or ask.

The recognizer only hears the phrases of the current step (plus the global commands), which
makes a small offline model usable. It is still not trusted blindly: a result acts only when
the whole utterance is one phrase of the grammar and every word is confident. Anything else
becomes a "did you mean …?" question (or "please say it again"). This matters most in Korean,
where the model rejects `[unk]` and maps noise onto grammar words even at confidence 1.0
(alphacep/vosk-api #2041): requiring a whole phrase, not a word salad, is what keeps it safe.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.events import Event
from voice.grammar import Command, DidYouMean, Grammar, NotUnderstood

log = logging.getLogger(__name__)

SAMPLE_RATE = 16000
MIN_CONFIDENCE = 0.75  # measured with bench/voice_latency.py; see docs/voice.md
END_SILENCE_S = 0.3  # quiet after speech that ends an utterance (the model waits 0.5 s)
QUIET_RMS = 300  # 16-bit RMS below which a chunk counts as quiet (a branch hall's hum)


class AudioFormatError(ValueError):
    """A WAV the recognizer cannot take (it needs 16-bit mono PCM)."""

    message_key = "voice.notice.bad_audio"


@dataclass(frozen=True)
class Utterance:
    text: str
    words: tuple[tuple[str, float], ...]  # (word, confidence)

    @property
    def confidence(self) -> float:
        return min((conf for _, conf in self.words), default=0.0)


def decide(
    utterance: Utterance, grammar: Grammar, min_confidence: float = MIN_CONFIDENCE
) -> Command:
    """Act, ask, or say "again": the one place that turns what was heard into a command."""
    match = grammar.parse(utterance.text)
    if match is None:
        return NotUnderstood(utterance.text)
    if match.exact and utterance.confidence >= min_confidence:
        return match.command
    return DidYouMean(match.command, match.phrase)


class SpeechIn:
    """One language's recognizer. Feed it PCM (microphone) or WAV files (tests, demos).

    `heard` fires with (Command, Utterance) through `post`, so a recognizer fed on a worker
    thread still reaches the navigator on the UI thread.
    """

    def __init__(
        self,
        model,
        language: str,
        *,
        sample_rate: int = SAMPLE_RATE,
        min_confidence: float = MIN_CONFIDENCE,
        post: Callable[[Callable[[], None]], None] = lambda call: call(),
    ):
        self.model = model
        self.language = language
        self.sample_rate = sample_rate
        self.min_confidence = min_confidence
        self.heard: Event[Command, Utterance | None] = Event("heard")
        self.unknown_words: set[str] = set()
        self._post = post
        self._grammar: Grammar | None = None
        self._recognizer = None
        self._phrases = "[]"
        self._voiced, self._quiet_s = False, 0.0  # for the short endpoint
        self._lock = threading.Lock()  # audio may come from a worker while the step changes

    @property
    def listening(self) -> bool:
        return self._recognizer is not None

    def unknown(self, words: set[str]) -> set[str]:
        return {w for w in words if self.model.vosk_model_find_word(w) < 0}

    def listen_for(self, grammar: Grammar) -> None:
        """Starts listening for a new step's grammar; what was half-heard is dropped."""
        words = grammar.words()
        unknown = self.unknown(words)
        if unknown - self.unknown_words:
            log.warning(
                "voice %s: the model does not know %s; phrases with them cannot be said",
                self.language,
                ", ".join(sorted(unknown - self.unknown_words)),
            )
            self.unknown_words |= unknown
        unk = self.model.vosk_model_find_word("[unk]") >= 0
        phrases = grammar.vosk_json(words - unknown, unk)
        recognizer = self._recognizer_for(phrases)
        with self._lock:
            self._grammar, self._phrases, self._recognizer = grammar, phrases, recognizer
            self._voiced, self._quiet_s = False, 0.0

    def _recognizer_for(self, phrases: str):
        import vosk

        recognizer = vosk.KaldiRecognizer(self.model, self.sample_rate, phrases)
        recognizer.SetWords(True)
        return recognizer

    def stop_listening(self) -> None:
        with self._lock:
            self._grammar, self._recognizer = None, None

    def accept(self, pcm: bytes) -> None:
        """Feeds 16-bit mono PCM at `sample_rate`; an utterance ends at the model's endpoint."""
        with self._lock:
            recognizer, grammar = self._recognizer, self._grammar
            if recognizer is None:
                return
            if recognizer.AcceptWaveform(pcm):
                result = recognizer.Result()
            elif self._ended_by_quiet(pcm):
                result = recognizer.FinalResult()
            else:
                return
            self._start_afresh()
        self._conclude(result, grammar)

    def _ended_by_quiet(self, pcm: bytes) -> bool:
        """Our own short endpoint: speech, then END_SILENCE_S of quiet, ends the utterance."""
        import numpy as np  # with the first sound heard, not at start-up

        samples = np.frombuffer(pcm, dtype=np.int16).astype(np.float32)
        if samples.size == 0:
            return False
        if float(np.sqrt(np.mean(samples * samples))) >= QUIET_RMS:
            self._voiced, self._quiet_s = True, 0.0
            return False
        self._quiet_s += samples.size / self.sample_rate
        return self._voiced and self._quiet_s >= END_SILENCE_S

    def finish(self) -> None:
        """The audio stopped (end of a file, push-to-talk released): decide on what is left."""
        with self._lock:
            recognizer, grammar = self._recognizer, self._grammar
            if recognizer is None:
                return
            result = recognizer.FinalResult()
            self._start_afresh()
        self._conclude(result, grammar)

    def _start_afresh(self) -> None:
        # Each utterance gets a fresh recognizer: one that has decoded an utterance carries
        # its state into the next and hears worse (measured: "이 삼 사 이" after "삼 사 이 육").
        self._recognizer = self._recognizer_for(self._phrases)
        self._voiced, self._quiet_s = False, 0.0

    def feed_wav(self, path: str | Path, chunk_ms: int = 200, realtime: bool = False) -> None:
        """Plays a WAV file into the recognizer as if a microphone had heard it.

        `realtime` paces it like a live microphone (the `--voice-input FILE` demo, run on a
        worker), so the kiosk has time to change steps between the commands in the file.
        """
        with wave.open(str(path), "rb") as wav:
            if wav.getsampwidth() != 2 or wav.getnchannels() != 1:
                raise AudioFormatError(f"{path}: need 16-bit mono PCM")
            if wav.getframerate() != self.sample_rate:
                raise AudioFormatError(
                    f"{path}: need {self.sample_rate} Hz, "
                    f"got {wav.getframerate()} (sox -r {self.sample_rate})"
                )
            frames = self.sample_rate * chunk_ms // 1000
            while chunk := wav.readframes(frames):
                self.accept(chunk)
                if realtime:
                    time.sleep(chunk_ms / 1000)
        self.finish()

    def _conclude(self, result_json: str, grammar: Grammar | None) -> None:
        result = json.loads(result_json)
        text = result.get("text", "").strip()
        if not text or grammar is None:
            return
        utterance = Utterance(
            text, tuple((w["word"], float(w.get("conf", 0.0))) for w in result.get("result", []))
        )
        command = decide(utterance, grammar, self.min_confidence)
        # Spoken digits may be a phone or booking number: the log keeps only their count.
        said = f"<{sum(c.isdigit() for c in str(command))} digits>" if grammar.digit_words else text
        log.info(
            "voice %s heard %r (conf %.2f) -> %s",
            self.language,
            said,
            utterance.confidence,
            type(command).__name__,
        )
        self._post(lambda: self.heard.emit(command, utterance))
