"""Speech mode on the PIN pad, as a customer who cannot see the screen uses it: 8 and 2 move
between the choices and say where they are, Enter chooses, 5 repeats, 0 darkens the screen,
Clear says the keys, Cancel goes back or asks before stopping; on a digits field the keys are
the number. Real engine (InlineRunner + ManualClock), real navigator, real speech process."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from hardware.ports import KeyKind, KeyPress
from kiosk.flows import flow_registry
from kiosk.flows.engine import FlowEngine
from kiosk.flows.model import Field, Flow, Step, StepKind
from kiosk.i18n import Catalog
from kiosk.runtime import InlineRunner
from kiosk.session import CustomerSession
from voice.keypad import KeypadNavigator, MenuItem
from voice.navigator import VoiceNavigator

LANGUAGE = "en"
HOME = [MenuItem("bill_payment", "Pay a bill"), MenuItem("guide", "Ask the way")]


def digit(d: str) -> KeyPress:
    return KeyPress(KeyKind.DIGIT, d)


ENTER, CANCEL, CLEAR = (KeyPress(KeyKind.ENTER), KeyPress(KeyKind.CANCEL), KeyPress(KeyKind.CLEAR))


@pytest.fixture
def keys(clock, speech_out):
    """(keypad, engine, what the home screen was asked to open) on the kiosk's own flows."""
    return _keypad(FlowEngine(flow_registry(), None, InlineRunner(), clock), speech_out)


def _keypad(engine, speech_out):
    speech_out.set_language(LANGUAGE)
    navigator = VoiceNavigator(engine, Catalog(LANGUAGE), speech_out)
    navigator.by_keys = True
    opened: list[str] = []
    return KeypadNavigator(navigator, lambda: HOME, opened.append), engine, opened


def focus_on(keypad, choice_id: str) -> None:
    """Presses 8 until the choice is the one in focus."""
    items = keypad.items()
    for _ in items:
        keypad.press(digit("8"))
        if items[keypad.focus].id == choice_id:
            return
    raise AssertionError(f"8 never reached {choice_id!r}")


def said(keypad) -> str:
    return keypad.navigator.speech_out.last_text


def test_on_the_home_screen_8_and_2_move_and_enter_opens_the_service(keys):
    keypad, _engine, opened = keys
    keypad.press(digit("8"))
    assert keypad.focus == 0 and "Pay a bill" in said(keypad)
    keypad.press(digit("8"))
    assert keypad.focus == 1 and "Ask the way" in said(keypad)
    keypad.press(digit("8"))  # past the last one: round to the first
    assert keypad.focus == 0
    keypad.press(digit("2"))  # and back from the first to the last
    assert keypad.focus == 1
    keypad.press(ENTER)
    assert opened == ["guide"]


def test_the_focus_says_where_it_is_of_how_many(keys):
    keypad, _engine, _opened = keys
    keypad.press(digit("2"))  # 2 first: the last one
    assert keypad.focus == 1
    assert said(keypad) == keypad.catalog.text(
        "voice.keys.focus", number=2, total=2, label="Ask the way"
    )


def test_enter_with_nothing_chosen_says_the_menu_again_and_opens_nothing(keys):
    keypad, _engine, opened = keys
    keypad.press(ENTER)
    assert opened == [] and "Pay a bill" in said(keypad) and "Ask the way" in said(keypad)


def test_a_steps_choices_are_moved_through_and_chosen(keys):
    keypad, engine, _opened = keys
    engine.start("guide", CustomerSession(LANGUAGE))
    need = engine.view
    assert need is not None and need.step.kind is StepKind.CHOOSE
    labels = [item.label for item in keypad.items()]
    assert [item.id for item in keypad.items()] == [c.id for c in need.choices]
    keypad.press(digit("8"))
    assert labels[0] in said(keypad)
    focus_on(keypad, "cash")  # the guide asks how much next
    keypad.press(ENTER)
    assert engine.view is not None and engine.view.step.id == "cash_amount"
    assert keypad.focus == -1  # a new step: nothing chosen on it yet


