"""The voice layer as the kiosk wires it: one object per kiosk, built from its configuration.

It owns the speech process, the models, the navigator and the PIN-pad keys, and keeps the
two ways of talking to a customer:

- care mode (关怀模式): speech on at the care rate, voice input on when the language has a
  model (a language without one says so in one line; speech out still works);
- speech mode (non-visual, ADA §707): plugging headphones, or pressing a PIN-pad key on the
  attract or home screen, turns it on; the PIN pad's keys navigate, receipts are read out.
  It ends with the visit (unless the headphones stay in) or when the headphones come out.

A language's model loads on a worker (about 2 s) and the recognizer switches when it is
ready. `use_voice_file` plays a WAV in as the microphone (`kiosk --voice-input FILE`).
"""

from __future__ import annotations

import logging
from pathlib import Path

from hardware.ports import KeyPress, PinPad, Receipt, ReceiptPrinter
from kiosk.events import Event
from kiosk.flows.model import Choice, Flow, Step, StepKind, StepView
from kiosk.i18n import Catalog
from kiosk.kiosk import Kiosk
from kiosk.runtime import Runner
from voice.keypad import KeypadNavigator, MenuItem
from voice.models import VoiceModels
from voice.navigator import VoiceNavigator
from voice.pin_pad_keys import PinPadKeys
from voice.prompts import fixed_prompts
from voice.speech_in import SpeechIn
from voice.speech_out import SpeechOut

log = logging.getLogger(__name__)

GUIDE = "guide"  # the home screen's "not sure? ask here" service


# One press of "louder" / "faster" on the sound panel; espeak-ng words a minute
VOLUME_STEP, RATE_STEP, SLOWEST, FASTEST = 0.15, 20, 80, 260


