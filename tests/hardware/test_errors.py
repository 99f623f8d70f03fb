"""Device errors as customers and staff meet them: each one says in every language what
happened and what to do, an error of a driver nobody classified counts as the device broken,
and an error names its device for the log and the staff screen."""

from __future__ import annotations

import pytest

from hardware import errors
from hardware.errors import DeviceError, HardwareError, RecommendedAction
from hardware.status import DeviceState
from kiosk.i18n import Catalog, available_languages

DEVICE_ERRORS = sorted(
    (
        cls
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, DeviceError)
    ),
    key=lambda cls: cls.__name__,
)


def test_the_module_defines_the_errors_the_drivers_raise():
    names = {cls.__name__ for cls in DEVICE_ERRORS}
    assert {"CardJammed", "DispenserEmpty", "PaperOut", "FaceNotFound", "DeviceOffline"} <= names


@pytest.mark.parametrize("language", available_languages())
def test_every_device_error_is_told_in_every_language_without_a_raw_key(language):
    catalog = Catalog(language, fallback=language)
    for cls in DEVICE_ERRORS:
        assert catalog.has(cls.message_key), f"{cls.__name__}: no {cls.message_key} in {language}"
        text = catalog.text(cls.message_key)
        assert text.strip() and "{" not in text and text != cls.message_key, cls.__name__


def test_an_unclassified_driver_failure_counts_as_the_device_broken():
    error = HardwareError("printer", "head overheated")
    assert error.action is RecommendedAction.RESET
    assert error.state is DeviceState.HARDWARE_ERROR
    assert error.message_key == "devices.error.hardware_error"


def test_an_error_names_its_device_and_what_happened_for_the_log():
    assert str(errors.PaperOut("printer", "no paper at the sensor")) == (
        "printer: no paper at the sensor"
    )
    assert str(errors.CardJammed("card_reader")) == "card_reader: devices.error.card_jammed"
    assert str(errors.DeviceTimeout()) == "device: devices.error.timeout"


def test_what_staff_must_fix_is_told_apart_from_what_the_customer_may_retry():
    staff_fix = {cls for cls in DEVICE_ERRORS if cls.action is RecommendedAction.CLEAR}
    customer_retry = {cls for cls in DEVICE_ERRORS if cls.action is RecommendedAction.RETRY}
    # a jam, an empty cassette, no paper, a kept card: a person has to come
    assert {errors.CardJammed, errors.DispenserEmpty, errors.PaperOut, errors.PaperJammed} <= (
        staff_fix
    )
    assert errors.MediaRetained in staff_fix
    # a card read badly, no face in the picture, nothing inserted: the customer tries again
    assert {errors.CardUnreadable, errors.FaceNotFound, errors.NoMedia} <= customer_retry
    assert staff_fix.isdisjoint(customer_retry)


def test_an_error_keeps_the_values_its_message_needs():
    error = errors.DispenserEmpty("card_dispenser", count=0)
    assert error.params == {"count": 0} and error.device == "card_dispenser"
