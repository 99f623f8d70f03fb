from __future__ import annotations

import pytest

from hardware.camera.opencv import OpenCvCamera
from hardware.card_reader.pcsc import PcscCardReader
from hardware.printer.escpos import EscposPrinter
from hardware.registry import build_devices
from hardware.simulated import SimulatedDevice


class VendorPinPadForTests:
    """Stands in for a vendor adapter module: proves "package.module:Class" plugs in."""

    def __init__(self, name: str, port: str):
        self.name, self.port = name, port

    def status(self): ...
    def reset(self): ...
    def cancel(self): ...
    def close(self): ...
    def pin_entry(self, account_or_pan, min_len, max_len, on_key, timeout, cancel=None): ...
    def data_entry(self, on_key, timeout, cancel=None, max_len=32): ...


def test_everything_is_simulated_by_default_and_configurable():
    devices = build_devices(
        {
            "id_card_reader": {"person": "wang"},
            "card_dispenser": {"driver": "simulated", "stock": 7},
        }
    )
    assert all(isinstance(d, SimulatedDevice) for d in devices.all())
    assert [d.name for d in devices.all()] == [
        "id_card_reader",
        "card_reader",
        "pin_pad",
        "camera",
        "card_dispenser",
        "printer",
    ]
    assert devices.id_card_reader.read(timeout=1).name == "王小明"
    assert devices.card_dispenser.stock() == 7


def test_real_drivers_are_chosen_by_config(tmp_path):
    devices = build_devices(
        {
            "card_reader": {"driver": "pcsc", "reader": "Virtual PCD"},
            "camera": {"driver": "opencv", "source": str(tmp_path / "cam.avi")},
            "printer": {"driver": "escpos", "connection": "file", "path": str(tmp_path / "lp0")},
        }
    )
    assert isinstance(devices.card_reader, PcscCardReader)
    assert isinstance(devices.camera, OpenCvCamera)
    assert isinstance(devices.printer, EscposPrinter)
    devices.close()


def test_vendor_adapter_plugs_in_by_module_and_class_name():
    target = f"{__name__}:VendorPinPadForTests"
    # importlib mode: this test module is importable under its own __name__ while it runs
    devices = build_devices({"pin_pad": {"driver": target, "port": "/dev/ttyS1"}})
    assert isinstance(devices.pin_pad, VendorPinPadForTests)
    assert devices.pin_pad.port == "/dev/ttyS1"


@pytest.mark.parametrize(
    "config, message",
    [
        ({"card_reader": {"driver": "magstripe"}}, "unknown driver 'magstripe'"),
        ({"printer": {"papr": 10}}, "bad configuration"),
        ({"cash_dispenser": {}}, "unknown device classes"),
        ({"pin_pad": {"driver": "no.such.module:Pad"}}, "cannot load"),
    ],
)
def test_configuration_mistakes_are_clear(config, message):
    with pytest.raises(ValueError, match=message):
        build_devices(config)


def test_adapter_that_is_not_the_right_device_is_refused():
    with pytest.raises(TypeError, match="does not implement CardReader"):
        build_devices({"card_reader": {"driver": "hardware.pinpad.simulated:SimulatedPinPad"}})
