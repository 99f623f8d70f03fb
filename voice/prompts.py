"""What the kiosk says when a step is entered: the same keys the screen shows, read aloud.

Care mode's hints name words to say (`voice.say.*`); speech mode's name PIN-pad keys
(`voice.keys.*`). Both read the same titles, prompts, choices and summaries.
"""

from __future__ import annotations

from collections.abc import Mapping

from hardware.ports import Receipt
from kiosk.flows.model import Flow, StepKind, StepView
from kiosk.i18n import Catalog
from voice.models import static_views
from voice.spoken_forms import natural

# The hints that tell how to answer: said differently when the answer is a key.
KEY_HINTS = frozenset(
    {
        "choices",
        "field",
        "review",
        "not_understood",
        "confirm_question",
        "cancel_question",
        "retry_question",
        "more_time",
        "help",
    }
)


def hint(name: str, by_keys: bool = False) -> str:
    """The message key of a hint: `voice.keys.<name>` in speech mode, else `voice.say.<name>`."""
    return f"voice.keys.{name}" if by_keys and name in KEY_HINTS else f"voice.say.{name}"


def listing(labels: list[str], catalog: Catalog) -> str:
    return catalog.text("voice.number.separator").join(labels)


def step_speech(view: StepView, catalog: Catalog, *, by_keys: bool = False) -> str:
    """Title, prompt, then what can be said or pressed (choices), read (summary) or keyed."""
    step, params = view.step, view.params
    parts = [catalog.text(step.title, **params)]
    if view.alone is not None:  # a choice of one taken before this step
        title, only = view.alone
        parts.append(
            catalog.text("flow.only_one", step=catalog.text(title), choice=catalog.text(only))
        )
    if step.prompt:
        parts.append(catalog.text(step.prompt, **params))
    if step.body:  # an agreement is read aloud in full: hearing it to its end is reading it
        parts.append(catalog.text(step.body, **params))
    if step.kind is StepKind.REVIEW:
        parts += [
            catalog.text("voice.say.summary_line", label=catalog.text(label), value=value)
            for label, value in view.summary
        ]
        parts.append(catalog.text(hint("review", by_keys)))
    elif step.kind is StepKind.FIELD and step.field is not None:
        parts.append(catalog.text(step.field.label, **params))
        if step.field.input == "digits":
            parts.append(catalog.text(hint("field", by_keys)))
        elif by_keys:
            parts.append(catalog.text("voice.keys.needs_screen"))
    elif view.choices and step.kind is not StepKind.RESULT:
        labels = listing([catalog.text(c.label, **params) for c in view.choices], catalog)
        parts.append(catalog.text(hint("choices", by_keys), choices=labels))
    elif step.kind is StepKind.RESULT and by_keys:
        parts.append(catalog.text("voice.keys.result"))
    return natural(" ".join(p for p in parts if p), catalog)


def receipt_speech(receipt: Receipt, catalog: Catalog) -> str:
    """A printed receipt read out (speech mode): its lines are already masked for paper."""
    lines = [
        catalog.text("voice.say.summary_line", label=line.label, value=line.value)
        for line in (*receipt.lines, *receipt.amounts)
    ]
    text = " ".join([receipt.title, *lines, *receipt.notes])
    return natural(catalog.text("voice.keys.receipt", receipt=text), catalog)


def fixed_prompts(flows: Mapping[str, Flow], catalog: Catalog) -> list[str]:
    """What is said on entering each step whose words do not depend on the customer,
    for `SpeechOut.prerender` at start-up (the rest is rendered in ~30 ms when needed)."""
    texts = []
    for flow in flows.values():
        for view in static_views(flow):
            if view.step.params is None and view.step.summary is None:
                texts += [step_speech(view, catalog, by_keys=keys) for keys in (False, True)]
    texts += [
        catalog.text(hint(key, keys))
        for keys in (False, True)
        for key in ("not_understood", "help", "confirm_question", "cancel_question")
    ]
    texts.append(catalog.text("voice.say.staff_called"))
    return texts
