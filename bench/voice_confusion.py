"""What the Korean recognizer makes of every phrase of every step: confusion and decisions.

    .venv/bin/python bench/voice_confusion.py [--set tuning|reporting] [--every N]
        [--fillers on|off] [--sweep] [--matrix] [--recordings MANIFEST.csv]

Every phrase of every fixed step of every flow (and of the yes/no question) is said in that
step's grammar by each voice of a set, through the kiosk's own `SpeechIn`, and what it heard
(the best hypothesis and its alternatives) is kept in a cache, so the decision rule can be
measured again without decoding again.

- `--matrix` prints, per step, which phrase was heard as which other choice (the confusion
  matrix, over the set's voices, speeds and pitches), and the choices that have no phrase
  safe from the others: the catalogs must give each choice one phrase never confused.
- `--sweep` scores the decision (`voice.speech_in.decide`) at several margins.

The TUNING voices are the only ones used to choose a bar, a margin, a filler or a phrase;
the REPORTING voices (every other espeak-ng variant measured) are for reporting only. All of
them are synthetic. A bank with recordings of real customers passes `--recordings`: a CSV of
`wav,flow,step,phrase` rows, each WAV 16 kHz mono, and they are measured the same way.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.speech import Voice, synthesize
from kiosk.flows import flow_registry
from kiosk.flows.model import StepKind
from kiosk.i18n import Catalog
from voice.grammar import (
    Cancel,
    Command,
    DidYouMean,
    Digits,
    Grammar,
    NotUnderstood,
    build_grammar,
    spoken,
)
from voice.models import VoiceModels, static_views
from voice.speech_in import BAR, Bar, SpeechIn, Utterance, decide

RATES = (120, 150, 180)
PITCHES = (30, 50, 70)
TUNING_NAMES = ("ko", "ko+f1", "ko+f2", "ko+f4", "ko+m1", "ko+m3", "ko+m5", "ko+m6")
REPORTING_NAMES = ("ko+f3", "ko+f5", "ko+m2", "ko+m4", "ko+m7", "ko+m8")
OUT_OF_GRAMMAR = [
    "오늘 날씨가 정말 좋네요",
    "저는 커피를 마시고 싶어요",
    "우리 집은 서울에 있습니다",
    "화장실이 어디에 있어요",
    "이 기계는 어떻게 써요",
]
VERDICTS = (
    "acted right",
    "asked, right guess",
    "asked / say again",
    "asked to stop",  # a cancel heard for something else: asked about before anything happens
    "WRONG ACTION",
)


def voices(names: Iterable[str], per_voice: int) -> list[Voice]:
    """`per_voice` speed/pitch settings of each voice, spread over the grid, never the same
    two for neighbouring voices."""
    grid = [(r, p) for r in RATES for p in PITCHES]
    chosen = []
    for n, name in enumerate(names):
        for k in range(per_voice):
            rate, pitch = grid[(n * 4 + k * 5) % len(grid)]
            chosen.append(Voice(name, rate, pitch))
    return chosen


TUNING = voices(TUNING_NAMES, 2)
REPORTING = voices(REPORTING_NAMES, 2)


@dataclass(frozen=True)
class Case:
    step: str  # flow/step (or "question")
    grammar: Grammar
    phrase: str
    meaning: Command
    result: bool = False  # a RESULT step: a heard cancel there is not asked about


def cases(catalog: Catalog, known: set[str], fillers: tuple[str, ...] | None = None) -> list[Case]:
    """Every phrase of every fixed step of every flow, in that step's grammar; a grammar met
    again on another step (the same choices) only once; and the yes/no question once."""
    found: list[Case] = []
    seen: set[tuple] = set()
    views = [v for flow in flow_registry().values() for v in static_views(flow)]
    grammars = [
        (
            f"{v.flow.id}/{v.step.id}",
            build_grammar(v, catalog, fillers=fillers),
            v.step.kind is StepKind.RESULT,
        )
        for v in views
    ]
    question = build_grammar(views[0], catalog, question=True, fillers=fillers)
    grammars.append(("question", question, False))
    for step, grammar, result in grammars:
        key = tuple(sorted(grammar.meanings))
        if key in seen:
            continue
        seen.add(key)
        for phrase, meaning in grammar.meanings.values():
            if all(w in known for w in spoken(phrase).split()):
                found.append(Case(step, grammar, phrase, meaning, result))
    return found


@dataclass(frozen=True)
class Heard:
    case: Case
    voice: str
    utterance: Utterance | None  # None: nothing was heard at all


class Recorder:
    """Feeds synthesized (or recorded) speech through the kiosk's SpeechIn and keeps what it
    heard in a JSON cache, keyed by the audio, the grammar the recognizer got and its mode."""

    def __init__(self, speech_in: SpeechIn, folder: Path):
        self.speech_in, self.folder = speech_in, folder
        folder.mkdir(parents=True, exist_ok=True)
        self.cache_path = folder / "heard.json"
        self.cache: dict[str, list | None] = (
            json.loads(self.cache_path.read_text()) if self.cache_path.exists() else {}
        )
        self._heard: list[Utterance] = []
        speech_in.heard.connect(lambda _command, utterance: self._heard.append(utterance))

    def hear(self, wav: Path, grammar: Grammar) -> Utterance | None:
        speech_in = self.speech_in
        mode = f"{speech_in.alternatives}|{speech_in.check_with_fillers}|{grammar.vosk_json()}"
        key = hashlib.sha1(f"{wav.name}|{mode}".encode()).hexdigest()
        if key not in self.cache:
            self._heard.clear()
            speech_in.listen_for(grammar)
            speech_in.feed_wav(wav)
            self.cache[key] = _kept(self._heard[0]) if self._heard else None
        return _utterance(self.cache[key])

    def save(self) -> None:
        part = self.cache_path.with_suffix(".part")
        part.write_text(json.dumps(self.cache, ensure_ascii=False))
        part.replace(self.cache_path)

    def record(self, found: list[Case], said_by: list[Voice], every: int = 1) -> list[Heard]:
        heard = []
        for i, case in enumerate(found):
            for j, voice in enumerate(said_by):
                if (i + j) % every:
                    continue  # a subsample that still gives every case and every voice
                wav = synthesize(self.folder, spoken(case.phrase), voice)
                heard.append(Heard(case, str(voice), self.hear(wav, case.grammar)))
            if i % 50 == 49:
                self.save()
        self.save()
        return heard

    def record_files(self, manifest: Path, found: list[Case]) -> list[Heard]:
        """Recordings of real customers: `wav,flow,step,phrase` rows (the phrase as written
        in the catalog)."""
        by_phrase = {(c.step, c.phrase): c for c in found}
        heard = []
        with manifest.open(newline="") as rows:
            for row in csv.DictReader(rows):
                case = by_phrase[(f"{row['flow']}/{row['step']}", row["phrase"])]
                wav = manifest.parent / row["wav"]
                heard.append(Heard(case, "recording", self.hear(wav, case.grammar)))
        self.save()
        return heard


def _kept(u: Utterance | None) -> list | None:
    return None if u is None else [u.text, u.words, u.alternatives, _kept(u.checked)]


def _utterance(kept: list | None) -> Utterance | None:
    if kept is None:
        return None
    text, words, alternatives, checked = kept
    return Utterance(
        text, tuple(map(tuple, words)), tuple(map(tuple, alternatives)), _utterance(checked)
    )


def verdict(command: Command, case: Case) -> str:
    """What the navigator does with the command, against what the customer meant."""
    meaning = case.meaning
    if isinstance(command, DidYouMean) and isinstance(command.guess, Digits):
        command = command.guess  # the navigator takes digits at once and reads them back
    if command == meaning:
        return "acted right"
    if isinstance(command, DidYouMean) and command.guess == meaning:
        return "asked, right guess"
    if isinstance(command, (DidYouMean, NotUnderstood)):
        return "asked / say again"
    if isinstance(command, Cancel) and not case.result:
        return "asked to stop"
    return "WRONG ACTION"


def score(heard: list[Heard], bar: Bar = BAR) -> Counter[str]:
    counts: Counter[str] = Counter({v: 0 for v in VERDICTS})
    for h in heard:
        command = decide(h.utterance, h.case.grammar, bar) if h.utterance else NotUnderstood("")
        counts[verdict(command, h.case)] += 1
    return counts


def percent(counts: Counter[str]) -> list[str]:
    total = sum(counts.values()) or 1
    return [f"{100 * counts[v] / total:.1f}%" for v in VERDICTS]


def out_of_grammar(recorder: Recorder, catalog: Catalog, said_by: list[Voice]) -> tuple[int, int]:
    """Sentences nobody offered, on the guide's first step: (said, acted on anyway)."""
    need = build_grammar(static_views(flow_registry()["guide"])[0], catalog)
    acted = 0
    for voice in said_by:
        for sentence in OUT_OF_GRAMMAR:
            u = recorder.hear(synthesize(recorder.folder, sentence, voice), need)
            if u is not None and not isinstance(decide(u, need), (DidYouMean, NotUnderstood)):
                acted += 1
    recorder.save()
    return len(said_by) * len(OUT_OF_GRAMMAR), acted