def test_5_says_the_focused_choice_again(keys):
    keypad, engine, _opened = keys
    engine.start("guide", CustomerSession(LANGUAGE))
    keypad.press(digit("8"))
    keypad.press(digit("8"))
    second = said(keypad)
    keypad.navigator.say("something else")
    keypad.press(digit("5"))
    assert said(keypad) == second and keypad.focus == 1


def test_0_darkens_the_screen_for_privacy_and_brings_it_back(keys):
    keypad, _engine, _opened = keys
    changes: list[bool] = []
    keypad.blank_changed.connect(changes.append)
    keypad.press(digit("0"))
    assert keypad.screen_blank and said(keypad) == keypad.catalog.text("voice.keys.screen_off")
    keypad.press(digit("0"))
    assert not keypad.screen_blank and said(keypad) == keypad.catalog.text("voice.keys.screen_on")
    assert changes == [True, False]
    keypad.set_screen_blank(False)  # already lit: nothing to tell
    assert changes == [True, False]


def test_clear_says_the_keys_and_a_key_with_no_use_says_so(keys):
    keypad, engine, _opened = keys
    engine.start("guide", CustomerSession(LANGUAGE))
    keypad.press(CLEAR)
    assert said(keypad) == keypad.catalog.text("voice.keys.help")
    keypad.press(digit("7"))
    assert said(keypad) == keypad.catalog.text("voice.keys.not_understood")
    assert keypad.focus == -1


def test_cancel_goes_back_a_step_and_on_the_first_one_stops(keys):
    keypad, engine, _opened = keys
    ended: list[tuple[str, str]] = []
    engine.flow_ended.connect(lambda flow, reason: ended.append((flow, reason)))
    engine.start("guide", CustomerSession(LANGUAGE))
    focus_on(keypad, "cash")
    keypad.press(ENTER)
    assert engine.view is not None and engine.view.step.id == "cash_amount"
    assert engine.view.can_go_back
    keypad.press(CANCEL)  # back, not out
    assert engine.view is not None and engine.view.step.id == "need" and ended == []
    keypad.press(CANCEL)  # nothing entered yet: the visit simply ends
    assert [flow for flow, _reason in ended] == ["guide"] and engine.view is None


def test_cancel_on_the_home_screen_says_the_menu(keys):
    keypad, _engine, opened = keys
    keypad.press(CANCEL)
    assert opened == [] and "Pay a bill" in said(keypad)


@dataclass
class Typed:
    code: str = ""


def test_on_a_digits_field_the_keys_are_the_number_up_to_its_length(clock, speech_out):
    flow = Flow(
        "code_test",
        "guide.title",
        (
            Step(
                "code",
                StepKind.FIELD,
                "guide.need.title",
                field=Field("guide.need.prompt", min_length=4, max_length=4),
                keep="code",
            ),
            Step("done", StepKind.RESULT, "guide.to_cash_machine.title", next="end"),
        ),
        state=Typed,
    )
    keypad, engine, _opened = _keypad(
        FlowEngine({flow.id: flow}, None, InlineRunner(), clock), speech_out
    )
    session = CustomerSession(LANGUAGE)
    engine.start(flow.id, session)
    heard: list[str] = []
    keypad.navigator.digits_changed.connect(heard.append)
    for d in "28054":  # 8, 2 and 0 are digits here, not moves; the fifth does not fit
        keypad.press(digit(d))
    assert keypad.navigator.digits == "2805" and heard[-1] == "2805"
    assert keypad.focus == -1 and not keypad.screen_blank
    keypad.press(CLEAR)
    assert keypad.navigator.digits == "" and heard[-1] == ""
    assert said(keypad) == keypad.catalog.text("voice.keys.cleared")
    for d in "4321":
        keypad.press(digit(d))
    keypad.press(ENTER)
    assert session.state(Typed).code == "4321" and engine.view.step.id == "done"
