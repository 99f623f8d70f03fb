"""Every scripted fault of every simulator surfaces as its typed error, with its action and
message key, and shows in the device's status the way a supervisor screen would see it."""

from __future__ import annotations

import pytest

from hardware.camera.simulated import SimulatedCamera
from hardware.card_dispenser.simulated import SimulatedCardDispenser
from hardware.card_reader.simulated import SimulatedCardReader
from hardware.errors import (
    CardJammed,
    CardRemoved,
    CardUnreadable,
    DeviceOffline,
    DeviceTimeout,
    DispenserEmpty,
    FraudAttempt,
    IdCardUnreadable,
    MediaNotTaken,
    MediaRetained,
    PaperJammed,
    PaperOut,
    RecommendedAction,
)
from hardware.id_card_reader.simulated import SimulatedIdCardReader
from hardware.pinpad.simulated import SimulatedPinPad
from hardware.ports import Receipt
from hardware.printer.simulated import SimulatedPrinter
from hardware.simulated import FaultScript
from hardware.status import DeviceState

RECEIPT = Receipt(title="缴费凭条", qr="TXN:0001")


def _eject_card(reader: SimulatedCardReader) -> None:
    reader.insert("wang")
    reader.accept(timeout=1)
    reader.eject()


def _hand_over_card(reader: SimulatedCardReader) -> None:
    _eject_card(reader)
    reader.wait_taken(timeout=1)


def _hand_over_new_card(dispenser: SimulatedCardDispenser) -> None:
    dispenser.dispense(timeout=1)
    dispenser.wait_taken(timeout=1)


# (simulator, fault, what the kiosk does, error, action, state after, supplies after)
CASES = [
    (
        SimulatedIdCardReader,
        "offline",
        lambda d: d.read(1),
        DeviceOffline,
        RecommendedAction.RESET,
        DeviceState.OFFLINE,
    ),
    (
        SimulatedIdCardReader,
        "timeout",
        lambda d: d.read(1),
        DeviceTimeout,
        RecommendedAction.RETRY,
        DeviceState.ONLINE,
    ),
    (
        SimulatedIdCardReader,
        "unreadable",
        lambda d: (d.insert("jin"), d.read(1)),
        IdCardUnreadable,
        RecommendedAction.RETRY,
        DeviceState.ONLINE,
    ),
    (
        SimulatedCardReader,
        "offline",
        lambda d: d.accept(1),
        DeviceOffline,
        RecommendedAction.RESET,
        DeviceState.OFFLINE,
    ),
    (
        SimulatedCardReader,
        "timeout",
        lambda d: d.accept(1),
        DeviceTimeout,
        RecommendedAction.RETRY,
        DeviceState.ONLINE,
    ),
    (
        SimulatedCardReader,
        "jam",
        lambda d: (d.insert("wang"), d.accept(1)),
        CardJammed,
        RecommendedAction.CLEAR,
        DeviceState.HARDWARE_ERROR,
    ),
    (
        SimulatedCardReader,
        "unreadable",
        lambda d: (d.insert("wang"), d.accept(1)),
        CardUnreadable,
        RecommendedAction.RETRY,
        DeviceState.ONLINE,
    ),
    (
        SimulatedCardReader,
        "removed",
        lambda d: (d.insert("wang"), d.accept(1)),
        CardRemoved,
        RecommendedAction.RETRY,
        DeviceState.ONLINE,
    ),
    (
        SimulatedCardReader,
        "retained",
        _eject_card,
        MediaRetained,
        RecommendedAction.CLEAR,
        DeviceState.ONLINE,
    ),
    (
        SimulatedCardReader,
        "walk_away",
        _hand_over_card,
        MediaNotTaken,
        RecommendedAction.NONE,
        DeviceState.USER_ERROR,
    ),
    (
        SimulatedCardReader,
        "fraud",
        lambda d: d.accept(1),
        FraudAttempt,
        RecommendedAction.MAINTENANCE,
        DeviceState.FRAUD_ATTEMPT,
    ),
    (
        SimulatedPinPad,
        "offline",
        lambda d: d.data_entry(lambda k: None, 1),
        DeviceOffline,
        RecommendedAction.RESET,
        DeviceState.OFFLINE,
    ),
    (
        SimulatedPinPad,
        "timeout",
        lambda d: d.pin_entry("6228480012345678010", 6, 6, lambda k: None, 1),
        DeviceTimeout,
        RecommendedAction.RETRY,
        DeviceState.ONLINE,
    ),
    (
        SimulatedPinPad,
        "tamper",
        lambda d: d.data_entry(lambda k: None, 1),
        FraudAttempt,
        RecommendedAction.MAINTENANCE,
        DeviceState.FRAUD_ATTEMPT,
    ),
    (
        SimulatedCamera,
        "offline",
        lambda d: d.face_present(),
        DeviceOffline,
        RecommendedAction.RESET,
        DeviceState.OFFLINE,
    ),
    (
        SimulatedCamera,
        "timeout",
        lambda d: d.scan_code(1),
        DeviceTimeout,
        RecommendedAction.RETRY,
        DeviceState.ONLINE,
    ),
    (
        SimulatedCardDispenser,
        "offline",
        lambda d: d.dispense(1),
        DeviceOffline,
        RecommendedAction.RESET,
        DeviceState.OFFLINE,
    ),
    (
        SimulatedCardDispenser,
        "timeout",
        _hand_over_new_card,
        MediaNotTaken,
        RecommendedAction.NONE,
        DeviceState.USER_ERROR,
    ),
    (
        SimulatedCardDispenser,
        "empty",
        lambda d: d.dispense(1),
        DispenserEmpty,
        RecommendedAction.CLEAR,
        DeviceState.ONLINE,
    ),
    (
        SimulatedCardDispenser,
        "jam",
        lambda d: d.dispense(1),
        CardJammed,
        RecommendedAction.CLEAR,
        DeviceState.HARDWARE_ERROR,
    ),
    (
        SimulatedCardDispenser,
        "walk_away",
        _hand_over_new_card,
        MediaNotTaken,
        RecommendedAction.NONE,
        DeviceState.USER_ERROR,
    ),
    (
        SimulatedPrinter,
        "offline",
        lambda d: d.print_receipt(RECEIPT),
        DeviceOffline,
        RecommendedAction.RESET,
        DeviceState.OFFLINE,
    ),
    (
        SimulatedPrinter,
        "paper_out",
        lambda d: d.print_receipt(RECEIPT),
        PaperOut,
        RecommendedAction.CLEAR,
        DeviceState.ONLINE,
    ),
    (
        SimulatedPrinter,
        "jam",
        lambda d: d.print_receipt(RECEIPT),
        PaperJammed,
        RecommendedAction.CLEAR,
        DeviceState.HARDWARE_ERROR,
    ),
]


