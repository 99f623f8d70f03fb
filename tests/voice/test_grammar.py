from kiosk.flows import flow_registry
from kiosk.flows.model import Field, Flow, Step, StepKind, StepView
from kiosk.i18n import Catalog
from voice.grammar import Back, Choose, Confirm, Digits, No, Yes, build_grammar
from voice.models import static_views


def _view(flow_id: str, step_id: str) -> StepView:
    return next(v for v in static_views(flow_registry()[flow_id]) if v.step.id == step_id)


def test_a_choice_is_understood_by_its_label_and_by_every_spoken_synonym():
    catalog = Catalog("zh_CN")
    grammar = build_grammar(_view("guide", "need"), catalog)
    assert grammar.parse(catalog.text("guide.need.cash")).command == Choose("cash")
    for phrase in catalog.phrases("guide.say.cash"):
        match = grammar.parse(phrase)
        assert match.command == Choose("cash") and match.exact
    assert catalog.phrases("guide.say.cash")[0] in grammar.phrases


def test_global_commands_come_from_the_catalog_in_each_language():
    for language in ("zh_CN", "zh_TW", "en", "ko"):
        catalog = Catalog(language)
        grammar = build_grammar(_view("guide", "need"), catalog)
        for phrase in catalog.phrases("voice.command.back"):
            assert grammar.parse(phrase).command == Back()
        review = build_grammar(_view("bill_payment", "review"), catalog)
        assert review.parse(catalog.phrases("voice.command.confirm")[0]).command == Confirm()


def test_a_step_listens_only_for_the_commands_that_make_sense_on_it():
    catalog = Catalog("ko")
    choose = build_grammar(_view("guide", "need"), catalog)
    confirm, yes = (catalog.phrases(f"voice.command.{c}")[0] for c in ("confirm", "yes"))
    # nothing to confirm on a menu, and yes/no only answer a question: fewer words to mistake
    assert choose.parse(confirm) is None and choose.parse(yes) is None
    assert build_grammar(_view("bill_payment", "review"), catalog).parse(confirm)


def test_the_steps_own_yes_and_no_choices_win_over_the_global_yes_and_no():
    catalog = Catalog("ko")
    # a word both the step's "yes" choice and the global "yes" are said with (네)
    [yes, *_] = [
        p for p in catalog.phrases("common.say.yes") if p in catalog.phrases("voice.command.yes")
    ]
    grammar = build_grammar(_view("guide", "has_id"), catalog)
    assert grammar.parse(yes).command == Choose("yes")
    question = build_grammar(_view("guide", "has_id"), catalog, question=True)
    assert question.parse(yes).command == Yes()
    assert question.parse(catalog.phrases("voice.command.no")[0]).command == No()
    # the step's choices are not heard during a question
    assert question.parse(catalog.phrases("guide.say.cash")[0]) is None


def test_a_word_salad_is_only_a_guess_never_a_certainty():
    catalog = Catalog("ko")
    grammar = build_grammar(_view("guide", "need"), catalog)
    match = grammar.parse(f"{catalog.text('guide.need.cash')} 주세요")  # the label, and "please"
    assert match.command == Choose("cash") and not match.exact
    # A long salad with one grammar word in it (what the Korean model makes of a sentence
    # it was never asked to hear) is not even a guess.
    assert grammar.parse("업무 아니오 시간 좋아요 주세요 네") is None
    assert grammar.parse("") is None and grammar.parse("[unk]") is None


def test_a_number_field_hears_digits_and_says_them_back_as_one_value():
    step = Step("phone", StepKind.FIELD, "guide.title", field=Field("guide.title"))
    flow = Flow("t", "guide.title", (step,))
    catalog = Catalog("ko")
    grammar = build_grammar(StepView(flow, step, {}, (), (), True), catalog)
    said = {d: catalog.phrases(f"voice.digit.{d}") for d in "0123456789"}
    # 1 3 8 0 0, the zeros said in two of the ways people say them (공, 영)
    match = grammar.parse(" ".join([said["1"][0], said["3"][0], said["8"][0], *said["0"][:2]]))
    assert match.command == Digits("13800") and match.exact
    assert said["9"][0] in grammar.words()


def test_the_vosk_phrase_list_leaves_out_phrases_with_words_the_model_lacks():
    catalog = Catalog("ko")
    grammar = build_grammar(_view("guide", "need"), catalog)
    lost = catalog.phrases("guide.say.lost_card")
    [missing] = set.intersection(*(set(p.split()) for p in lost))  # the word both share (분실)
    phrases = grammar.vosk_json(grammar.words() - {missing}, unk=False)
    assert not any(p in phrases for p in lost) and "[unk]" not in phrases
    assert catalog.phrases("guide.say.cash")[0] in phrases


def test_the_recognizer_gets_words_only_never_symbols_or_punctuation():
    catalog = Catalog("ko")
    rating = build_grammar(_view("bill_payment", "rating"), catalog)
    phrases = rating.vosk_json(unk=False)
    label = catalog.text("feedback.rating.stars_5")  # "★★★★★ 매우 만족"
    said = label.replace("★", "").strip()  # as it is said
    assert "★" in label and "★" not in phrases and said in phrases
    assert rating.parse(said).command == Choose("5")