# --- the confusion matrix ------------------------------------------------------------------------


def heard_as(h: Heard) -> str:
    """The phrase the best hypothesis is (whatever the decision made of it)."""
    if h.utterance is None:
        return "(nothing)"
    match = h.case.grammar.parse(h.utterance.text)
    if match is None:
        return "(none)"
    return match.phrase if match.exact else f"~{match.phrase}"


@dataclass
class StepMatrix:
    """One step's confusion matrix: said phrase -> what the best hypothesis was, counted."""

    step: str
    meaning_of: dict[str, Command]  # phrase -> its meaning
    rows: dict[str, Counter[str]]

    def rivals(self, said: str) -> list[str]:
        """The phrases of *other* choices that `said` was heard as (exactly or inside)."""
        mine = self.meaning_of[said]
        heard = [got.lstrip("~") for got in self.rows[said]]
        return [got for got in heard if self.meaning_of.get(got, mine) != mine]

    def lacking(self) -> list[str]:
        """The choices with no safe phrase: every one of theirs was heard as another choice,
        or another choice's phrase was heard as it."""
        unsafe = set()
        for said in self.rows:
            for got in self.rivals(said):
                unsafe |= {said, got}
        lacking = []
        for command in dict.fromkeys(self.meaning_of.values()):
            phrases = [p for p, c in self.meaning_of.items() if c == command and p in self.rows]
            if phrases and all(p in unsafe for p in phrases):
                lacking.append(f"{command.name}:{getattr(command, 'id', '')}")
        return lacking


