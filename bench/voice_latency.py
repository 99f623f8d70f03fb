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
3. accuracy on a HELD-OUT set of synthesized Korean commands (every phrase of every fixed
   step of every flow, in that step's grammar): espeak-ng voice variants, speeds
   and pitches never used while the command words were chosen (that tuning used the plain
   "ko" voice at 120-175 wpm, pitch 40-70). Each utterance is scored as: acted right, asked
   "did you mean <right thing>?", asked/again (no harm), or WRONG ACTION (acted on something
   else) -- at several confidence bars.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.flows import all_flows
from kiosk.flows.engine import FlowEngine
from kiosk.i18n import Catalog
from kiosk.runtime import InlineRunner, ManualClock
from kiosk.session import CustomerSession
from voice.grammar import DidYouMean, NotUnderstood, build_grammar, spoken
from voice.models import VoiceModels, static_views
from voice.navigator import VoiceNavigator
from voice.speech_in import QUIET_RMS, SpeechIn, Utterance, decide
from voice.speech_out import SpeechOut

HELD_OUT = [("ko+f3", 140, 30), ("ko+m2", 160, 80), ("ko+f5", 110, 60), ("ko+m7", 190, 45)]
OUT_OF_GRAMMAR = [
    "오늘 날씨가 정말 좋네요",
    "저는 커피를 마시고 싶어요",
    "우리 집은 서울에 있습니다",
    "화장실이 어디에 있어요",
    "이 기계는 어떻게 써요",
]
PRE_PAD, POST_PAD = 0.3, 1.0


def synthesize(folder: Path, text: str, voice: str, rate: int, pitch: int) -> tuple[Path, float]:
    """A 16 kHz WAV and the time (s) at which the words end in it (not espeak's own tail)."""
    raw, wav = folder / "raw.wav", folder / f"{abs(hash((text, voice, rate, pitch)))}.wav"
    subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(rate), "-p", str(pitch), "-w", str(raw), text],
        check=True,
    )
    subprocess.run(
        [
            "sox",
            "-q",
            str(raw),
            "-r",
            "16000",
            "-c",
            "1",
            "-b",
            "16",
            str(wav),
            "pad",
            str(PRE_PAD),
            str(POST_PAD),
        ],
        check=True,
    )
    with wave.open(str(wav)) as w:
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    frame = 160  # 10 ms: the words end with the last frame louder than the quiet level
    levels = [
        np.sqrt(np.mean(samples[i : i + frame].astype(np.float32) ** 2))
        for i in range(0, len(samples) - frame, frame)
    ]
    loud = [i for i, level in enumerate(levels) if level >= QUIET_RMS]
    return wav, (loud[-1] + 1) * frame / 16000


def table(title: str, header: list[str], rows: list[list[object]]) -> None:
    print(f"\n{title}")
    widths = [max(len(str(x)) for x in [h] + [r[i] for r in rows]) for i, h in enumerate(header)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)))


def ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    return f"{statistics.median(values) * 1000:.0f} / {p95 * 1000:.0f}"


def first_audio(rounds: int) -> list[list[object]]:
    cache = Path(tempfile.mkdtemp(prefix="voice-bench-"))
    speech_out = SpeechOut(cache, language="ko")
    engine = FlowEngine(all_flows(), None, InlineRunner(), ManualClock())
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
        wav_path, speech_end = synthesize(folder, phrase, "ko", 150, 50)
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
                if mode.startswith("push") and now > speech_end + chunk_s:
                    t0 = time.perf_counter()
                    speech_in.finish()
                    latency = now - speech_end + time.perf_counter() - t0
                    break
                t0 = time.perf_counter()
                speech_in.accept(pcm[i : i + step])
                if got:
                    latency = now - speech_end + time.perf_counter() - t0
                    break
            if latency is None:  # the file ended before the endpoint: the end is the release
                t0 = time.perf_counter()
                speech_in.finish()
                latency = len(pcm) / 32000 - speech_end + time.perf_counter() - t0
            speech_in.heard.disconnect(listener)
            values.append(latency)
    return [[mode, ms(values), "<= 500"] for mode, values in results.items()]


