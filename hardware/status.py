"""The one status shape every device reports, modelled on XFS4IoT `Common.Status`."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class DeviceState(StrEnum):
    """XFS4IoT `Common.Status.device` values, spelled as the spec spells them."""

    ONLINE = "online"
    OFFLINE = "offline"
    POWER_OFF = "powerOff"
    NO_DEVICE = "noDevice"
    HARDWARE_ERROR = "hardwareError"
    USER_ERROR = "userError"  # a person is preventing proper operation (card left in the slot)
    DEVICE_BUSY = "deviceBusy"
    FRAUD_ATTEMPT = "fraudAttempt"
    POTENTIAL_FRAUD = "potentialFraud"


# Supplies a device uses up, and the levels at which it cannot serve until staff refill it.
# Other supplies are counters (cards retained or captured) and never make a device unusable.
CONSUMABLES = frozenset({"cards", "paper"})
EXHAUSTED = frozenset({"out", "empty", 0})


@dataclass(frozen=True)
class DeviceStatus:
    """What a supervisor screen shows for one device: state, supplies and the last problem."""

    device: str
    state: DeviceState
    # {"cards": 42} / {"paper": "low"}; counters too, e.g. {"retained": 1}
    supplies: dict[str, int | str] = field(default_factory=dict)
    message_key: str | None = None  # i18n key of the last error, None when all is well

    @property
    def usable(self) -> bool:
        """Online and no supply run out: the kiosk may offer what this device does."""
        return self.state is DeviceState.ONLINE and not any(
            self.supplies.get(supply) in EXHAUSTED for supply in CONSUMABLES
        )