class KioskVoice:
    def __init__(
        self,
        kiosk: Kiosk,
        runner: Runner,
        *,
        pin_pad: PinPad | None = None,
        printer: ReceiptPrinter | None = None,
    ):
        self.kiosk = kiosk
        self.config = config = kiosk.config
        self.runner = runner
        self.engine = engine = kiosk.engine
        self.models = VoiceModels(config.voice.models)
        self.speech_out = SpeechOut(
            config.data_dir / "voice-cache",
            language=kiosk.language,
            voices=config.voice.voices,
            rate=config.voice.rate,
            volume=config.voice.volume,
            post=runner.post,
        )
        self.navigator = VoiceNavigator(
            engine,
            kiosk.catalog,
            self.speech_out,
            None,
            enabled=False,
            rate=config.voice.rate,
            care_rate=config.voice.care_rate,
        )
        self.keypad = KeypadNavigator(self.navigator, self.home_menu, self._choose_home)
        self.care_mode = False
        self.speech_mode = False
        self.headphones = False
        self.changed: Event[()] = Event("changed")  # a mode, the language or voice input changed
        self.key_pressed: Event[KeyPress] = Event("key_pressed")  # a customer is at the PIN pad
        self._keys = PinPadKeys(pin_pad, self._key, runner.post) if pin_pad else None
        self._on_home = False  # the attract or home screen is showing
        self._home_shown = False  # the home screen itself (care mode speaks its tiles)
        self._recognizers: dict[str, SpeechIn | None] = {}
        self._voice_file: Path | None = None
        if printer is not None:
            self._hear_receipts(printer)
        self.navigator.staff_called.connect(kiosk.call_staff)  # "call staff", said or keyed
        kiosk.language_changed.connect(self.set_language)
        kiosk.care_mode_changed.connect(self.set_care_mode)
        kiosk.visit_ended.connect(self._visit_ended)
        engine.busy_changed.connect(lambda _busy: self._update_keys())
        engine.step_entered.connect(self._step_entered)
        engine.flow_ended.connect(lambda _flow, _reason: self._update_keys())
        # after the navigator's own listeners: a failed machine step asks "try again?"
        engine.step_failed.connect(lambda _error: self._update_keys())
        engine.need_more_time.connect(lambda _seconds: self._update_keys())
        self.set_language(kiosk.language)
        self.set_care_mode(kiosk.care_mode)

    # --- what the screen (and the supervisor's tools) call -----------------------------------

    @property
    def notice(self) -> str | None:
        """Message key of the one line saying voice input is off (care mode only)."""
        return self.navigator.input_notice if self.care_mode else None

    @property
    def keys_listening(self) -> bool:
        return self._keys is not None and self._keys.listening

    def prerender(self) -> None:
        """Renders every fixed prompt of every language, at both speeds, in the background."""
        for language in self.config.kiosk.languages:
            texts = fixed_prompts(self.engine.flows, Catalog(language))
            for rate in (self.config.voice.rate, self.config.voice.care_rate):
                self.speech_out.prerender(texts, language=language, rate=rate)

    def set_language(self, language: str) -> None:
        """Speech switches at once; voice input follows when the model has loaded."""
        self.navigator.set_language(language, self._recognizers.get(language))
        self.changed.emit()
        if language in self._recognizers:
            return
        self._recognizers[language] = None  # loading: asked again, it is not loaded twice
        home = self.home_view()

        def load() -> SpeechIn | None:
            model = self.models.load(language)
            if model is None:
                return None
            self.models.check(language, model, self.engine.flows, (home,))
            return SpeechIn(model, language, post=self.runner.post)

        def loaded(speech_in: SpeechIn | None) -> None:
            self._recognizers[language] = speech_in
            if self.speech_out.language == language:
                self.navigator.use_speech_in(speech_in)
                self._play_voice_file()
            self.changed.emit()

        self.runner.run(
            load, loaded, lambda exc: log.error("voice: loading %s failed: %s", language, exc)
        )

    def set_care_mode(self, on: bool) -> None:
        self.care_mode = on
        self._apply()

    def set_speech_mode(self, on: bool) -> None:
        if on == self.speech_mode:
            return
        log.info("speech mode %s", "on" if on else "off")
        self.speech_mode = on
        if not on:
            self.keypad.set_screen_blank(False)
        self._apply()
        if on and self.engine.view is None:
            self.keypad.speak_home()

    def set_headphones(self, plugged: bool) -> None:
        """The headphone jack (a configured or simulated event): in means speech mode."""
        self.headphones = plugged
        log.info("headphones %s", "plugged in" if plugged else "taken out")
        self.set_speech_mode(plugged)

    def set_on_home(self, on_home: bool) -> None:
        """The screen tells when the attract or home screen shows: a PIN-pad key there wakes
        speech mode (a customer who cannot see the screen finds the keys first)."""
        self._on_home = on_home
        self._update_keys()
        if on_home and self.speech_mode and self.engine.view is None:
            self.keypad.speak_home()

    def show_home(self, shown: bool) -> None:
        """The screen tells when the home screen shows: care mode reads its services out and
        starts the one the customer names."""
        self._home_shown = shown
        self._update_menu()

    def home_view(self) -> StepView:
        """The home screen as care mode speaks and hears it: the services offered now, each
        also by the guide's words for it, and the guide."""
        flows = self.engine.flows
        choices = tuple(
            Choice(s.flow_id, flows[s.flow_id].title, say=s.home.say)
            for s in self.kiosk.services()
            if s.available
        )
        choices += (Choice(GUIDE, flows[GUIDE].title),)
        step = Step("home", StepKind.CHOOSE, "ui.home.title", choices=choices)
        return StepView(Flow("home", "ui.home.title", (step,)), step, {}, choices, (), False)

    def home_menu(self) -> list[MenuItem]:
        """The home screen in speech mode: the services offered now, the guide, languages."""
        catalog = self.kiosk.catalog
        items = [
            MenuItem(s.flow_id, catalog.text(self.engine.flows[s.flow_id].title))
            for s in self.kiosk.services()
            if s.available
        ]
        items.append(MenuItem(GUIDE, catalog.text(self.engine.flows[GUIDE].title)))
        items += [
            MenuItem(f"language:{language}", catalog.language_name(language))
            for language in self.kiosk.languages
            if language != self.kiosk.language
        ]
        return items

    def adjust(self, *, louder: int = 0, faster: int = 0) -> None:
        """The customer's own loudness and speed (the sound button on screen), for this visit;
        the last words are said again so the customer hears the difference."""
        out = self.speech_out
        out.set_volume(out.player.volume + VOLUME_STEP * louder)
        out.set_rate(min(max(out.rate + RATE_STEP * faster, SLOWEST), FASTEST))
        log.info("voice: volume %.2f, rate %d", out.player.volume, out.rate)
        out.repeat()

    def use_voice_file(self, path: str | Path) -> None:
        """`--voice-input FILE`: the file is the microphone, heard (at real speed) once voice
        input is first on at a step."""
        self._voice_file = Path(path)
        self._play_voice_file()

    def close(self) -> None:
        if self._keys is not None:
            self._keys.stop()
        self.speech_out.close()

    # --- inside ------------------------------------------------------------------------------

    def _apply(self) -> None:
        self.navigator.by_keys = self.speech_mode
        speak = (self.care_mode or self.speech_mode) and self.config.voice.speech_out
        self.navigator.set_care_mode(self.care_mode, speak=speak)
        self._update_menu()
        self._update_keys()
        self._play_voice_file()
        self.changed.emit()

    def _choose_home(self, item_id: str) -> None:
        language = item_id.removeprefix("language:")
        if language != item_id:
            self.kiosk.set_language(language)
            self.keypad.speak_home()
        else:
            self.kiosk.begin(item_id)

    def _key(self, key: KeyPress) -> None:
        self.key_pressed.emit(key)
        if self.speech_mode:
            self.keypad.press(key)
        elif self._on_home and self.engine.view is None:
            self.set_speech_mode(True)  # the waking key itself chooses nothing

    def _step_entered(self, _view: StepView) -> None:
        self._update_keys()  # a DEVICE step stops the reader before its action opens the pad
        self._play_voice_file()

    def _update_menu(self) -> None:
        """Speech mode has its own home menu on the keys; care mode hears this one."""
        if self.engine.view is not None:
            return
        if self._home_shown and self.care_mode and not self.speech_mode:
            self.navigator.show_menu(self.home_view(), self._choose_home)
        else:
            self.navigator.show_menu(None, self._choose_home)

    def _update_keys(self) -> None:
        if self._keys is None:
            return
        view = self.engine.view
        # A machine step may use the pad itself (a PIN): keys there only answer its question.
        answering = view is not None and (
            view.step.kind is not StepKind.DEVICE or self.navigator.question is not None
        )
        wanted = not self.engine.busy and (
            (view is None and self._on_home) or (self.speech_mode and answering)
        )
        self._keys.start() if wanted else self._keys.stop()

    def _visit_ended(self, _reason: str) -> None:
        self.speech_out.set_volume(self.config.voice.volume)  # the next customer starts afresh
        if not self.headphones:
            self.set_speech_mode(False)
        self._apply()  # and at the mode's own rate

    def _play_voice_file(self) -> None:
        speech_in = self.navigator.speech_in
        if (
            self._voice_file is None
            or speech_in is None
            or not self.navigator.enabled
            or self.engine.view is None
        ):
            return
        path, self._voice_file = self._voice_file, None
        log.info("voice: hearing %s as the microphone", path)
        self.runner.run(
            lambda: speech_in.feed_wav(path, realtime=True),
            lambda _: None,
            lambda exc: log.error("voice: could not play %s in: %s", path, exc),
        )

    def _hear_receipts(self, printer: ReceiptPrinter) -> None:
        """Speech mode reads the receipt out: the printer's call is wrapped to pass it on."""
        print_receipt = printer.print_receipt

        def printed(receipt: Receipt) -> None:
            print_receipt(receipt)
            if self.speech_mode:
                self.runner.post(lambda: self.navigator.receipt_printed(receipt))

        printer.print_receipt = printed  # type: ignore[method-assign]
