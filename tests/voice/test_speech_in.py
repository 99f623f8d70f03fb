"""The real Korean vosk model hearing espeak-ng speech, one step's grammar at a time."""

import wave

import pytest

from kiosk.flows import flow_registry
from kiosk.i18n import Catalog
from voice.grammar import Choose, DidYouMean, Help, NotUnderstood, Repeat, build_grammar
from voice.models import static_views
from voice.speech_in import AudioFormatError, SpeechIn, Utterance, decide

pytestmark = pytest.mark.slow


def _need_grammar():
    view = next(v for v in static_views(flow_registry()["guide"]) if v.step.id == "need")
    return build_grammar(view, Catalog("ko"))


def _hear(speech_in, wav):
    heard = []
    speech_in.heard.connect(lambda command, utterance: heard.append((command, utterance)))
    speech_in.feed_wav(wav)
    return heard


def test_a_spoken_choice_and_spoken_commands_become_commands(korean_model, say):
    speech_in = SpeechIn(korean_model, "ko")
    grammar = _need_grammar()
    for phrase, meaning in [
        ("예약 확인", Choose("appointment_checkin")),
        ("도움말", Help()),
        ("다시 말해 주세요", Repeat()),
    ]:
        speech_in.listen_for(grammar)
        [(command, utterance)] = _hear(speech_in, say(phrase))
        # Acted on at once, or asked about ("도움말, 맞습니까?") when the confidence lands just
        # under the bar (vosk's confidences vary a little from run to run): never another thing.
        assert meaning in (command, getattr(command, "guess", None)), utterance
        assert utterance.words and all(0 < conf <= 1 for _, conf in utterance.words)


def test_speech_outside_the_grammar_is_never_acted_on(korean_model, say):
    # vosk #2041: the Korean model has no [unk] and maps any speech onto grammar words, often
    # at confidence 1.0. A sentence nobody offered must end in a question or "say again".
    speech_in = SpeechIn(korean_model, "ko")
    for sentence in [
        "오늘 날씨가 정말 좋네요",
        "저는 커피를 마시고 싶어요",
        "우리 집은 서울에 있습니다",
    ]:
        speech_in.listen_for(_need_grammar())
        for command, utterance in _hear(speech_in, say(sentence)):
            assert isinstance(command, (NotUnderstood, DidYouMean)), (sentence, utterance)


def test_unknown_grammar_words_are_reported_not_dropped(korean_model, caplog):
    speech_in = SpeechIn(korean_model, "ko")
    grammar = _need_grammar()
    grammar.add("쀍뛟 카드", Choose("card_issue"))  # a word no Korean model has
    speech_in.listen_for(grammar)
    assert "쀍뛟" in speech_in.unknown_words
    assert "쀍뛟" in caplog.text


def test_low_confidence_asks_before_acting():
    grammar = _need_grammar()
    sure = Utterance("예약 확인", (("예약", 1.0), ("확인", 0.97)))
    unsure = Utterance("예약 확인", (("예약", 1.0), ("확인", 0.41)))
    assert decide(sure, grammar) == Choose("appointment_checkin")
    assert decide(unsure, grammar) == DidYouMean(Choose("appointment_checkin"), "예약 확인")


def test_a_low_margin_utterance_becomes_did_you_mean_not_an_action():
    # The small Korean model scores a confident mistake 1.0 per word; what tells it apart is
    # another hypothesis, meaning something else, scoring nearly as well.
    grammar = _need_grammar()
    words = (("예약", 1.0), ("확인", 1.0))
    clear = Utterance("예약 확인", words, (("예약 확인", 110.0), ("예약", 109.9), ("기타", 104.0)))
    close = Utterance("예약 확인", words, (("예약 확인", 110.0), ("기타", 109.2)))
    assert decide(clear, grammar) == Choose("appointment_checkin")  # a synonym is no rival
    assert decide(close, grammar) == DidYouMean(Choose("appointment_checkin"), "예약 확인")


def test_the_filler_recognizer_must_agree_before_the_kiosk_acts():
    grammar = _need_grammar()
    words = (("기타", 1.0),)
    soaked = Utterance("어 기타", (("어", 1.0), ("기타", 1.0)), (("어 기타", 90.0),))
    agreed = Utterance("기타", words, (("기타", 90.0),))
    assert decide(Utterance("기타", words, (("기타", 90.0),), agreed), grammar) == Choose("other")
    assert decide(Utterance("기타", words, (("기타", 90.0),), soaked), grammar) == DidYouMean(
        Choose("other"), "기타"
    )


def test_a_whole_phrase_close_behind_a_salad_is_asked_about():
    grammar = _need_grammar()
    salad = Utterance("예약 잠깐 확인", (), (("예약 잠깐 확인", 100.0), ("예약 확인", 99.0)))
    far = Utterance("예약 잠깐 확인", (), (("예약 잠깐 확인", 100.0), ("기타", 90.0)))
    assert decide(salad, grammar) == DidYouMean(Choose("appointment_checkin"), "예약 확인")
    assert isinstance(decide(far, grammar), NotUnderstood)


def test_a_wav_of_the_wrong_format_is_a_typed_error(korean_model, tmp_path):
    path = tmp_path / "stereo.wav"
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(16000)
        wav.writeframes(bytes(6400))
    speech_in = SpeechIn(korean_model, "ko")
    speech_in.listen_for(_need_grammar())
    with pytest.raises(AudioFormatError) as error:
        speech_in.feed_wav(path)
    assert error.value.message_key == "voice.notice.bad_audio"
