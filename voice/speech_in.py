"""Speech in: vosk listening for one step's grammar at a time, deciding whether to act or ask.

The recognizer only hears the phrases of the current step (plus the global commands), which
makes a small offline model usable. It is still not trusted blindly: each utterance is decoded
twice on the same audio, against the step's phrases (with the recognizer's alternatives) and
against the same phrases plus filler words, and acts only when the best hypothesis is one
whole phrase, clearly ahead of every hypothesis meaning something else, and the filler
decoding agrees (`decide`). Anything else becomes a "did you mean …?" question (or "please
say it again"). This matters most in Korean, where the model rejects `[unk]` and maps noise
onto grammar words even at confidence 1.0 (alphacep/vosk-api #2041).
"""

from __future__ import annotations

import json
import logging
import threading
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from kiosk.events import Event
from voice.grammar import Command, DidYouMean, Grammar, Match, NotUnderstood

log = logging.getLogger(__name__)

SAMPLE_RATE = 16000
END_SILENCE_S = 0.3  # quiet after speech that ends an utterance (the model waits 0.5 s)
QUIET_RMS = 300  # 16-bit RMS below which a chunk counts as quiet (a branch hall's hum)
ALTERNATIVES = 5  # hypotheses asked of the recognizer for each utterance


@dataclass(frozen=True)
class Bar:
    """When the evidence is clear enough to act; measured with bench/voice_confusion.py on
    the tuning voices only (docs/voice.md). `margin` is how far (in the recognizer's score)
    the best hypothesis must beat the best one meaning something else; `confidence` is the
    least per-word confidence, where the recognizer gives one."""

    margin: float = 2.0
    confidence: float = 0.75
    guess: float = 4.0  # a whole phrase this close behind a best text that is none: asked
    # commands never acted on from speech alone, however sure the recognizer is: "more time"
    # ("기다려 주세요") was what the tuning voices' other phrases were most often heard as,
    # with no rival hypothesis to see it by (docs/voice.md); a "네" to "did you mean" acts
    always_ask: frozenset[str] = frozenset({"more_time"})


BAR = Bar()


class AudioFormatError(ValueError):
    """A WAV the recognizer cannot take (it needs 16-bit mono PCM)."""

    message_key = "voice.notice.bad_audio"


@dataclass(frozen=True)
class Utterance:
    """What the recognizer heard: its best text, the words (with a confidence when the
    recognizer gives one), and its other hypotheses with their scores, best first."""

    text: str
    words: tuple[tuple[str, float], ...]  # (word, confidence)
    alternatives: tuple[tuple[str, float], ...] = ()  # (text, score), the first is `text`
    # what a second recognizer heard in the same audio with the grammar's filler words too
    checked: Utterance | None = None

    @property
    def confidence(self) -> float:
        return min((conf for _, conf in self.words), default=0.0)

    @classmethod
    def from_result(cls, result: dict) -> Utterance:
        alternatives = tuple(
            (a.get("text", "").strip(), float(a.get("confidence", 0.0)))
            for a in result.get("alternatives", [])
        )
        if alternatives:
            best = result["alternatives"][0]
            words = tuple((w["word"], 1.0) for w in best.get("result", []))
            return cls(alternatives[0][0], words, alternatives)
        words = tuple((w["word"], float(w.get("conf", 0.0))) for w in result.get("result", []))
        return cls(result.get("text", "").strip(), words)

    def margin(self, grammar: Grammar, command: Command) -> float:
        """How far the best hypothesis beats the best one that does not mean `command`
        exactly (another phrase, a filler, a salad); infinite when no hypothesis does."""
        if not self.alternatives:
            return float("inf")
        best = self.alternatives[0][1]
        for text, score in self.alternatives[1:]:
            other = grammar.parse(text)
            if other is None or not other.exact or other.command != command:
                return best - score
        return float("inf")

    def close_phrase(self, grammar: Grammar, within: float) -> Match | None:
        """The best hypothesis that is one whole phrase, if it scores within `within` of the
        best hypothesis (a salad around the right phrase often wins by a hair)."""
        if not self.alternatives:
            return None
        best = self.alternatives[0][1]
        for text, score in self.alternatives:
            if best - score > within:
                return None
            match = grammar.parse(text)
            if match is not None and match.exact:
                return match
        return None


def _weigh(utterance: Utterance, grammar: Grammar, bar: Bar) -> tuple[bool, Match | None]:
    """(sure, the phrase meant) on one recognizer's evidence."""
    match = grammar.parse(utterance.text)
    if (
        match is not None
        and match.exact
        and utterance.confidence >= bar.confidence
        and utterance.margin(grammar, match.command) >= bar.margin
    ):
        return True, match
    return False, utterance.close_phrase(grammar, bar.guess) or match


