"""Every word on screen comes from the catalogs, in every language the kiosk offers."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from kiosk.flows import flow_registry
from kiosk.i18n import Catalog, available_languages, load_language

ROOT = Path(__file__).resolve().parents[2]
CODE = [p for folder in ("kiosk", "ui", "voice", "hardware") for p in (ROOT / folder).rglob("*.py")]
# The sandbox stands in for the bank's own system and demo_people for the cards in customers'
# pockets: their names and addresses are data, not text of ours.
SCREEN_CODE = [p for p in CODE if "sandbox" not in p.parts and p.name != "demo_people.py"]
KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
# Full-width digits (U+FF10-FF19) are left out: the masking patterns must match them, and a
# digit is no word a translator would write.
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uff00-\uff0f\uff1a-\uffef]")


def _strings(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            yield node.lineno, node.value


def test_catalogs_hold_the_same_messages_in_every_language():
    base = set(load_language("zh_CN"))
    assert {"zh_CN", "zh_TW", "en", "ko"} <= set(available_languages())
    for language in available_languages():
        keys = set(load_language(language))
        assert keys == base, (language, sorted(base - keys)[:10], sorted(keys - base)[:10])


def _is_a_file_or_module(value: str) -> bool:
    as_path = ROOT / value.replace(".", "/")
    return (
        as_path.with_suffix(".py").exists()
        or as_path.is_dir()
        or "." + value.split(".")[-1]
        in (".svg", ".png", ".wav", ".toml", ".json", ".sqlite", ".log")
    )


def test_every_message_key_in_the_code_has_a_message():
    domains = {key.split(".")[0] for key in load_language("zh_CN")}
    catalog = Catalog("zh_CN")
    missing = [
        f"{path.relative_to(ROOT)}:{line}: {value}"
        for path in CODE
        for line, value in _strings(path)
        if KEY.match(value)
        and value.split(".")[0] in domains
        and not _is_a_file_or_module(value)
        and not catalog.has(value)
    ]
    assert missing == []


def test_every_step_of_every_flow_has_its_messages():
    catalog = Catalog("zh_CN")
    missing = []
    for flow in flow_registry().values():
        keys = [flow.title, flow.hint, *flow.stages]
        if flow.home:
            keys += [flow.home.tile, flow.home.tile_hint, flow.home.say, flow.home.guide]
        for step in flow.steps:
            keys += [step.title, step.prompt, step.body]
            if step.field:
                keys.append(step.field.label)
            if not callable(step.choices):
                keys += [k for c in step.choices for k in (c.label, c.hint, c.say)]
        missing += [f"{flow.id}: {k}" for k in keys if k and not catalog.has(k)]
    assert missing == []


def test_no_customer_text_is_written_in_the_code():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {value[:40]}"
        for path in SCREEN_CODE
        for line, value in _strings(path)
        if CJK.search(value)
    ]
    assert found == []


@pytest.mark.parametrize("language", ["zh_CN", "zh_TW", "en", "ko"])
def test_no_language_asks_for_a_value_the_code_does_not_give(language):
    field = re.compile(r"\{(\w+)\}")
    base, other = load_language("zh_CN"), load_language(language)
    wrong = [
        key
        for key, text in base.items()
        if isinstance(text, str) and set(field.findall(text)) != set(field.findall(str(other[key])))
    ]
    assert wrong == []


def test_a_missing_message_falls_back_and_never_crashes(tmp_path):
    for language, text in (
        ("zh_CN", 'hello = "你好 {name}"\nonly_here = "仅中文"'),
        ("en", 'hello = "Hello {name}"'),
    ):
        (tmp_path / language).mkdir()
        (tmp_path / language / "x.toml").write_text(f"[x]\n{text}\n", encoding="utf-8")
    catalog = Catalog("en", root=tmp_path)
    assert catalog.text("x.hello", name="Li") == "Hello Li"
    assert catalog.text("x.only_here") == "仅中文"
    assert catalog.text("x.nowhere") == "x.nowhere"
    assert catalog.text("x.hello") == "Hello {name}"  # a missing parameter shows the template
