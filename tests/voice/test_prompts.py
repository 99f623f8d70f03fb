"""Every step of every flow has something to say, in every language and in both ways of
answering (words in care mode, PIN-pad keys in speech mode). Flows are taken from
kiosk.flows.flow_registry(), so each new flow is walked as soon as it is registered."""

import pytest

from hardware.ports import Receipt, ReceiptLine
from kiosk.flows import flow_registry
from kiosk.flows.model import StepKind, StepView
from kiosk.i18n import Catalog, available_languages, load_language
from voice.prompts import fixed_prompts, receipt_speech, step_speech
from voice.spoken_forms import natural


def _views(flow):
    for step in flow.steps:
        # Choices or a summary computed from the session are spoken like the fixed ones;
        # without a customer here, the step's own texts must still be there.
        choices = () if callable(step.choices) else tuple(step.choices)
        yield StepView(flow, step, {}, choices, (), step.kind is not StepKind.RESULT)


def _keys(view):
    step = view.step
    keys = [step.title, step.prompt, step.body]
    keys += [k for c in view.choices for k in (c.label, c.say)]
    if step.field:
        keys.append(step.field.label)
    return [k for k in keys if k]


@pytest.mark.parametrize("language", available_languages())
def test_every_step_of_every_flow_has_a_spoken_prompt(language):
    own, catalog = load_language(language), Catalog(language)
    problems, walked = [], 0
    for flow in flow_registry().values():
        for view in _views(flow):
            where = f"{language} {flow.id}/{view.step.id}"
            problems += [f"{where}: no message {k}" for k in _keys(view) if k not in own]
            by_voice = step_speech(view, catalog)
            by_keys = step_speech(view, catalog, by_keys=True)
            walked += 1
            for spoken in (by_voice, by_keys):
                title = natural(catalog.text(view.step.title), catalog)
                if not title.strip() or title not in spoken:
                    problems.append(f"{where}: the title is not spoken")
                if view.step.kind is StepKind.CHOOSE:
                    problems += [
                        f"{where}: choice {c.id} is not spoken"
                        for c in view.choices
                        if natural(catalog.text(c.label), catalog) not in spoken
                    ]
            # the last hint tells how to answer: a word to say, or a key to press
            answerable = view.choices or view.step.kind is StepKind.REVIEW  # choices fetched
            if answerable and view.step.kind is not StepKind.RESULT and by_voice == by_keys:
                problems.append(f"{where}: speech mode does not say which keys to press")
    assert walked >= sum(len(f.steps) for f in flow_registry().values())
    assert problems == [], "\n".join(problems)


def test_the_voice_words_exist_in_every_language():
    reference = {k for k in load_language("zh_CN") if k.startswith("voice.")}
    for language in available_languages():
        own = {k for k in load_language(language) if k.startswith("voice.")}
        assert reference - own == set(), language


def test_the_prompts_rendered_ahead_cover_both_ways_of_answering():
    catalog = Catalog("en")
    texts = fixed_prompts(flow_registry(), catalog)
    guide_first = next(_views(flow_registry()["guide"]))
    assert step_speech(guide_first, catalog) in texts
    assert step_speech(guide_first, catalog, by_keys=True) in texts
    assert catalog.text("voice.keys.help") in texts


def test_a_receipt_is_read_out_with_its_amount_spoken_and_its_masked_card_by_its_tail():
    receipt = Receipt(
        "Bill payment",
        "REF1",
        lines=(ReceiptLine("Card", "622848*********8010"),),
        amounts=(ReceiptLine("Amount", "¥86.50"),),
        notes=("Keep this receipt",),
    )
    spoken = receipt_speech(receipt, Catalog("en"))
    assert "eighty-six yuan five jiao" in spoken
    assert "card ending in eight zero one zero" in spoken
    assert "622848" not in spoken and "Keep this receipt" in spoken