def decide(utterance: Utterance, grammar: Grammar, bar: Bar = BAR) -> Command:
    """Act, ask, or say "again": the one place that turns what was heard into a command.

    Acts only when the whole utterance is one phrase of the grammar, every word the recognizer
    scored is confident, no hypothesis meaning something else comes close, and the second
    recognizer (with filler words that soak up sound belonging to no phrase) heard the same
    meaning just as clearly. Otherwise asks about the likeliest phrase, if there is one."""
    sure, match = _weigh(utterance, grammar, bar)
    if utterance.checked is not None:
        checked_sure, checked = _weigh(utterance.checked, grammar, bar)
        if match and not (checked_sure and checked and checked.command == match.command):
            sure = False
        match = match or checked
    if match is None:
        return NotUnderstood(utterance.text)
    if sure and match.command.name not in bar.always_ask:
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
        bar: Bar = BAR,
        alternatives: int = ALTERNATIVES,
        check_with_fillers: bool = True,
        post: Callable[[Callable[[], None]], None] = lambda call: call(),
    ):
        self.model = model
        self.language = language
        self.sample_rate = sample_rate
        self.bar = bar
        self.alternatives = alternatives
        self.check_with_fillers = check_with_fillers
        self.heard: Event[Command, Utterance | None] = Event("heard")
        self.unknown_words: set[str] = set()
        self._post = post
        self._grammar: Grammar | None = None
        self._recognizers: tuple = ()  # the step's phrases; and with fillers, to check
        self._phrases: tuple[str, ...] = ()
        self._voiced, self._quiet_s = False, 0.0  # for the short endpoint
        self._lock = threading.Lock()  # audio may come from a worker while the step changes

    @property
    def listening(self) -> bool:
        return bool(self._recognizers)

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
        phrases: tuple[str, ...] = (grammar.vosk_json(words - unknown, unk, fillers=False),)
        if self.check_with_fillers and grammar.fillers:
            phrases += (grammar.vosk_json(words - unknown, unk),)
        recognizers = tuple(self._recognizer_for(p) for p in phrases)
        with self._lock:
            self._grammar, self._phrases, self._recognizers = grammar, phrases, recognizers
            self._voiced, self._quiet_s = False, 0.0

    def _recognizer_for(self, phrases: str):
        import vosk

        recognizer = vosk.KaldiRecognizer(self.model, self.sample_rate, phrases)
        recognizer.SetWords(True)
        if self.alternatives > 1:
            recognizer.SetMaxAlternatives(self.alternatives)
        return recognizer

    def stop_listening(self) -> None:
        with self._lock:
            self._grammar, self._recognizers = None, ()

    def accept(self, pcm: bytes) -> None:
        """Feeds 16-bit mono PCM at `sample_rate`; an utterance ends at the model's endpoint."""
        with self._lock:
            recognizers, grammar = self._recognizers, self._grammar
            if not recognizers:
                return
            ended = [r.AcceptWaveform(pcm) for r in recognizers][0]  # the first one's endpoint
            if ended:
                results = [recognizers[0].Result()] + [r.FinalResult() for r in recognizers[1:]]
            elif self._ended_by_quiet(pcm):
                results = [r.FinalResult() for r in recognizers]
            else:
                return
            self._start_afresh()
        self._conclude(results, grammar)

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
            recognizers, grammar = self._recognizers, self._grammar
            if not recognizers:
                return
            results = [r.FinalResult() for r in recognizers]
            self._start_afresh()
        self._conclude(results, grammar)

    def _start_afresh(self) -> None:
        # Each utterance gets a fresh recognizer: one that has decoded an utterance carries
        # its state into the next and hears worse (measured: "이 삼 사 이" after "삼 사 이 육").
        self._recognizers = tuple(self._recognizer_for(p) for p in self._phrases)
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

    def _conclude(self, results: list[str], grammar: Grammar | None) -> None:
        heard = [Utterance.from_result(json.loads(r)) for r in results]
        utterance = replace(heard[0], checked=heard[1]) if len(heard) > 1 else heard[0]
        text = utterance.text
        if not text or grammar is None:
            return
        command = decide(utterance, grammar, self.bar)
        # Spoken digits may be a phone or booking number: the log keeps only their count.
        said = f"<{sum(c.isdigit() for c in str(command))} digits>" if grammar.digit_words else text
        log.info(
            "voice %s heard %r (margin %.1f) -> %s",
            self.language,
            said,
            utterance.margin(grammar, getattr(command, "guess", command)),
            type(command).__name__,
        )
        self._post(lambda: self.heard.emit(command, utterance))
