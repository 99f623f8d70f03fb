"""The device ports: every driver the configuration may name does what its port promises,
with the port's parameters (a driver missing `cancel` would break a customer's visit, not
start-up), and what the devices hand over never shows a full card or ID number in a log."""

from __future__ import annotations

import importlib
import inspect

import pytest

from hardware.demo_people import find_person
from hardware.ports import (
    CardData,
    IdCardData,
    IssuedCard,
    KeyKind,
    KeyPress,
    PinBlock,
)
from hardware.registry import DRIVERS, PORTS

DRIVER_CLASSES = [
    (device_class, driver, spec)
    for device_class, drivers in DRIVERS.items()
    for driver, spec in drivers.items()
]


def _load(spec: str) -> type:
    module, _, name = spec.partition(":")
    loaded: type = getattr(importlib.import_module(module), name)
    return loaded


def _methods(port: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in inspect.getmembers(port, inspect.isfunction)
        if not name.startswith("_")
    }


@pytest.mark.parametrize(("device_class", "driver", "spec"), DRIVER_CLASSES)
def test_every_driver_has_every_call_of_its_port_with_the_ports_parameters(
    device_class, driver, spec
):
    cls = _load(spec)
    port_methods = _methods(PORTS[device_class])
    assert {"reset", "cancel", "close", "status"} <= set(port_methods)
    for name, wanted in port_methods.items():
        member = getattr(cls, name, None)
        assert callable(member), f"{driver} {device_class} has no {name}()"
        have = inspect.signature(member).parameters
        for parameter in wanted.parameters.values():
            assert parameter.name in have, f"{driver} {device_class}.{name} lacks {parameter}"
            if parameter.default is not inspect.Parameter.empty:
                assert have[parameter.name].default is not inspect.Parameter.empty, (
                    f"{driver} {device_class}.{name}: {parameter.name} must stay optional"
                )


def test_every_device_class_has_a_simulator():
    assert set(DRIVERS) == set(PORTS)
    assert all("simulated" in drivers for drivers in DRIVERS.values())


def test_what_the_devices_hand_over_shows_only_the_last_four_digits():
    card = CardData("6228480012345678010", "2912", atr="3B6C", track2="6228480012345678010D2912")
    assert card.last4 == "8010"
    assert "6228480012345678010" not in repr(card) and "8010" in repr(card)
    issued = IssuedCard("6228480012345679171", "3112", "SIM-0001")
    assert "6228480012345679171" not in repr(issued) and "9171" in repr(issued)
    wang = find_person("wang")
    id_card = IdCardData(
        wang.name,
        wang.sex,
        wang.ethnicity,
        wang.birth_date,
        wang.address,
        wang.id_number,
        wang.issuing_authority,
        wang.valid_from,
        wang.valid_to,
        photo=b"\xff\xd8",
    )
    shown = repr(id_card)
    assert "110105198805120237" not in shown and "0237" in shown
    assert "北京市朝阳区" not in shown and "王小明" not in shown


def test_an_encrypted_pin_block_is_never_printed_and_a_key_press_carries_no_pin_digit():
    block = PinBlock("ISO-4", "0123456789ABCDEF0123456789ABCDEF")
    assert "0123456789ABCDEF" not in repr(block) and "ISO-4" in repr(block)
    assert KeyPress(KeyKind.DIGIT).digit is None  # during PIN entry the app sees only a key
