"""`kiosk voice install MODEL.zip --sha256 HEX --language zh_CN` and `kiosk voice check`.

A bank installs a vosk model it has vetted: the hash is checked before anything is unpacked,
the archive may not write outside its folder, and the model must load before it is kept.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

from kiosk.config import ConfigError, load_config
from kiosk.flows import flow_registry
from kiosk.i18n import available_languages
from voice.models import ModelLoadError, VoiceModels, load_model


class InstallError(RuntimeError):
    pass


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _model_root(folder: Path) -> Path:
    """The folder holding am/ (archives usually wrap the model in one top folder)."""
    for candidate in [folder, *sorted(p for p in folder.rglob("*") if p.is_dir())]:
        if (candidate / "am").is_dir() and (candidate / "conf").is_dir():
            return candidate
    raise InstallError("the archive holds no vosk model (no am/ and conf/ folders)")


def install(archive: Path, sha256: str, language: str, models_dir: Path) -> Path:
    """Verifies, unpacks and test-loads a model; returns the folder to name in the config."""
    if language not in available_languages():
        raise InstallError(f"no catalog for language {language!r}")
    actual = sha256_of(archive)
    if actual != sha256.lower():
        raise InstallError(f"{archive}: SHA-256 is {actual}, expected {sha256.lower()}")
    models_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=models_dir) as tmp, zipfile.ZipFile(archive) as zf:
        for member in zf.namelist():
            if not (Path(tmp) / member).resolve().is_relative_to(Path(tmp).resolve()):
                raise InstallError(f"{archive}: {member!r} would land outside the model folder")
        zf.extractall(tmp)
        root = _model_root(Path(tmp))
        try:
            load_model(root)
        except ModelLoadError as exc:
            raise InstallError(str(exc)) from exc
        target = models_dir / language / archive.stem
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(root), target)
    return target


def check(models: VoiceModels, languages: list[str]) -> list[str]:
    """One line per language: its model, or that voice input is off, and unknown words."""
    lines = []
    flows = flow_registry()
    for language in languages:
        folder = models.folder(language)
        model = models.load(language) if folder else None
        if model is None:
            lines.append(
                f"{language}: no model{' (failed to load ' + str(folder) + ')' if folder else ''}"
                " - voice input off, speech out on"
            )
            continue
        unknown = models.check(language, model, flows)
        lines.append(f"{language}: {folder}")
        if unknown:
            lines.append(f"  {len(unknown)} grammar word(s) the model does not know:")
            lines += [
                f"    {word!r} in {', '.join(where)}" for word, where in sorted(unknown.items())
            ]
        else:
            lines.append("  every grammar word is known")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kiosk voice", description=__doc__.splitlines()[0])
    parser.add_argument("--config", help="kiosk configuration file")
    sub = parser.add_subparsers(dest="command", required=True)
    inst = sub.add_parser("install", help="verify, unpack and test-load a vosk model")
    inst.add_argument("archive", type=Path)
    inst.add_argument("--sha256", required=True)
    inst.add_argument("--language", required=True)
    inst.add_argument("--models-dir", type=Path)
    sub.add_parser("check", help="list languages with and without models, and unknown words")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.command == "install":
        models_dir = args.models_dir or config.data_dir / "voice-models"
        try:
            target = install(args.archive, args.sha256, args.language, models_dir)
        except (InstallError, OSError, zipfile.BadZipFile) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"installed {args.language} model in {target}")
        print(f'add to the configuration:\n[voice.models]\n{args.language} = "{target}"')
        return 0
    for line in check(VoiceModels(config.voice.models), config.kiosk.languages):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
