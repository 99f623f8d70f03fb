"""A device is usable when it is online and no consumable has run out; counters never stop it."""

from __future__ import annotations

import pytest

from hardware.status import DeviceState, DeviceStatus


@pytest.mark.parametrize(
    "state, supplies, usable",
    [
        (DeviceState.ONLINE, {"cards": 42, "retained": 3}, True),
        (DeviceState.ONLINE, {"paper": "low"}, True),
        (DeviceState.ONLINE, {"cards": 0}, False),
        (DeviceState.ONLINE, {"paper": "out"}, False),
        (DeviceState.ONLINE, {"retained": 0}, True),  # a counter at zero is not a supply
        (DeviceState.HARDWARE_ERROR, {"cards": 42}, False),
        (DeviceState.USER_ERROR, {}, False),
    ],
)
def test_usable_only_online_with_its_consumables(state, supplies, usable):
    assert DeviceStatus("card_dispenser", state, supplies).usable is usable