def test_the_table_covers_every_fault_of_every_simulator():
    covered = {(case[0], case[1]) for case in CASES}
    expected = {(sim, fault) for sim in {case[0] for case in CASES} for fault in sim.FAULTS}
    assert expected == covered


@pytest.mark.parametrize(
    "simulator, fault, operation, error, action, state",
    CASES,
    ids=[f"{c[0].__name__}-{c[1]}" for c in CASES],
)
def test_fault_surfaces_as_typed_error(simulator, fault, operation, error, action, state):
    device = simulator()
    device.inject(fault)
    with pytest.raises(error) as caught:
        operation(device)
    assert caught.value.action is action
    assert caught.value.message_key.startswith("devices.error.")
    status = device.status()
    assert status.state is state
    if state is not DeviceState.ONLINE or action is RecommendedAction.CLEAR:
        assert status.message_key == error.message_key  # the supervisor sees what went wrong
    assert device.armed_faults() == {}  # times=1: fired once, gone


@pytest.mark.parametrize(
    "simulator, fault, operation, error, action, state",
    [c for c in CASES if c[5] in (DeviceState.OFFLINE, DeviceState.HARDWARE_ERROR)],
    ids=lambda v: getattr(v, "__name__", str(v)),
)
def test_a_failed_device_refuses_work_until_reset(
    simulator, fault, operation, error, action, state
):
    device = simulator()
    device.inject(fault)
    with pytest.raises(error):
        operation(device)
    with pytest.raises(error):  # still down: the fault was one-shot but the device is broken
        operation(device)
    device.reset()
    assert device.status().state is DeviceState.ONLINE
    assert device.status().message_key is None


def test_faults_from_config_and_after_skips_chances():
    printer = SimulatedPrinter(faults=[{"fault": "paper_out", "after": 2}])
    printer.print_receipt(RECEIPT)
    printer.print_receipt(RECEIPT)
    with pytest.raises(PaperOut):
        printer.print_receipt(RECEIPT)  # the third receipt runs out half way
    assert [p.complete for p in printer.printed] == [True, True, False]
    assert printer.status().supplies == {"paper": "out"}
    assert not printer.status().usable
    printer.load_paper(500)
    printer.print_receipt(RECEIPT)
    assert printer.status().usable


def test_persistent_fault_keeps_firing_until_cleared():
    script = FaultScript({"jam"}, ["jam"])
    script.inject("jam", times=-1)
    assert all(script.fires("jam") for _ in range(5))
    script.clear()
    assert not script.fires("jam")
    camera = SimulatedCamera(faults=[{"fault": "offline", "times": -1}])
    for _ in range(2):
        with pytest.raises(DeviceOffline):
            camera.face_present()
        camera.reset()
    camera.clear_faults()
    assert camera.face_present() is False


def test_unknown_fault_name_is_refused_loudly():
    with pytest.raises(ValueError, match="unknown fault 'jamm'"):
        SimulatedCardReader(faults=["jamm"])
