"""Speech mode's PIN-pad navigation, as ATMs talk to customers who cannot see the screen
(ADA §707): 8 and 2 move between the choices, 5 repeats, Enter chooses, Cancel goes back,
0 turns the screen off or on for privacy, Clear says the keys. On a digits field the digits
are the field's. Keys become the same commands as words and taps (through the
VoiceNavigator), so a key can do nothing a tap cannot, and money still needs Enter twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hardware.ports import KeyKind, KeyPress
from kiosk.events import Event
from kiosk.flows.model import CONFIRM, DONE, Choice, StepKind
from voice.grammar import Back, Cancel, Choose, Command, Confirm, Help, No, Repeat, Yes
from voice.navigator import VoiceNavigator
from voice.prompts import listing
from voice.spoken_forms import digit_word, natural


@dataclass(frozen=True)
class MenuItem:
    id: str
    label: str  # already in the customer's language


class KeypadNavigator:
    def __init__(
        self,
        navigator: VoiceNavigator,
        home: Callable[[], list[MenuItem]],
        choose_home: Callable[[str], None],
    ):
        self.navigator = navigator
        self.engine = navigator.engine
        self.catalog = navigator.catalog
        self._home = home
        self._choose_home = choose_home
        self.focus = -1  # nothing chosen yet: Enter then says what there is
        self.screen_blank = False
        self.blank_changed: Event[bool] = Event("blank_changed")  # the screen goes dark or back
        self.engine.step_entered.connect(lambda _view: self._unfocus())
        self.engine.flow_ended.connect(lambda _flow, _reason: self._unfocus())

    def items(self) -> list[MenuItem]:
        """What 8 and 2 move between: the step's choices, or the home screen's services."""
        view = self.engine.view
        if view is None:
            return self._home()
        default = {StepKind.REVIEW: CONFIRM, StepKind.RESULT: DONE}.get(view.step.kind)
        if (view.step.kind is StepKind.CHOOSE or default) and view.choices:
            return [MenuItem(c.id, self._label(c, view.params)) for c in view.choices]
        if default:
            label = "common.confirm" if default == CONFIRM else "common.done"
            return [MenuItem(default, self.catalog.text(label))]
        return []

    def _label(self, choice: Choice, params) -> str:
        """A choice as heard when the customer moves onto it: its label, and its second line
        (which a sighted customer reads under it, e.g. what an account class allows)."""
        label = self.catalog.text(choice.label, **params)
        if not choice.hint:
            return label
        return self.catalog.text(
            "voice.say.summary_line", label=label, value=self.catalog.text(choice.hint, **params)
        )

    def speak_home(self) -> None:
        labels = [item.label for item in self._home()]
        self.navigator.say(
            self.catalog.text("voice.keys.home", choices=listing(labels, self.catalog))
        )

    def press(self, key: KeyPress) -> None:
        """One key of the PIN pad, on the UI thread."""
        if self.navigator.question is not None:
            self._answer(key)
            return
        view = self.engine.view
        field = view.step.field if view is not None else None
        if (
            view is not None
            and view.step.kind is StepKind.FIELD
            and field
            and field.input == "digits"
        ):
            self._field_key(key, field.max_length)
        elif key.kind is KeyKind.DIGIT and key.digit in ("2", "8"):
            self._move(1 if key.digit == "8" else -1)
        elif key.digit == "5":
            self._repeat()
        elif key.digit == "0":
            self.set_screen_blank(not self.screen_blank)
            self.navigator.say(
                self.catalog.text(
                    "voice.keys.screen_off" if self.screen_blank else "voice.keys.screen_on"
                )
            )
        elif key.kind is KeyKind.CLEAR:
            self.navigator.say(self.catalog.text("voice.keys.help"))
        elif key.kind is KeyKind.ENTER:
            self._select()
        elif key.kind is KeyKind.CANCEL:
            self._back()
        else:
            self.navigator.say(self.catalog.text("voice.keys.not_understood"))

    def set_screen_blank(self, blank: bool) -> None:
        """Privacy: the screen goes dark while speech mode talks through the headphones."""
        if blank != self.screen_blank:
            self.screen_blank = blank
            self.blank_changed.emit(blank)

    # --- keys -------------------------------------------------------------------------------

    def _answer(self, key: KeyPress) -> None:
        """A question is waiting (submit? stop? more time?): Enter says yes, Cancel says no."""
        answers: dict[KeyKind, Command] = {
            KeyKind.ENTER: Yes(),
            KeyKind.CANCEL: No(),
            KeyKind.CLEAR: Help(),
        }
        self.navigator.handle(answers.get(key.kind, Repeat()))

    def _field_key(self, key: KeyPress, limit: int) -> None:
        navigator = self.navigator
        if key.kind is KeyKind.DIGIT and key.digit and len(navigator.digits) < limit:
            navigator.digits += key.digit
            navigator.digits_changed.emit(navigator.digits)
            navigator.say(digit_word(self.catalog, key.digit))
        elif key.kind is KeyKind.CLEAR:
            navigator.digits = ""
            navigator.digits_changed.emit("")
            navigator.say(self.catalog.text("voice.keys.cleared"))
        elif key.kind is KeyKind.ENTER:
            self._command(Confirm())
        elif key.kind is KeyKind.CANCEL:
            self._back()

    def _move(self, step: int) -> None:
        items = self.items()
        if not items:
            self._repeat()
            return
        self.focus = (
            (self.focus + step) % len(items)
            if self.focus >= 0
            else (0 if step > 0 else len(items) - 1)
        )
        self._say_focus(items)

    def _say_focus(self, items: list[MenuItem]) -> None:
        item = items[self.focus]
        self.navigator.say(
            natural(
                self.catalog.text(
                    "voice.keys.focus", number=self.focus + 1, total=len(items), label=item.label
                ),
                self.catalog,
            )
        )

    def _repeat(self) -> None:
        items = self.items()
        if 0 <= self.focus < len(items):
            self._say_focus(items)
        elif self.engine.view is None:
            self.speak_home()
        else:
            self._command(Repeat())

    def _select(self) -> None:
        items = self.items()
        if len(items) == 1:
            self.focus = 0
        if not 0 <= self.focus < len(items):
            self._repeat()  # nothing chosen yet: say the step (or the menu) again
        elif self.engine.view is None:
            self._choose_home(items[self.focus].id)
        else:
            self._command(Choose(items[self.focus].id))

    def _back(self) -> None:
        view = self.engine.view
        if view is None:
            self.speak_home()
        else:
            self._command(Back() if view.can_go_back else Cancel())

    def _command(self, command: Command) -> None:
        self.navigator.handle(command)

    def _unfocus(self) -> None:
        self.focus = -1
