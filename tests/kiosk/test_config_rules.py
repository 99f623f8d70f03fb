"""Every key's rule, tested from the configuration's own declaration (not a hand-kept list):
for each key with a Rule, hypothesis makes values the rule must refuse — out of bounds, NaN,
infinite, not in the enum, not hex, not in the id format — and the error names the key; values
inside the bounds load."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.config import Config, ConfigError, Rule, load_config, rule_of

RULED = [
    (section.name, f.name, f.type, f.metadata["rule"])
    for section in dataclasses.fields(Config)
    if dataclasses.is_dataclass(section.default_factory)
    for f in dataclasses.fields(section.default_factory)
    if "rule" in f.metadata and f.metadata["rule"] != Rule()  # a rule that refuses something
]
TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x7f"), max_size=40
)


def _toml(value) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return json.dumps(value, ensure_ascii=False)  # TOML has no surrogate-pair escapes


def _bad_values(kind: str, rule):
    """Values the rule must refuse, drawn from the rule itself."""
    options = []
    if kind in ("float", "int"):
        if rule.low is not None:
            below = (
                st.floats(max_value=rule.low, exclude_max=not rule.low_open, allow_nan=False)
                if kind == "float"
                else st.integers(max_value=int(rule.low) - (0 if rule.low_open else 1))
            )
            options.append(below)
        if rule.high is not None:
            above = (
                st.floats(min_value=rule.high, exclude_min=True)
                if kind == "float"
                else st.integers(min_value=int(rule.high) + 1)
            )
            options.append(above)
        if kind == "float":
            options.append(st.sampled_from([math.nan, math.inf, -math.inf]))
    if kind == "str":
        if rule.choices:
            options.append(TEXT.filter(lambda v: v not in rule.choices))
        if rule.pattern:
            import re

            options.append(TEXT.filter(lambda v: not re.fullmatch(rule.pattern, v)))
        if rule.hex_bytes:
            options.append(TEXT.filter(lambda v: not _is_hex(v, rule.hex_bytes)))
    assert options, f"a rule with nothing to refuse: {rule}"
    return st.one_of(options)


def _is_hex(value: str, size: int) -> bool:
    try:
        return len(bytes.fromhex(value)) == size
    except ValueError:
        return False


def _good_values(kind: str, rule):
    low = rule.low if rule.low is not None else -1e6
    high = rule.high if rule.high is not None else 1e6
    if kind == "float":
        return st.floats(min_value=low, max_value=high, exclude_min=rule.low_open)
    return st.integers(min_value=int(low) + (1 if rule.low_open else 0), max_value=int(high))


@pytest.mark.parametrize("section, key, kind, rule", RULED, ids=[f"{s}.{k}" for s, k, *_ in RULED])
def test_every_ruled_key_refuses_what_its_rule_refuses_and_names_itself(
    tmp_path_factory, section, key, kind, rule
):
    @given(value=_bad_values(kind, rule))
    def refused(value):
        path = tmp_path_factory.mktemp("config") / "kiosk.toml"
        path.write_text(f"[{section}]\n{key} = {_toml(value)}\n", encoding="utf-8")
        with pytest.raises(ConfigError) as error:
            load_config(path)
        assert f"{section}.{key}" in str(error.value)

    refused()


NUMERIC = [r for r in RULED if r[2] in ("float", "int")]


@pytest.mark.parametrize(
    "section, key, kind, rule", NUMERIC, ids=[f"{s}.{k}" for s, k, *_ in NUMERIC]
)
def test_values_within_a_rule_load(tmp_path_factory, section, key, kind, rule):
    @given(value=_good_values(kind, rule))
    def loads(value):
        path = tmp_path_factory.mktemp("config") / "kiosk.toml"
        path.write_text(f"[{section}]\n{key} = {_toml(value)}\n", encoding="utf-8")
        assert getattr(getattr(load_config(path), section), key) == value

    loads()


def test_the_defaults_keep_their_own_rules():
    config = Config()
    for section, key, *_ in RULED:
        assert (
            rule_of(getattr(config, section), key).problem(getattr(getattr(config, section), key))
            is None
        )


def test_the_rules_cover_every_duration_and_count():
    """A new `*_s` or count key without a rule would slip past every check above."""
    unruled = [
        f"{section.name}.{f.name}"
        for section in dataclasses.fields(Config)
        if dataclasses.is_dataclass(section.default_factory)
        for f in dataclasses.fields(section.default_factory)
        if f.type in ("float", "int") and "rule" not in f.metadata
    ]
    assert unruled == []


@pytest.mark.parametrize(
    "text, named",
    [
        ("[backend]\nheartbeat_s = 0\n", "backend.heartbeat_s"),
        ("[backend]\ntimeout_s = -1\n", "backend.timeout_s"),
        ("[timeouts]\nidle_s = nan\n", "timeouts.idle_s"),
        ("[kiosk]\nlog_level = 'LOUD'\n", "kiosk.log_level"),
        ("[sandbox]\npin_key = 'not hex at all'\n", "sandbox.pin_key"),
        ("[supervisor]\nexit_code = ''\n", "supervisor.exit_code"),
        ("[kiosk]\nid = 'STM-0102-01'\n", "kiosk.id"),  # not a kiosk of branch 0101
    ],
)
def test_the_reported_failures_are_refused(tmp_path, text, named):
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")):
        load_config(path)
