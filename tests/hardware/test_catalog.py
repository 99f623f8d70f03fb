"""Every message key the devices use exists, in all four languages."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from hardware import errors
from hardware.errors import DeviceError, RecommendedAction
from hardware.registry import DRIVERS
from hardware.status import DeviceState

I18N = Path(__file__).resolve().parents[2] / "i18n"
LANGUAGES = ["zh_CN", "zh_TW", "en", "ko"]


def _keys(table: dict, prefix: str = "") -> set[str]:
    keys = set()
    for name, value in table.items():
        keys |= _keys(value, f"{prefix}{name}.") if isinstance(value, dict) else {prefix + name}
    return keys


def _catalog(language: str) -> set[str]:
    with (I18N / language / "devices.toml").open("rb") as f:
        return _keys(tomllib.load(f))


def _error_classes() -> list[type[DeviceError]]:
    return [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, DeviceError)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_holds_every_device_message(language):
    keys = _catalog(language)
    needed = {c.message_key for c in _error_classes()}
    needed |= {f"devices.state.{s.value}" for s in DeviceState}
    needed |= {f"devices.action.{a.value}" for a in RecommendedAction}
    needed |= {f"devices.name.{name}" for name in DRIVERS}
    assert needed <= keys
    assert keys == _catalog("zh_CN")  # no language has more or fewer than the first one
