"""Builds the kiosk's devices from configuration: one driver per device class.

    {"card_reader": {"driver": "pcsc", "reader": "Virtual PCD 00 00"},
     "camera": {"driver": "opencv", "source": 0},
     "printer": {"driver": "escpos", "connection": "file", "path": "/dev/usb/lp0"},
     "id_card_reader": {"driver": "simulated", "person": "wang"}}

A class left out, or without "driver", gets its simulator. Every other key of a section is
passed to the driver's constructor. A vendor adapter plugs in as "package.module:ClassName".
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, cast

from hardware.ports import (
    Camera,
    CardDispenser,
    CardReader,
    Device,
    IdCardReader,
    PinPad,
    ReceiptPrinter,
)

log = logging.getLogger(__name__)

DRIVERS: dict[str, dict[str, str]] = {
    "id_card_reader": {"simulated": "hardware.id_card_reader.simulated:SimulatedIdCardReader"},
    "card_reader": {
        "simulated": "hardware.card_reader.simulated:SimulatedCardReader",
        "pcsc": "hardware.card_reader.pcsc:PcscCardReader",
    },
    "pin_pad": {"simulated": "hardware.pinpad.simulated:SimulatedPinPad"},
    "camera": {
        "simulated": "hardware.camera.simulated:SimulatedCamera",
        "opencv": "hardware.camera.opencv:OpenCvCamera",
    },
    "card_dispenser": {"simulated": "hardware.card_dispenser.simulated:SimulatedCardDispenser"},
    "printer": {
        "simulated": "hardware.printer.simulated:SimulatedPrinter",
        "escpos": "hardware.printer.escpos:EscposPrinter",
    },
}


PORTS: dict[str, type] = {
    "id_card_reader": IdCardReader,
    "card_reader": CardReader,
    "pin_pad": PinPad,
    "camera": Camera,
    "card_dispenser": CardDispenser,
    "printer": ReceiptPrinter,
}


@dataclass
class Devices:
    id_card_reader: IdCardReader
    card_reader: CardReader
    pin_pad: PinPad
    camera: Camera
    card_dispenser: CardDispenser
    printer: ReceiptPrinter

    def all(self) -> list[Device]:
        return [getattr(self, f.name) for f in fields(self)]

    def close(self) -> None:
        for device in self.all():
            device.close()


class DeviceConfigError(ValueError):
    """A device table no driver can be built from; the message names the table
    (devices.<class>), so a kiosk stops at start-up with one line, not a traceback."""


def _load(target: str) -> type:
    module_name, _, class_name = target.partition(":")
    try:
        driver: type = getattr(importlib.import_module(module_name), class_name)
        return driver
    except (ImportError, AttributeError) as error:
        raise DeviceConfigError(f"cannot load device driver {target!r}: {error}") from error


def build_device(device_class: str, section: Mapping[str, object]) -> Device:
    options = dict(section)
    driver = str(options.pop("driver", "simulated"))
    known = DRIVERS[device_class]
    where = f"devices.{device_class}"
    if driver not in known and ":" not in driver:
        raise DeviceConfigError(
            f"{where}: unknown driver {driver!r}; "
            f"use one of {sorted(known)} or 'package.module:ClassName'"
        )
    try:
        cls = _load(known.get(driver, driver))
    except DeviceConfigError as error:
        raise DeviceConfigError(f"{where}: {error}") from error
    options.setdefault("name", device_class)
    try:
        device = cls(**options)
    except (TypeError, ValueError) as error:  # a misspelt key, a value the driver refuses
        raise DeviceConfigError(f"{where}: bad configuration for {driver}: {error}") from error
    port = PORTS[device_class]
    if not isinstance(device, port):
        raise TypeError(f"{device_class}: {cls.__name__} does not implement {port.__name__}")
    log.info("%s: driver %s", device_class, driver)
    return cast(Device, device)  # checked against its port just above


def build_devices(config: Mapping[str, Mapping[str, object]] | None = None) -> Devices:
    config = config or {}
    unknown = set(config) - set(DRIVERS)
    if unknown:
        raise DeviceConfigError(f"unknown device classes in config: {sorted(unknown)}")
    # each device was checked against its class's port (PORTS) by build_device
    built: dict[str, Any] = {name: build_device(name, config.get(name, {})) for name in DRIVERS}
    return Devices(**built)
