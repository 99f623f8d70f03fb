"""Voice benchmark: latencies and Korean command accuracy with the real model and espeak-ng.

    .venv/bin/python bench/voice_latency.py [--quick]

Prints three tables:
1. step entered -> first audio (goal <= 300 ms): prompt already in the WAV cache (the normal
   case after `prerender`) and not yet rendered (the speech process renders it first).
   "First audio" is the moment the WAV is handed to the player; with a sound card, add the
   device's own start-up (tens of ms on ALSA).
2. end of speech -> command (goal <= 500 ms): the WAV is fed in 100 ms chunks on a simulated
   real-time clock; latency is the simulated time from the end of the words to the moment the
   command is out, plus the real decoding time. "endpoint" ends the utterance after
   SpeechIn.end_silence_s of quiet (the model's own rule, 0.5 s in conf/model.conf, would
   come later); "push-to-talk" ends it when the customer releases the key (finish()).
3. accuracy of the decision (`voice.speech_in.decide`, bench/voice_confusion.py) on every
   phrase of every fixed step of every flow, in that step's grammar, said by espeak-ng voices
   at several speeds and pitches: the TUNING voices (the only ones used to choose the bar,
   the fillers and the phrases) and, apart, the REPORTING voices (never used to choose
   anything). Each utterance is scored as: acted right, asked "did you mean <right thing>?",
   asked/again (no harm), or WRONG ACTION (acted on something else). All the voices are
   synthetic: real customers' recordings are measured with voice_confusion.py --recordings.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import wave
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.speech import Voice, speech_end, synthesize
from bench.voice_confusion import (
    REPORTING,
    TUNING,
    VERDICTS,
    Recorder,
    cases,
    known_words,
    out_of_grammar,
    percent,
    score,
    table,
)
from kiosk.flows import flow_registry
from kiosk.flows.engine import FlowEngine
from kiosk.i18n import Catalog
from kiosk.runtime import InlineRunner, ManualClock
from kiosk.session import CustomerSession
from voice.grammar import build_grammar
from voice.models import VoiceModels, static_views
from voice.navigator import VoiceNavigator
from voice.speech_in import SpeechIn
from voice.speech_out import SpeechOut

POST_PAD = 1.0  # quiet after the words: room for the endpoint to come


def ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    return f"{statistics.median(values) * 1000:.0f} / {p95 * 1000:.0f}"


def first_audio(rounds: int) -> list[list[object]]:
    cache = Path(tempfile.mkdtemp(prefix="voice-bench-"))
    speech_out = SpeechOut(cache, language="ko")
    engine = FlowEngine(flow_registry(), None, InlineRunner(), ManualClock())
    VoiceNavigator(engine, Catalog("ko"), speech_out, None)
    spoke_at: list[float] = []
    speech_out.spoke.connect(lambda _text: spoke_at.append(time.perf_counter()))

    def once() -> float:
        spoke_at.clear()
        start = time.perf_counter()
        engine.start("guide", CustomerSession("ko", care_mode=True))
        while not spoke_at and time.perf_counter() - start < 20:
            time.sleep(0.001)
        engine.cancel()
        return spoke_at[0] - start

    once()  # starts the speech process
    rows = []
    uncached = []
    for i in range(rounds):  # a new rate each time: never in the cache
        speech_out.set_rate(150 + i)
        uncached.append(once())
    cached = []
    speech_out.set_rate(150)
    for _ in range(rounds):
        cached.append(once())
    rows.append(["prompt in cache (after prerender)", ms(cached), "<= 300"])
    rows.append(["prompt rendered on demand", ms(uncached), "<= 300"])
    speech_out.close()
    return rows


def command_latency(
    speech_in: SpeechIn, folder: Path, phrases: list[tuple[str, object]], grammar
) -> list[list[object]]:
    results = {"endpoint (0.3 s of quiet)": [], "push-to-talk (finish on release)": []}
    chunk_s = 0.1
    for phrase, _meaning in phrases:
        wav_path = synthesize(folder, phrase, Voice("ko", 150, 50), post=POST_PAD)
        end = speech_end(wav_path)
        with wave.open(str(wav_path)) as w:
            pcm = w.readframes(w.getnframes())
        step = int(16000 * chunk_s) * 2
        for mode, values in results.items():
            got: list[int] = []

            def listener(*_args, got=got) -> None:
                got.append(1)

            speech_in.heard.connect(listener)
            speech_in.listen_for(grammar)
            latency = None
            for i in range(0, len(pcm), step):
                now = (i + step) / 32000  # simulated time when this chunk has arrived
                if mode.startswith("push") and now > end + chunk_s:
                    t0 = time.perf_counter()
                    speech_in.finish()
                    latency = now - end + time.perf_counter() - t0
                    break
                t0 = time.perf_counter()
                speech_in.accept(pcm[i : i + step])
                if got:
                    latency = now - end + time.perf_counter() - t0
                    break
            if latency is None:  # the file ended before the endpoint: the end is the release
                t0 = time.perf_counter()
                speech_in.finish()
                latency = len(pcm) / 32000 - end + time.perf_counter() - t0
            speech_in.heard.disconnect(listener)
            values.append(latency)
    return [[mode, ms(values), "<= 500"] for mode, values in results.items()]


def guide_commands(
    speech_in: SpeechIn, folder: Path, catalog: Catalog, repeat: int
) -> list[list[object]]:
    """End of speech -> command for the voice commands and two answers on the guide's first step."""
    need = build_grammar(static_views(flow_registry()["guide"])[0], catalog)
    phrases = [
        (catalog.phrases(f"voice.command.{name}")[0], None)
        for name in ("back", "repeat", "help", "cancel", "more_time")
    ]
    phrases += [("예약 확인", None), ("기타", None)]
    return command_latency(speech_in, folder, phrases * repeat, need)


