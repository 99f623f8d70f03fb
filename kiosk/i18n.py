"""Message catalogs: every word a customer sees or hears comes from i18n/<language>/*.toml.

A catalog file holds tables whose dotted path is the message key: `[home] title = "..."` is
`home.title`. A value is either a text with `{name}` placeholders or, for voice synonyms, a
list of phrases. Files are split by domain so that several people can add messages without
touching the same file.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

I18N_DIR = Path(__file__).resolve().parent.parent / "i18n"
DEFAULT_LANGUAGE = "zh_CN"


def _flatten(table: dict[str, object], prefix: str = "") -> Iterable[tuple[str, object]]:
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            yield from _flatten(value, key + ".")
        else:
            yield key, value


def load_language(language: str, root: Path = I18N_DIR) -> dict[str, object]:
    """A language's messages from its catalog files. Parsed once while the files stay as
    they are (a customer switching languages would otherwise wait on the TOML parser: tens of
    ms on the UI thread); a copy, so a caller's change stays its own."""
    folder = root / language
    if not folder.is_dir():
        raise LookupError(f"no message catalog for language {language!r} in {root}")
    files = tuple(
        (str(path), path.stat().st_mtime_ns, path.stat().st_size)
        for path in sorted(folder.glob("*.toml"))
    )
    return dict(_parsed(files))


@lru_cache(maxsize=16)
def _parsed(files: tuple[tuple[str, int, int], ...]) -> dict[str, object]:
    messages: dict[str, object] = {}
    for name, _mtime, _size in files:
        with open(name, "rb") as f:
            for key, value in _flatten(tomllib.load(f)):
                if key in messages:
                    raise ValueError(f"{name}: message {key!r} is defined twice")
                messages[key] = value
    return messages


def available_languages(root: Path = I18N_DIR) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.is_dir() and any(p.glob("*.toml")))


class Catalog:
    """The catalog of the language in use, with a fallback for anything missing."""

    def __init__(
        self,
        language: str = DEFAULT_LANGUAGE,
        root: Path = I18N_DIR,
        fallback: str = DEFAULT_LANGUAGE,
    ):
        self._root = root
        self._fallback = load_language(fallback, root)
        self.language = fallback
        self._messages = self._fallback
        self.set_language(language)

    def set_language(self, language: str) -> None:
        self._messages = load_language(language, self._root)
        self.language = language

    def has(self, key: str) -> bool:
        return key in self._messages or key in self._fallback

    def _raw(self, key: str) -> object:
        if key in self._messages:
            return self._messages[key]
        if key in self._fallback:
            log.warning("message %s missing in %s, using %s", key, self.language, DEFAULT_LANGUAGE)
            return self._fallback[key]
        log.error("message %s missing from every catalog", key)
        return key

    def text(self, key: str, **params: object) -> str:
        raw = self._raw(key)
        if isinstance(raw, list):
            raw = raw[0] if raw else key
        text = str(raw)
        if params:
            try:
                return text.format_map(params)
            except (KeyError, IndexError, ValueError):
                log.error("message %s does not fit its parameters %s", key, sorted(params))
        return text

    def phrases(self, key: str) -> list[str]:
        """Spoken forms of a key (a list in the catalog, or its single text)."""
        if not self.has(key):
            return []
        raw = self._raw(key)
        return [str(p) for p in raw] if isinstance(raw, list) else [str(raw)]

    def language_name(self, language: str) -> str:
        return str(load_language(language, self._root).get("language.name", language))
