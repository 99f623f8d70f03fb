"""Demo customers walked through the four flows on the core kiosk (real engine, embedded
sandbox bank over HTTP, simulators), and a record of every chance a simulator's fault had to
fire, at which step: the map the device fault matrix is drawn from."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from kiosk.app import build_kiosk
from kiosk.config import Config
from kiosk.flows.model import StepError, StepKind
from kiosk.i18n import Catalog
from kiosk.kiosk import Kiosk
from kiosk.runtime import InlineRunner, ManualClock
from kiosk.sandbox.seed import STAFF_CARD_PINS
from tests.sandbox_bank import open_account_without_card

WANG_PIN, NEW_PIN, STAFF = "147258", "802413", "800102"
CLEANUP = "cleanup"  # the "step" a flow's clean-up runs in, after the customer left
MAX_ANSWERS = 40


def _keys(kiosk: Kiosk, pin: str, times: int = 1) -> None:
    """PIN pad keys pressed ahead of the steps that wait for them (the work runs inline)."""
    for _ in range(times):
        for key in [*pin, "enter"]:
            kiosk.engine.services.devices.pin_pad.press(key)


def _card(kiosk: Kiosk) -> None:
    kiosk.engine.services.devices.card_reader.insert("wang")
    _keys(kiosk, WANG_PIN)


def _new_pin(kiosk: Kiosk) -> None:
    kiosk.engine.services.devices.camera.set_face(True)
    _keys(kiosk, NEW_PIN, 2)


def _with_staff(kiosk: Kiosk) -> None:
    _new_pin(kiosk)
    kiosk.engine.services.devices.card_reader.insert_staff_card(STAFF)
    _keys(kiosk, STAFF_CARD_PINS[STAFF])


@dataclass(frozen=True)
class Scenario:
    """A demo customer's whole visit: what the kiosk is given, what the customer answers (a
    choice step not named takes its first choice), and where the customer walks off, if
    anywhere (the flow's clean-up then runs with what is still in the machine)."""

    name: str
    flow: str
    prepare: Callable[[Kiosk], None]
    answers: Mapping[str, str] = field(default_factory=dict)
    id_card: str | None = None  # who the ID card reader holds (taken back when asked for)
    leave_at: str | None = None


SCENARIOS = {
    s.name: s
    for s in (
        Scenario(
            "pay_typed",
            "bill_payment",
            _card,
            {"biller": "water", "bill_source": "keypad", "bill_number": "1001234567"},
        ),
        Scenario(
            "pay_scanned",
            "bill_payment",
            lambda k: (
                _card(k),
                k.engine.services.devices.camera.show_code("BILL:water:1001234567"),
            ),
            {"biller": "water", "bill_source": "scan"},
        ),
        Scenario("pay_left", "bill_payment", _card, leave_at="biller"),
        Scenario(
            "open_class_ii",
            "account_opening",
            _new_pin,
            {
                "product": "standard_debit",
                "account_class": "II",
                "phone": "13500135000",
                "otp": "246810",
                "opened": "done",
            },
            id_card="zhao",
        ),
        Scenario(
            "open_class_i_staff",
            "account_opening",
            _with_staff,
            {
                "product": "standard_debit",
                "account_class": "I",
                "phone": "13500135000",
                "otp": "246810",
                "opened": "done",
            },
            id_card="zhao",
        ),
        Scenario(
            "card",
            "card_issue",
            lambda k: (open_account_without_card(k.engine.services.backend), _new_pin(k)),
            {"card_type": "standard_debit"},
            id_card="zhao",
        ),
        Scenario(
            "check_in_qr",
            "appointment_checkin",
            lambda k: k.engine.services.devices.camera.show_code("APPT:APT-7F3K9Q"),
            {"method": "qr"},
        ),
        Scenario(
            "check_in_id_card",
            "appointment_checkin",
            lambda k: None,
            {"method": "id_card"},
            id_card="wang",
        ),
    )
}


@dataclass(frozen=True)
class Chance:
    """A simulator asked its fault script whether `fault` fires now, during `step`."""

    step: str
    device: str
    fault: str
    fired: bool


@dataclass(frozen=True)
class Cell:
    scenario: str
    step: str
    device: str
    fault: str

    @property
    def id(self) -> str:
        return f"{self.scenario}-{self.step}-{self.device}-{self.fault}"


class Visit:
    """One scenario on a kiosk of its own: what was entered, shown, asked of staff, and every
    chance a fault had. With `cell`, its fault is armed as the cell's step begins (or, for the
    clean-up, as the customer walks off)."""

    def __init__(self, kiosk: Kiosk, scenario: Scenario, cell: Cell | None = None):
        self.kiosk, self.scenario, self.cell = kiosk, scenario, cell
        self.engine = engine = kiosk.engine
        self.devices = engine.services.devices
        self.entered: list[str] = []
        self.failures: list[StepError] = []
        self.failure_steps: list[str] = []  # the flow's own failure ends (session.failure set)
        self.staff: list[str] = []
        self.ended: list[str] = []
        self.chances: list[Chance] = []
        self.sessions: list[Any] = []
        self.told: list[tuple[str, str]] = []  # after the fault fired: (what, message key)
        self._armed = self._fired = False
        engine.step_entered.connect(self._entered)
        engine.flow_started.connect(lambda _flow, session: self.sessions.append(session))
        engine.step_failed.connect(self._failed)
        engine.flow_ended.connect(lambda _flow, reason: self.ended.append(reason))
        kiosk.staff_called.connect(self._staff_called)
        for device in self.devices.all():
            self._watch(device)

    @property
    def step(self) -> str:
        view = self.engine.view
        return view.step.id if view is not None else CLEANUP

    def _watch(self, device: Any) -> None:
        script = device._script  # the simulator's own fault script, spied on
        fires = script.fires

        def spy(fault: str) -> bool:
            fired = fires(fault)
            self.chances.append(Chance(self.step, device.name, fault, fired))
            self._fired = self._fired or fired
            return fired

        script.fires = spy

    def _tell(self, what: str, key: str) -> None:
        if self._fired:
            self.told.append((what, key))

    def _failed(self, error: StepError) -> None:
        self.failures.append(error)
        self._tell("failure", error.message_key)

    def _staff_called(self, reason: str) -> None:
        self.staff.append(str(reason))
        self._tell("staff", "ui.staff.called")  # the overlay every staff call shows

    @contextmanager
    def listening(self) -> Iterator[None]:
        """Notes every message the kiosk puts into words (a result's notes, a failure's
        reason, a receipt's lines) while the visit runs."""
        text = Catalog.text

        def said(catalog: Catalog, key: str, **params: object) -> str:
            self._tell("words", key)
            return text(catalog, key, **params)

        Catalog.text = said  # type: ignore[method-assign]
        try:
            yield
        finally:
            Catalog.text = text  # type: ignore[method-assign]

    def _entered(self, view: Any) -> None:
        self.entered.append(view.step.id)
        self._tell("step", view.step.title)
        session = self.engine.session
        if session is not None and session.failure is not None:
            self.failure_steps.append(view.step.id)
        if self.cell is not None and self.cell.step == view.step.id:
            self._arm()

    def _arm(self) -> None:
        if not self._armed and self.cell is not None:
            self._armed = True
            getattr(self.devices, self.cell.device).inject(self.cell.fault)

    def prepare(self) -> None:
        """What the customer brings and the bank holds before the visit."""
        self.scenario.prepare(self.kiosk)

    def walk(self) -> None:
        """The whole visit: begin, answer every step; after a failure is shown, or where the
        scenario says, the customer walks off."""
        self.kiosk.begin(self.scenario.flow)
        for _ in range(MAX_ANSWERS):
            if not self.engine.active:
                return
            view = self.engine.view
            if self.failures or view is None or view.step.kind is StepKind.DEVICE:
                break  # a failure shown (or a device step that stopped): the customer leaves
            if view.step.id == self.scenario.leave_at:
                if self.cell is not None and self.cell.step == CLEANUP:
                    self._arm()
                break
            if view.step.body:
                self.engine.body_read()  # the customer reads the agreement to its end
            answer = self.scenario.answers.get(view.step.id)
            if answer is None and view.choices:
                answer = view.choices[0].id
            self.engine.submit(answer) if answer is not None else self.engine.submit()
        self.engine.cancel()

    def fired(self) -> list[Chance]:
        return [c for c in self.chances if c.fired]


@contextmanager
def kiosk_for(scenario: Scenario, data_dir: str | None = None) -> Iterator[Kiosk]:
    """A fresh kiosk (its own data directory, sandbox and simulators) for `scenario`."""
    with tempfile.TemporaryDirectory(prefix="fault-matrix-") as scratch:
        config = Config()
        config.kiosk.data_dir = data_dir or scratch
        if scenario.id_card:
            config.devices["id_card_reader"] = {"driver": "simulated", "person": scenario.id_card}
        kiosk = build_kiosk(config, InlineRunner(), ManualClock())
        try:
            yield kiosk
        finally:
            kiosk.close()


def chances_of(scenario: Scenario) -> list[Chance]:
    """Every fault chance the scenario's clean visit gives, in order."""
    with kiosk_for(scenario) as kiosk:
        visit = Visit(kiosk, scenario)
        visit.prepare()
        visit.walk()
        return visit.chances


def cells() -> list[Cell]:
    """The matrix: every (step, device, fault) a scenario's visit gave a chance to, once (the
    first scenario that reaches a step of a flow owns its cells)."""
    seen: set[tuple[str, str, str, str]] = set()
    found = []
    for scenario in SCENARIOS.values():
        for chance in chances_of(scenario):
            where = (scenario.flow, chance.step, chance.device, chance.fault)
            if where not in seen:
                seen.add(where)
                found.append(Cell(scenario.name, chance.step, chance.device, chance.fault))
    return found
