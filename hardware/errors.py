"""Typed device errors. Each carries the action XFS4IoT's ErrorEvent would recommend, the
state it leaves the device in, and the i18n key (devices.error.*) the screen shows.

The app decides from `DeviceError.action` (a `RecommendedAction`) alone: retry/none -> let
the customer try again or go on, clear -> call branch staff, reset -> reset the device,
maintenance -> an engineer, suspend -> wait, the device recovers by itself, configuration ->
the kiosk is set up wrong.
"""

from __future__ import annotations

from enum import StrEnum

from hardware.status import DeviceState


class RecommendedAction(StrEnum):
    NONE = "none"  # nothing to fix: the customer cancelled, or the app decides what follows
    RETRY = "retry"  # the customer may simply try again
    RESET = "reset"  # reset the device (XFS4IoT: "should not be used excessively")
    CLEAR = "clear"  # branch staff can fix it: refill paper/cards, clear a jam, hand back a card
    MAINTENANCE = "maintenance"  # an engineer is needed
    SUSPEND = "suspend"  # the device recovers by itself; wait and try later
    CONFIGURATION = "configuration"  # the kiosk's configuration is wrong


class DeviceError(Exception):
    """Base of every device failure. Subclasses set the three class attributes."""

    action: RecommendedAction = RecommendedAction.RESET  # what XFS4IoT would recommend
    message_key: str = "devices.error.hardware_error"
    state: DeviceState = DeviceState.HARDWARE_ERROR  # the device's state after this error

    def __init__(self, device: str = "", detail: str = "", **params: object):
        self.device = device
        self.detail = detail
        self.params = params  # placeholders for the message text, e.g. {"count": 0}
        super().__init__(f"{device or 'device'}: {detail or self.message_key}")


class HardwareError(DeviceError):
    pass


class DeviceOffline(DeviceError):
    action = RecommendedAction.RESET
    message_key = "devices.error.offline"
    state = DeviceState.OFFLINE


class DeviceNotFound(DeviceError):
    action = RecommendedAction.CONFIGURATION
    message_key = "devices.error.not_found"
    state = DeviceState.NO_DEVICE


class DeviceBusy(DeviceError):
    action = RecommendedAction.SUSPEND
    message_key = "devices.error.busy"
    state = DeviceState.DEVICE_BUSY


class Unsupported(DeviceError):
    """The configured hardware cannot do this (a dip reader cannot retain a card)."""

    action = RecommendedAction.CONFIGURATION
    message_key = "devices.error.unsupported"
    state = DeviceState.ONLINE


class DeviceTimeout(DeviceError):
    action = RecommendedAction.RETRY
    message_key = "devices.error.timeout"
    state = DeviceState.ONLINE


class Cancelled(DeviceError):
    action = RecommendedAction.NONE
    message_key = "devices.error.cancelled"
    state = DeviceState.ONLINE


class FraudAttempt(DeviceError):
    action = RecommendedAction.MAINTENANCE
    message_key = "devices.error.fraud"
    state = DeviceState.FRAUD_ATTEMPT


# --- cards (bank card reader, card dispenser) ---


class CardJammed(DeviceError):
    action = RecommendedAction.CLEAR
    message_key = "devices.error.card_jammed"


class MediaRetained(DeviceError):
    """The machine kept the card; the customer collects it at the counter with their ID."""

    action = RecommendedAction.CLEAR
    message_key = "devices.error.card_retained"
    state = DeviceState.ONLINE


class MediaNotTaken(DeviceError):
    """The customer walked away with the card still in the slot; the app should retain it."""

    action = RecommendedAction.NONE
    message_key = "devices.error.card_not_taken"
    state = DeviceState.USER_ERROR


class NoMedia(DeviceError):
    action = RecommendedAction.RETRY
    message_key = "devices.error.no_card"
    state = DeviceState.ONLINE


class CardUnreadable(DeviceError):
    action = RecommendedAction.RETRY
    message_key = "devices.error.card_unreadable"
    state = DeviceState.ONLINE


class NotAStaffCard(DeviceError):
    """A card without the bank's staff application where a staff card (柜员卡) is asked for."""

    action = RecommendedAction.RETRY
    message_key = "devices.error.not_staff_card"
    state = DeviceState.ONLINE


class CardRemoved(DeviceError):
    """The card was pulled out while it was being read."""

    action = RecommendedAction.RETRY
    message_key = "devices.error.card_removed"
    state = DeviceState.ONLINE


class IdCardUnreadable(DeviceError):
    action = RecommendedAction.RETRY
    message_key = "devices.error.id_card_unreadable"
    state = DeviceState.ONLINE


class DispenserEmpty(DeviceError):
    action = RecommendedAction.CLEAR
    message_key = "devices.error.dispenser_empty"
    state = DeviceState.ONLINE  # supplies say {"cards": 0}; the device itself is fine


# --- printer ---


class PaperOut(DeviceError):
    action = RecommendedAction.CLEAR
    message_key = "devices.error.paper_out"
    state = DeviceState.ONLINE  # supplies say {"paper": "out"}


class PaperJammed(DeviceError):
    action = RecommendedAction.CLEAR
    message_key = "devices.error.paper_jammed"


# --- camera ---


class FaceNotFound(DeviceError):
    action = RecommendedAction.RETRY
    message_key = "devices.error.face_not_found"
    state = DeviceState.ONLINE
