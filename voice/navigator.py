"""Voice navigation: speaks each step as it is entered and turns what is heard into engine calls.

It listens to the flow engine's events and calls only the commands a tap could (submit, back,
cancel, retry, extend), so voice can do nothing the screen cannot. Uncertain words become a
yes/no question before anything happens, and a REVIEW step (where money moves or an account
is opened) needs a spoken "confirm" answered "yes" before it is submitted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from hardware.ports import Receipt
from kiosk.events import Event
from kiosk.flows.engine import FlowEngine
from kiosk.flows.model import CONFIRM, DONE, StepError, StepKind, StepView
from kiosk.i18n import Catalog
from voice import spoken_forms
from voice.grammar import (
    Back,
    CallStaff,
    Cancel,
    Choose,
    Clear,
    Command,
    Confirm,
    DidYouMean,
    Digits,
    Help,
    MoreTime,
    No,
    NotUnderstood,
    Repeat,
    Yes,
    build_grammar,
)
from voice.models import NO_MODEL_NOTICE
from voice.prompts import hint, receipt_speech, step_speech
from voice.sounds import REMINDER
from voice.speech_in import SpeechIn
from voice.speech_out import SpeechOut

log = logging.getLogger(__name__)


def review_needs_yes(view: StepView) -> bool:
    """Every REVIEW step confirms twice by voice: it is where money moves or accounts open."""
    return view.step.kind is StepKind.REVIEW


@dataclass
class _Question:
    text: str
    on_yes: Callable[[], None]
    on_no: Callable[[], None]


class VoiceNavigator:
    def __init__(
        self,
        engine: FlowEngine,
        catalog: Catalog,
        speech_out: SpeechOut,
        speech_in: SpeechIn | None = None,
        *,
        enabled: bool = True,
        rate: int = 170,
        care_rate: int = 130,
        confirm_twice: Callable[[StepView], bool] = review_needs_yes,
    ):
        self.engine = engine
        self.catalog = catalog
        self.speech_out = speech_out
        self.speech_in: SpeechIn | None = None
        self.enabled = enabled
        self.rates = (rate, care_rate)
        self.confirm_twice = confirm_twice
        self.staff_called: Event[()] = Event("staff_called")  # the customer asked for a person
        self.digits_changed: Event[str] = Event("digits_changed")  # digits heard for a FIELD step
        self.view: StepView | None = None
        self.digits = ""
        self.by_keys = False  # speech mode: hints name PIN-pad keys instead of words to say
        self._question: _Question | None = None
        self._receipt: Receipt | None = None  # printed in this visit: read out on its result
        # A screen outside any flow (the home screen), spoken and heard like a CHOOSE step.
        self._menu: StepView | None = None
        self._menu_choose: Callable[[str], None] = lambda _choice_id: None
        engine.step_entered.connect(self._on_step)
        engine.step_failed.connect(self._on_failed)
        engine.need_more_time.connect(self._on_more_time)
        engine.flow_ended.connect(self._on_ended)
        speech_out.played.connect(self._on_played)
        self._step_text = ""  # what was said on entering the step on screen
        self.use_speech_in(speech_in)

    # --- what app.py and the screen call --------------------------------------------------------

    @property
    def input_notice(self) -> str | None:
        """Message key of the one-line notice when voice input is off, else None."""
        return NO_MODEL_NOTICE if self.enabled and self.speech_in is None else None

    @property
    def question(self) -> str | None:
        """The yes/no question waiting for an answer, if any (the screen may show it too)."""
        return self._question.text if self._question else None

    def use_speech_in(self, speech_in: SpeechIn | None) -> None:
        """Swaps the recognizer (a language change); None turns voice input off."""
        if self.speech_in is not None:
            self.speech_in.heard.disconnect(self._on_heard)
            self.speech_in.stop_listening()
        self.speech_in = speech_in
        if speech_in is not None:
            speech_in.heard.connect(self._on_heard)
        self._listen()

    def set_language(self, language: str, speech_in: SpeechIn | None) -> None:
        if self.catalog.language != language:
            self.catalog.set_language(language)
        self.speech_out.set_language(language)
        self.use_speech_in(speech_in)
        self._speak_step()

    def show_menu(self, view: StepView | None, choose: Callable[[str], None]) -> None:
        """Speaks and listens on a screen outside any flow (None: that screen has gone);
        a choice said there goes to `choose`."""
        if self.engine.view is not None:
            return  # a flow's step is on screen
        self._menu, self._menu_choose = view, choose
        self.view, self._question, self.digits = view, None, ""
        self._listen()
        self._speak_step()

    def set_enabled(self, enabled: bool) -> None:
        """Speech on or off (care mode, speech mode); off stops talking and listening."""
        self.enabled = enabled
        if not enabled:
            self.speech_out.stop()
            if self.speech_in is not None:
                self.speech_in.stop_listening()
            return
        self._listen()
        self._speak_step()

    def set_care_mode(self, on: bool, *, speak: bool | None = None) -> None:
        """Care mode speaks slower and turns speech (and voice input, if a model is there) on;
        `speak` overrides the latter (speech mode talks at the normal rate)."""
        self.speech_out.set_rate(self.rates[1] if on else self.rates[0])
        self.set_enabled(on if speak is None else speak)

    def say(self, text: str) -> None:
        """Says something outside a step (the home menu of speech mode), if speech is on."""
        self._say(text)

    def receipt_printed(self, receipt: Receipt) -> None:
        """A receipt came out of the printer (posted to the UI thread): read out on the next
        result screen."""
        self._receipt = receipt

    def handle(self, command: Command, *, heard: bool = False) -> None:
        """Acts on a command (from the recognizer, or from a test or a PIN-pad key).

        A command `heard` (from the recognizer, which can be wrong) that would lose what the
        customer entered or leave the flow is asked about first (`_ask_before`)."""
        if not self.enabled or self.view is None:
            return
        if self._question is not None:
            self._answer(command, self._question)
        elif isinstance(command, DidYouMean) and isinstance(command.guess, Digits):
            self._act(command.guess)  # the read-back is the question: nothing is submitted
        elif isinstance(command, DidYouMean):
            self._ask(
                self.catalog.text("voice.say.did_you_mean", phrase=command.phrase),
                on_yes=lambda: self._act_after_asking(command.guess),
                on_no=self._say_again,
            )
        elif isinstance(command, NotUnderstood):
            self._say_again()
        elif not (heard and self._ask_before(command)):
            self._act(command)

    def _act_after_asking(self, command: Command) -> None:
        """A yes to "did you mean …?": that yes is the confirmation; "say it again" means the
        step's words, not the question just asked."""
        if isinstance(command, Repeat):
            self._speak_step()
        else:
            self._act(command)

    def _ask_before(self, command: Command) -> bool:
        """Asks before a heard "back" that leaves the flow or drops the digits said, and a
        heard "cancel" anywhere but a result; True if it asked. "Call staff" never waits."""
        view, engine = self._here(), self.engine
        if view is self._menu or engine.view is None:
            return False
        if isinstance(command, Back) and view.can_go_back:
            if engine.back_leaves_flow:
                question = "leave_question"
            elif self.digits:
                question = "back_question"
            else:
                return False
            self._ask(self._hint(question), on_yes=engine.back, on_no=self._speak_step)
            return True
        if isinstance(command, Cancel) and view.step.kind is not StepKind.RESULT:
            question = "cancel_question" if engine.would_lose_data else "leave_question"
            self._ask(self._hint(question), on_yes=engine.cancel, on_no=self._speak_step)
            return True
        return False

    # --- engine events ----------------------------------------------------------------------------

    def _on_step(self, view: StepView) -> None:
        self.view, self.digits, self._question, self._menu = view, "", None, None
        self._listen()
        if view.step.alert and not self.enabled:  # speech off: a reminder is still heard
            text = step_speech(view, self.catalog, by_keys=self.by_keys)
            self.speech_out.speak(text, sound=REMINDER)
        self._speak_step()
        if view.step.kind is StepKind.RESULT:
            self._receipt = None  # read out once, with the first result after printing

    def _on_failed(self, error: StepError) -> None:
        message = self.catalog.text(error.message_key, **error.params)
        self.digits = ""
        if error.can_retry and self.view and self.view.step.kind is not StepKind.FIELD:
            self._ask(
                f"{message} {self._hint('retry_question')}",
                on_yes=self.engine.retry,
                on_no=self.engine.cancel,
            )
        else:
            self._say(message)

    def _on_more_time(self, seconds: float) -> None:
        self._ask(
            self._hint("more_time", seconds=int(seconds)),
            on_yes=self.engine.extend,
            on_no=self.engine.cancel,
        )

    def _on_ended(self, _flow_id: str, reason: str) -> None:
        self.view, self._question, self.digits = None, None, ""
        if reason != "chained":
            self._receipt = None
        if self.speech_in is not None:
            self.speech_in.stop_listening()

    def _on_played(self, text: str) -> None:
        """A step's words were heard to their end: an agreement read aloud in full has been
        read (its "I agree" is offered, by voice and on the screen)."""
        view, spoken = self.engine.view, self.view
        if view is None or spoken is None or view.step is not spoken.step:
            return
        if view.step.body and text == self._step_text:
            self.engine.body_read()

    def _on_heard(self, command: Command, _utterance=None) -> None:
        self.handle(command, heard=True)

    # --- acting ----------------------------------------------------------------------------------

    def _act(self, command: Command) -> None:
        view = self.view
        if view is self._menu and not isinstance(command, Repeat | Help | CallStaff | Choose):
            self._say_again()  # no flow to go back in, cancel or confirm
        elif isinstance(command, Choose) and view is self._menu:
            self._menu_choose(command.id)
        elif not self._act_on_any_step(command):
            self._act_on_this_step(command)

    def _act_on_any_step(self, command: Command) -> bool:
        """The commands every step takes alike; False when this command is not one of them."""
        engine = self.engine
        if isinstance(command, Repeat):
            view = self.view
            if view is not None and view.step.body and not self.engine.view_read:
                self._speak_step()  # an agreement not heard to its end: all of it again
            else:
                self.speech_out.repeat()
        elif isinstance(command, Help):
            self._say(self._hint("help"))
        elif isinstance(command, CallStaff):
            self.staff_called.emit()
            self._say(self.catalog.text("voice.say.staff_called"))
        elif isinstance(command, Back):
            engine.back()
        elif isinstance(command, Cancel):
            if engine.would_lose_data:
                self._ask(self._hint("cancel_question"), on_yes=engine.cancel, on_no=self._listen)
            else:
                engine.cancel()
        elif isinstance(command, MoreTime):
            engine.extend()
        else:
            return False
        return True

    def _act_on_this_step(self, command: Command) -> None:
        view, engine = self._here(), self.engine
        kind, field = view.step.kind, view.step.field
        if isinstance(command, Digits) and kind is StepKind.FIELD and field is not None:
            # A long number comes in pieces, with pauses; a piece that would overflow the
            # field is the customer saying the whole number again.
            joined = self.digits + command.digits
            self.digits = joined if len(joined) <= field.max_length else command.digits
            self.digits_changed.emit(self.digits)
            self._say(
                self.catalog.text(
                    "voice.say.digits_heard", digits=spoken_forms.digits(self.digits, self.catalog)
                )
            )
        elif isinstance(command, Clear) and kind is StepKind.FIELD:
            self.digits = ""
            self.digits_changed.emit(self.digits)
            self._say(self.catalog.text("voice.say.digits_cleared"))
        elif isinstance(command, Choose) and command.id not in (CONFIRM, DONE):
            engine.submit(command.id)
        elif isinstance(command, (Yes, No)) and self._choice(command.name):
            engine.submit(command.name)  # a yes/no question on the screen itself
        elif isinstance(command, (Confirm, Yes, Choose)):
            self._confirm()
        else:
            self._say_again()

    def _choice(self, choice_id: str) -> bool:
        return any(c.id == choice_id for c in self._here().choices)

    def _here(self) -> StepView:
        """The step being spoken: commands are only handled while there is one (handle)."""
        assert self.view is not None
        return self.view

    def _confirm(self) -> None:
        view, engine = self._here(), self.engine
        kind = view.step.kind
        if kind is StepKind.REVIEW:
            if self.confirm_twice(view):
                self._ask(
                    self._hint("confirm_question"),
                    on_yes=lambda: engine.submit(CONFIRM),
                    on_no=self._speak_step,
                )
            else:
                engine.submit(CONFIRM)
        elif kind is StepKind.FIELD and self.digits:
            engine.submit(self.digits)
        elif kind is StepKind.RESULT and (self._choice(DONE) or not view.choices):
            engine.submit(DONE)
        else:
            self._say_again()  # nothing here to confirm (a device or staff step)

    # --- questions --------------------------------------------------------------------------------

    def _ask(self, text: str, on_yes: Callable[[], None], on_no: Callable[[], None]) -> None:
        self._question = _Question(text, on_yes, on_no)
        self._listen()
        self._say(text)

    def _answer(self, command: Command, question: _Question) -> None:
        if isinstance(command, (Yes, No)):
            self._question = None
            view = self.view
            (question.on_yes if isinstance(command, Yes) else question.on_no)()
            if self._question is None and self.view is view:
                self._listen()  # still on the same step: back to its grammar
        elif isinstance(command, CallStaff):
            self._act(command)
        elif isinstance(command, Cancel):
            self._question = None
            if not self._ask_before(command):
                self._act(command)
        elif isinstance(command, Help | Repeat):
            self._say(question.text)
        else:  # unsure even of a yes or a no: ask the same question again
            self._say(f"{self._hint('not_understood')} {question.text}")

    # --- speaking and listening -------------------------------------------------------------------

    def _say(self, text: str) -> None:
        if self.enabled:
            self.speech_out.speak(text)

    def _say_again(self) -> None:
        self._listen()
        self._say(self._hint("not_understood"))

    def _hint(self, name: str, **params) -> str:
        return self.catalog.text(hint(name, self.by_keys), **params)

    def _speak_step(self) -> None:
        if self.view is None or (self.engine.view is None and self.view is not self._menu):
            return  # (a flow that just ended)
        text = step_speech(self.view, self.catalog, by_keys=self.by_keys)
        if self._receipt is not None and self.view.step.kind is StepKind.RESULT:
            text = f"{text} {receipt_speech(self._receipt, self.catalog)}"
        self._step_text = text
        if self.enabled:  # a reminder's sound just before its words
            self.speech_out.speak(text, sound=REMINDER if self.view.step.alert else None)

    def _listen(self) -> None:
        if self.speech_in is None or not self.enabled:
            return
        if self.view is None:
            self.speech_in.stop_listening()
            return
        self.speech_in.listen_for(
            build_grammar(self.view, self.catalog, question=self._question is not None)
        )