def _cases(speech_in: SpeechIn, catalog: Catalog) -> list[tuple]:
    """(step, grammar, phrase, meaning): every phrase of every fixed step of every flow."""
    cases = []
    seen = set()
    for flow in all_flows().values():
        for view in static_views(flow):
            grammar = build_grammar(view, catalog)
            known = {w for w in grammar.words() if speech_in.model.vosk_model_find_word(w) >= 0}
            for phrase, meaning in grammar.meanings.values():
                key = (tuple(sorted(grammar.meanings)), phrase)
                if key not in seen and all(w in known for w in spoken(phrase).split()):
                    seen.add(key)
                    cases.append((view.step.id, grammar, phrase, meaning))
    return cases


def _verdict(command: object, meaning: object) -> str:
    if command == meaning:
        return "acted right"
    if isinstance(command, DidYouMean) and command.guess == meaning:
        return "asked, right guess"
    if isinstance(command, (DidYouMean, NotUnderstood)):
        return "asked / say again"
    return "WRONG ACTION"


def accuracy(
    speech_in: SpeechIn, folder: Path, catalog: Catalog, bars: list[float], quick: bool
) -> tuple[list[list[object]], list[list[object]]]:
    cases = _cases(speech_in, catalog)
    if quick:
        cases = cases[::4]
    utterances = []  # (grammar, meaning, Utterance | None)
    heard: list[Utterance] = []
    speech_in.heard.connect(lambda _command, utterance: heard.append(utterance))
    for voice, rate, pitch in HELD_OUT:
        for _step, grammar, phrase, meaning in cases:
            wav_path, _ = synthesize(folder, spoken(phrase), voice, rate, pitch)
            heard.clear()
            speech_in.listen_for(grammar)
            speech_in.feed_wav(wav_path)
            utterances.append((grammar, meaning, heard[0] if heard else None))
    rows = []
    for bar in bars:
        counts = {
            "acted right": 0,
            "asked, right guess": 0,
            "asked / say again": 0,
            "WRONG ACTION": 0,
        }
        for grammar, meaning, utterance in utterances:
            command = decide(utterance, grammar, bar) if utterance else NotUnderstood("")
            counts[_verdict(command, meaning)] += 1
        total = len(utterances)
        rows.append([f"{bar:.2f}", total] + [f"{100 * n / total:.1f}%" for n in counts.values()])
    # Speech nobody offered: how often does the kiosk act on it anyway?
    need = build_grammar(static_views(all_flows()["guide"])[0], catalog)
    false_acts = asked = 0
    for voice, rate, pitch in HELD_OUT:
        for sentence in OUT_OF_GRAMMAR:
            wav_path, _ = synthesize(folder, sentence, voice, rate, pitch)
            heard.clear()
            speech_in.listen_for(need)
            speech_in.feed_wav(wav_path)
            for utterance in heard:
                command = decide(utterance, need)
                if isinstance(command, (DidYouMean, NotUnderstood)):
                    asked += 1
                else:
                    false_acts += 1
    oog = [["out-of-grammar sentences", len(HELD_OUT) * len(OUT_OF_GRAMMAR), asked, false_acts]]
    return rows, oog


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer rounds and commands")
    args = parser.parse_args()
    rounds = 5 if args.quick else 20
    folder = Path(tempfile.mkdtemp(prefix="voice-bench-wav-"))
    catalog = Catalog("ko")
    model = VoiceModels({}).load("ko")
    speech_in = SpeechIn(model, "ko")

    table(
        "1. step entered -> first audio (ms, median / p95)",
        ["case", "latency", "goal"],
        first_audio(rounds),
    )
    need = build_grammar(static_views(all_flows()["guide"])[0], catalog)
    phrases = [
        (catalog.phrases(f"voice.command.{name}")[0], None)
        for name in ("back", "repeat", "help", "cancel", "more_time")
    ]
    phrases += [("예약 확인", None), ("기타", None)]
    table(
        "2. end of speech -> command (ms, median / p95)",
        ["mode", "latency", "goal"],
        command_latency(speech_in, folder, phrases * (1 if args.quick else 3), need),
    )
    rows, oog = accuracy(speech_in, folder, catalog, [0.5, 0.75, 0.9, 1.0], args.quick)
    table(
        f"3. held-out Korean commands ({', '.join(f'{v} {r}wpm p{p}' for v, r, p in HELD_OUT)})",
        [
            "conf bar",
            "utterances",
            "acted right",
            "asked, right guess",
            "asked / again",
            "WRONG ACTION",
        ],
        rows,
    )
    table(
        "   speech outside the grammar (guide 'need' step, bar 0.75)",
        ["set", "sentences", "asked / again", "acted anyway"],
        oog,
    )


if __name__ == "__main__":
    main()
