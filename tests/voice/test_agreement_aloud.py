"""An agreement spoken aloud (care mode, speech mode) is read in full, and "I agree" said before
it has been heard to its end does nothing but say so: the real speech process, sox playing
into its null device (this machine has no sound card), the real engine and flows."""

from __future__ import annotations

import pytest

from kiosk.flows import flow_registry
from kiosk.flows.engine import FlowEngine
from kiosk.i18n import Catalog
from kiosk.runtime import InlineRunner
from kiosk.session import CustomerSession
from voice.grammar import Choose, Repeat
from voice.navigator import VoiceNavigator
from voice.prompts import step_speech
from voice.speech_out import Player, SpeechOut

pytestmark = pytest.mark.slow


def test_i_agree_by_voice_waits_until_the_agreement_is_heard_to_its_end(
    tmp_path, clock, eventually
):
    posted: list = []  # the UI thread's queue: run here, on the test's thread
    player = Player(("sox", "-q"), output=("-n",))  # sox's null device: played to its end
    speech_out = SpeechOut(tmp_path, language="en", player=player, post=posted.append)
    engine = FlowEngine(flow_registry(), None, InlineRunner(), clock)
    catalog = Catalog("en")
    navigator = VoiceNavigator(engine, catalog, speech_out)
    said: list[str] = []
    engine.step_failed.connect(lambda error: said.append(error.message_key))
    try:
        engine.start("account_opening", CustomerSession("en", care_mode=True))
        engine.submit("standard_debit")
        engine.submit("II")
        assert engine.view.step.id == "agreement"
        # the whole agreement is read out, up to its last line
        speech = step_speech(engine.view, catalog)
        last = catalog.text("account_opening.agreement.full").strip().splitlines()[-1]
        assert last in speech
        navigator.handle(Choose("agree"))  # said before it has been heard
        assert engine.view.step.id == "agreement" and said == ["flow.error.read_first"]
        assert speech_out.last_text == catalog.text("flow.error.read_first")

        navigator.handle(Repeat())  # the agreement again, from its start
        assert speech_out.last_text == speech

        def heard() -> bool:
            while posted:
                posted.pop(0)()
            return engine.view.read

        eventually(heard)
        navigator.handle(Choose("agree"))
        assert engine.view.step.id == "consent"
    finally:
        speech_out.close()


@pytest.mark.parametrize("language", ["zh_CN", "zh_TW", "en", "ko"])
def test_new_code_said_on_the_sms_code_step_asks_for_a_new_code(language):
    from kiosk.flows.account_opening import ACCOUNT_OPENING, RESEND, AccountOpeningState
    from kiosk.flows.model import StepView
    from voice.grammar import build_grammar

    session = CustomerSession(language)
    session.state(AccountOpeningState).otp_sent_at = 0.0  # a code was sent
    step = ACCOUNT_OPENING.step("otp")
    choices = tuple(step.choices(session))
    view = StepView(ACCOUNT_OPENING, step, {"codes_left": 2}, choices, (), True)
    catalog = Catalog(language)
    grammar = build_grammar(view, catalog)
    for phrase in catalog.phrases("account_opening.say.new_code"):
        assert grammar.parse(phrase).command == Choose(RESEND), phrase