def matrices(heard: list[Heard]) -> list[StepMatrix]:
    by_step: dict[str, list[Heard]] = defaultdict(list)
    for h in heard:
        by_step[h.case.step].append(h)
    found = []
    for step, hs in by_step.items():
        meanings = hs[0].case.grammar.meanings.values()
        rows: dict[str, Counter[str]] = defaultdict(Counter)
        for h in hs:
            rows[h.case.phrase][heard_as(h)] += 1
        found.append(StepMatrix(step, {p: c for p, c in meanings}, rows))
    return found


def print_matrices(heard: list[Heard]) -> int:
    """Prints the confusions between choices; returns how many choices lack a safe phrase."""
    lacking_total = 0
    for matrix in matrices(heard):
        confused = [said for said in matrix.rows if matrix.rivals(said)]
        lacking = matrix.lacking()
        if not confused and not lacking:
            continue
        print(f"\n{matrix.step}" + (f"   NO SAFE PHRASE: {', '.join(lacking)}" if lacking else ""))
        for said in confused:
            row = matrix.rows[said]
            cells = ", ".join(f"{got} {n}" for got, n in row.most_common())
            print(f"  {said!r:28} ({sum(row.values())}): {cells}")
        lacking_total += len(lacking)
    return lacking_total


def table(title: str, header: list[str], rows: list[list[object]]) -> None:
    print(f"\n{title}")
    widths = [max(len(str(x)) for x in [h] + [r[i] for r in rows]) for i, h in enumerate(header)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)))


def setup(folder: Path, fillers: str | None = None) -> tuple[Recorder, Catalog, list[Case]]:
    catalog = Catalog("ko")
    model = VoiceModels({}).load("ko")
    speech_in = SpeechIn(model, "ko")
    tried = None if fillers is None else tuple(w for w in fillers.split(",") if w)
    found = cases(catalog, known_words(model, catalog), tried)  # other fillers: tuning only
    return Recorder(speech_in, folder), catalog, found


def known_words(model, catalog: Catalog) -> set[str]:
    """The words of every step's grammar that the model knows."""
    views = [v for flow in flow_registry().values() for v in static_views(flow)]
    words = build_grammar(views[0], catalog, question=True).words()
    for v in views:
        words |= build_grammar(v, catalog).words()
    return {w for w in words if model.vosk_model_find_word(w) >= 0}


SWEEP = [
    Bar(margin, confidence, guess)
    for margin in (0.0, 1.0, 2.0, 4.0)
    for confidence in (0.0,)
    for guess in (0.0, 1.0, 2.0, 4.0)
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", choices=("tuning", "reporting"), default="tuning")
    parser.add_argument("--every", type=int, default=1, help="keep 1 of every N utterances")
    parser.add_argument("--fillers", help="comma-separated, instead of the catalog's voice.fillers")
    parser.add_argument("--sweep", action="store_true")
    parser.add_argument("--single", action="store_true", help="no second decoding with fillers")
    parser.add_argument("--matrix", action="store_true")
    parser.add_argument("--recordings", type=Path)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/vb"))
    args = parser.parse_args()
    recorder, catalog, found = setup(args.cache, args.fillers)
    recorder.speech_in.check_with_fillers = not args.single
    said_by = TUNING if args.set == "tuning" else REPORTING
    if args.recordings:
        heard = recorder.record_files(args.recordings, found)
    else:
        heard = recorder.record(found, said_by, args.every)
    print(f"{len(found)} phrases, {len(heard)} utterances, voices: {', '.join(map(str, said_by))}")
    if args.matrix:
        print(f"\nchoices without a safe phrase: {print_matrices(heard)}")
    bars = SWEEP if args.sweep else [BAR]
    rows = [
        [f"{b.margin:.1f}", f"{b.guess:.1f}", len(heard), *percent(score(heard, b))] for b in bars
    ]
    table(f"decisions ({args.set})", ["margin", "guess", "utterances", *VERDICTS], rows)
    said, acted = out_of_grammar(recorder, catalog, said_by[:: max(1, args.every)])
    print(f"\nout of grammar: {said} said, {acted} acted on")


if __name__ == "__main__":
    main()