def accuracy(
    recorder: Recorder, catalog: Catalog, every: int
) -> tuple[list[list[object]], list[list[object]]]:
    """The decision on every phrase of every step, by the tuning voices and, apart, by the
    reporting voices (never used to choose anything)."""
    found = cases(catalog, known_words(recorder.speech_in.model, catalog))
    rows, oog = [], []
    for name, said_by in (("tuning", TUNING), ("reporting (held out)", REPORTING)):
        heard = recorder.record(found, said_by, every)
        rows.append([name, len(heard), *percent(score(heard))])
        said, acted = out_of_grammar(recorder, catalog, said_by)
        oog.append([name, said, acted])
    return rows, oog


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer rounds and commands")
    parser.add_argument("--cache", type=Path, help="keep WAVs and what was heard here")
    parser.add_argument("--every", type=int, help="say 1 in N of the utterances (default 4)")
    args = parser.parse_args()
    rounds = 5 if args.quick else 20
    folder = args.cache or Path(tempfile.mkdtemp(prefix="voice-bench-wav-"))
    catalog = Catalog("ko")
    model = VoiceModels({}).load("ko")
    speech_in = SpeechIn(model, "ko")

    table(
        "1. step entered -> first audio (ms, median / p95)",
        ["case", "latency", "goal"],
        first_audio(rounds),
    )
    table(
        "2. end of speech -> command (ms, median / p95)",
        ["mode", "latency", "goal"],
        guide_commands(speech_in, folder, catalog, 1 if args.quick else 3),
    )
    every = args.every or (16 if args.quick else 4)
    rows, oog = accuracy(Recorder(speech_in, folder), catalog, every)
    table(
        f"3. Korean commands, every phrase of every step, 1 utterance in {every} "
        "(synthetic espeak-ng voices)\n"
        f"   tuning: {', '.join(map(str, TUNING))}\n"
        f"   reporting: {', '.join(map(str, REPORTING))}",
        ["voices", "utterances", *VERDICTS],
        rows,
    )
    table(
        "   speech outside the grammar (guide 'need' step)",
        ["voices", "sentences", "acted on anyway"],
        oog,
    )


if __name__ == "__main__":
    main()
