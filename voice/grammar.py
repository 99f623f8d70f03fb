"""What can be said on a step, and what it means: built in one place from the step itself.

Like Rhasspy's sentence templates, one declaration gives both the recognizer's phrase list and
the parser from phrase to meaning: the step's choices (their labels and their `say` synonyms),
digits on a number field, and the global commands from `voice.command.*`. Nobody keeps a
second list of what the kiosk understands.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from kiosk.flows.model import CONFIRM, DONE, StepKind, StepView
from kiosk.i18n import Catalog

# --- what a customer can mean -----------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    """Base of every meaning; `name` is the `voice.command.*` key of the global ones."""

    name = ""


@dataclass(frozen=True)
class Choose(Command):
    id: str
    name = "choose"


@dataclass(frozen=True)
class Digits(Command):
    digits: str
    name = "digits"


# The global commands: no data, just a meaning. Equal when of the same class (dataclass eq).
class Back(Command):
    name = "back"


class Cancel(Command):
    name = "cancel"


class Repeat(Command):
    name = "repeat"


class Help(Command):
    name = "help"


class CallStaff(Command):
    name = "call_staff"


class Confirm(Command):
    name = "confirm"


class MoreTime(Command):
    name = "more_time"


class Clear(Command):
    name = "clear"  # the digits said so far, on a number field


class Yes(Command):
    name = "yes"


class No(Command):
    name = "no"


@dataclass(frozen=True)
class DidYouMean(Command):
    """Heard something close to `guess` but not sure: ask before acting."""

    guess: Command
    phrase: str  # the phrase to read back in the question
    name = "did_you_mean"


@dataclass(frozen=True)
class NotUnderstood(Command):
    heard: str
    name = "not_understood"


GLOBAL_COMMANDS: tuple[Command, ...] = (
    Back(),
    Cancel(),
    Repeat(),
    Help(),
    CallStaff(),
    Confirm(),
    MoreTime(),
    Yes(),
    No(),
    Clear(),
)
# Each step listens only for what makes sense on it: every word more is one more word for
# the recognizer to mistake the customer's for (measured: on a CHOOSE step, espeak's "큐알"
# was heard as the confirm word "좋아요"). "Confirm" only where something is confirmed.
STEP_COMMANDS: tuple[Command, ...] = (Back(), Cancel(), Repeat(), Help(), CallStaff(), MoreTime())
CONFIRMED_KINDS = frozenset({StepKind.REVIEW, StepKind.FIELD, StepKind.RESULT})
# While the kiosk waits for a yes or a no, only these make sense.
QUESTION_COMMANDS: tuple[Command, ...] = (Yes(), No(), Repeat(), Help(), CallStaff(), Cancel())


def confirms(view: StepView) -> bool:
    """Whether "confirm" does something here: a review, a field, a result that is done with
    (its "done" choice, or no choice at all). On a result that asks for a choice (a rating)
    it would do nothing, and was heard for the choices (measured: "다섯" as "됐어요")."""
    if view.step.kind is StepKind.RESULT:
        return not view.choices or any(c.id == DONE for c in view.choices)
    return view.step.kind in CONFIRMED_KINDS


# --- the grammar --------------------------------------------------------------------------------


def squash(text: str) -> str:
    """Compares phrases as said: case, spaces and punctuation do not count."""
    return re.sub(r"[\s\W_]+", "", text.lower())


def spoken(phrase: str) -> str:
    """A phrase as the recognizer hears it: words only ("★★★ 보통" is "보통", "괜찮아요,
    계속" is "괜찮아요 계속"): symbols and punctuation are not words a model knows."""
    return " ".join(re.sub(r"[^\w\s]|_", " ", phrase.lower()).split())


@dataclass(frozen=True)
class Match:
    command: Command
    phrase: str  # the phrase as written in the catalog
    exact: bool  # the whole utterance was this phrase (or only digits)


@dataclass
class Grammar:
    language: str
    meanings: dict[str, tuple[str, Command]] = field(default_factory=dict)  # squashed -> ...
    digit_words: dict[str, str] = field(default_factory=dict)  # squashed word -> "0".."9"
    fillers: tuple[str, ...] = ()

    def add(self, phrase: str, command: Command) -> None:
        key = squash(phrase)
        if key and key not in self.meanings:  # the step's own choices were added first and win
            self.meanings[key] = (phrase, command)

    @property
    def phrases(self) -> list[str]:
        phrases = [phrase for phrase, _ in self.meanings.values()]
        return phrases + [w for w in self.digit_words if w not in self.meanings]

    def words(self) -> set[str]:
        """Every word listened for: the phrases' and the fillers'."""
        return {word for phrase in self.phrases for word in spoken(phrase).split()} | set(
            self.fillers
        )

    def use_fillers(self, fillers: tuple[str, ...]) -> None:
        """Listens for these fillers too, but never for one that is a word of a phrase."""
        own = {word for phrase in self.phrases for word in spoken(phrase).split()}
        self.fillers = tuple(f for f in fillers if f not in own and squash(f) not in own)

    def vosk_json(
        self, known: set[str] | None = None, unk: bool = True, *, fillers: bool = True
    ) -> str:
        """The recognizer's phrase list, leaving out phrases with words the model lacks.

        `[unk]` lets a model say "none of these"; the Korean model has no such word.
        """
        phrases = [spoken(p) for p in self.phrases] + list(self.fillers if fillers else ())
        phrases = [
            p
            for p in dict.fromkeys(phrases)
            if p and (known is None or all(w in known for w in p.split()))
        ]
        return json.dumps(phrases + (["[unk]"] if unk else []), ensure_ascii=False)

    def phrase_for(self, command: Command) -> str:
        for phrase, meaning in self.meanings.values():
            if meaning == command:
                return phrase
        return ""

    def parse(self, text: str) -> Match | None:
        """The meaning of a recognized text: exact if it is one phrase, a guess otherwise
        (a filler or `[unk]` in it makes it a guess too)."""
        said = text.lower().split()
        tokens = [t for t in said if t != "[unk]" and t not in self.fillers]
        padded = len(tokens) < len(said)
        key = squash(" ".join(tokens))
        if not key:
            return None
        if key in self.meanings:
            phrase, command = self.meanings[key]
            return Match(command, phrase, exact=not padded)
        if self.digit_words and all(squash(t) in self.digit_words for t in tokens):
            return Match(
                Digits("".join(self.digit_words[squash(t)] for t in tokens)),
                " ".join(tokens),
                exact=not padded,
            )
        # The recognizer strings grammar words together when it is unsure (and the Korean
        # model does so for any speech at all, vosk #2041): the longest phrase inside what it
        # heard is a guess worth asking about only if it is at least half of what was heard.
        inside = [
            (len(k), phrase, command) for k, (phrase, command) in self.meanings.items() if k in key
        ]
        if not inside:
            return None
        size, phrase, command = max(inside, key=lambda item: item[0])
        return Match(command, phrase, exact=False) if size * 2 >= len(key) else None


def build_grammar(
    view: StepView | None,
    catalog: Catalog,
    *,
    question: bool = False,
    fillers: tuple[str, ...] | None = None,
) -> Grammar:
    """The grammar of a step (or, with `question`, of a yes/no question asked on it; with no
    step, every global command), with the language's filler words (`voice.fillers`: sound
    that belongs to no phrase lands on them instead of on the nearest choice, the Korean model
    having no `[unk]`; chosen on the tuning voices with bench/voice_confusion.py) unless
    others are given."""
    grammar = Grammar(catalog.language)
    if view is not None and not question:
        for choice in view.choices:
            # a review's "confirm" and a result's "done" choice do what the word confirm does
            meaning = Confirm() if choice.id in (CONFIRM, DONE) else Choose(choice.id)
            grammar.add(catalog.text(choice.label, **view.params), meaning)
            for phrase in catalog.phrases(choice.say) if choice.say else ():
                grammar.add(phrase, meaning)
        field = view.step.field
        if view.step.kind is StepKind.FIELD and field is not None and field.input == "digits":
            for digit in "0123456789":
                for phrase in catalog.phrases(f"voice.digit.{digit}"):
                    grammar.digit_words.setdefault(squash(phrase), digit)
    if question:
        commands = QUESTION_COMMANDS
    elif view is None:  # every word the kiosk may listen for (the model's word check)
        commands = GLOBAL_COMMANDS
    else:
        commands = STEP_COMMANDS + ((Confirm(),) if confirms(view) else ())
        commands += (Clear(),) if grammar.digit_words else ()
    for command in commands:
        for phrase in catalog.phrases(f"voice.command.{command.name}"):
            grammar.add(phrase, command)
    grammar.use_fillers(tuple(catalog.phrases("voice.fillers")) if fillers is None else fillers)
    return grammar
