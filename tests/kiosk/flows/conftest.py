"""Flows on the core without a screen: the kiosk built by kiosk.app, the embedded sandbox bank
over real HTTP, simulated devices, work run at once (InlineRunner) and time moved by hand."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiosk.app import build_kiosk
from kiosk.config import Config
from kiosk.flows.model import StepError
from kiosk.kiosk import Kiosk
from kiosk.runtime import InlineRunner, ManualClock


class Visit:
    """One customer at the core kiosk: what they answer, and what the kiosk said."""

    def __init__(self, kiosk: Kiosk):
        self.kiosk, self.engine = kiosk, kiosk.engine
        self.devices = kiosk.engine.services.devices
        self.errors: list[StepError] = []
        self.ended: list[tuple[str, str]] = []
        self.stages: list[int] = []
        self.engine.step_failed.connect(self.errors.append)
        self.engine.flow_ended.connect(lambda flow, reason: self.ended.append((flow, reason)))
        self.engine.step_entered.connect(lambda view: self.stages.append(view.stage))

    @property
    def step(self) -> str | None:
        return self.engine.view.step.id if self.engine.view else None

    def answer(self, *answers: object) -> None:
        for value in answers:
            self.engine.submit(value)

    def agrees(self) -> None:
        """Reads the agreement on screen to its end, then agrees."""
        self.engine.body_read()
        self.engine.submit("agree")

    def key_pin(self, pin: str) -> None:
        """On the PIN pad, before the step that waits for it (keys wait for the entry)."""
        for digit in pin:
            self.devices.pin_pad.press(digit)
        self.devices.pin_pad.press("enter")

    @property
    def error_keys(self) -> list[str]:
        return [e.message_key for e in self.errors]


@pytest.fixture
def clock() -> ManualClock:
    """The core kiosk's time: idle time-outs and countdowns move only when a test says."""
    return ManualClock()


@pytest.fixture
def core_kiosk(config: Config, clock: ManualClock) -> Iterator[Kiosk]:
    # the customer takes their ID card back as soon as the kiosk waits for it
    config.devices["id_card_reader"] = {"driver": "simulated", "person": "zhao"}
    built = build_kiosk(config, InlineRunner(), clock)
    yield built
    built.close()


@pytest.fixture
def visit(core_kiosk: Kiosk) -> Visit:
    return Visit(core_kiosk)
