"""The kiosk as the customer meets it, without any screen: language, care mode, which services
are offered, starting a visit, calling staff. ui/ and voice/ drive it and listen to it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.config import Config
from kiosk.events import Event
from kiosk.flows.engine import FlowEngine
from kiosk.flows.model import Home
from kiosk.flows.registry import home_flows
from kiosk.i18n import Catalog
from kiosk.runtime import Cancellable
from kiosk.services import Services
from kiosk.session import CustomerSession

if TYPE_CHECKING:
    from hardware.health import HealthMonitor
    from hardware.status import DeviceStatus
    from kiosk.flows.model import StepView
    from kiosk.journal.startup import JournalTrouble
    from kiosk.metrics_exporter import MetricsExporter
    from kiosk.sandbox.server import SandboxServer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Service:
    flow_id: str
    available: bool
    home: Home  # its tile and what customers call it


class Kiosk:
    def __init__(self, config: Config, catalog: Catalog, engine: FlowEngine):
        self.config = config
        self.catalog = catalog
        self.engine = engine
        self.care_mode = config.ui.care_mode
        self.language_changed: Event[str] = Event("language_changed")
        self.care_mode_changed: Event[bool] = Event("care_mode_changed")
        # (reason, as the bank's staff-call reasons)
        self.staff_called: Event[str] = Event("staff_called")
        self.visit_ended: Event[str] = Event("visit_ended")  # (reason): back to the attract screen
        self.device_changed: Event[DeviceStatus] = Event("device_changed")
        self.in_service = True  # staff take the kiosk out of service from the supervisor screen
        self.service_changed: Event[bool] = Event("service_changed")  # (in_service)
        self.journal_trouble: JournalTrouble | None = None  # shown to staff
        self.health: HealthMonitor | None = None  # once the devices are watched
        self.heartbeat_timer: Cancellable | None = None
        self.sandbox: SandboxServer | None = None  # when no backend is configured
        self.metrics: MetricsExporter | None = None  # when [monitoring] is enabled
        self._closers: list[Callable[[], object]] = []
        engine.flow_ended.connect(self._flow_ended)
        engine.step_entered.connect(self._follow_session_care_mode)
        engine.staff_needed.connect(self.call_staff)

    @property
    def language(self) -> str:
        return self.catalog.language

    @property
    def languages(self) -> list[str]:
        return list(self.config.kiosk.languages)

    def services(self) -> list[Service]:
        """The home screen's services in the order of their tiles, each offered only when its
        flow can run now."""
        return [
            Service(flow.id, self.engine.available(flow.id), flow.home)
            for flow in home_flows(self.engine.flows.values())
            if flow.home is not None
        ]

    def left_in_readers(self) -> list[str]:
        """Cards an earlier visit left in a reader: no visit starts until they are taken."""
        services: Services | None = self.engine.services
        return services.left_behind.in_readers() if services else []  # a bare test engine

    def begin(self, flow_id: str) -> None:
        """A customer chose a service: a new session starts, holding nothing yet."""
        if self.left_in_readers():
            log.warning("no new visit: %s still in a reader", ", ".join(self.left_in_readers()))
            return
        session = CustomerSession(self.language, self.care_mode)
        self.engine.start(flow_id, session)

    def set_language(self, language: str) -> None:
        if language not in self.languages:
            raise ValueError(f"language {language!r} is not offered at this kiosk")
        self.catalog.set_language(language)
        if self.engine.session is not None:
            self.engine.session.language = language
        self.language_changed.emit(language)

    def set_care_mode(self, on: bool) -> None:
        self.care_mode = on
        if self.engine.session is not None:
            self.engine.session.care_mode = on
        log.info("care mode %s", "on" if on else "off")
        self.care_mode_changed.emit(on)

    def where(self) -> str:
        """Where the customer is, for staff: `flow/step`, or `home`."""
        flow, view = self.engine.flow, self.engine.view
        if flow is None or view is None:
            return "home"
        return f"{flow.id}/{view.step.id}"

    def call_staff(self, reason: str | None = None) -> None:
        """Staff to the kiosk: asked by the customer (no reason given), or by a flow when only
        staff can help (a jammed card)."""
        reason = reason or ("care_mode" if self.care_mode else "customer_help")
        log.warning("staff called to %s (%s)", self.where(), reason)
        self.staff_called.emit(reason)

    def take_out_of_service(self, trouble: JournalTrouble) -> None:
        """The journal cannot be trusted or written: no customer is served until staff have
        looked (the supervisor screen shows `journal_trouble`)."""
        self.journal_trouble = trouble
        self.set_in_service(False)

    def set_in_service(self, on: bool) -> None:
        self.in_service = on
        self.service_changed.emit(on)

    def reset(self) -> None:
        """Back to how the next customer should find the machine."""
        if self.engine.active:  # at once: the clean-up secures what is still in a reader
            self.engine.end("cancelled")
        if self.language != self.config.kiosk.default_language:
            self.set_language(self.config.kiosk.default_language)
        if self.care_mode != self.config.ui.care_mode:
            self.set_care_mode(self.config.ui.care_mode)

    def add_closer(self, close: Callable[[], object], first: bool = False) -> None:
        """Something to release at exit (devices, sandbox, journal), in the order added."""
        self._closers.insert(0, close) if first else self._closers.append(close)

    def close(self) -> None:
        if self.heartbeat_timer is not None:
            self.heartbeat_timer.cancel()
        for close in self._closers:
            try:
                close()
            except Exception:
                log.exception("could not close %s", close)
        self._closers = []

    def _follow_session_care_mode(self, _view: StepView) -> None:
        """A flow may switch care mode for its customer (a senior accepting the offer): the
        kiosk follows when the next step is entered, on the UI thread."""
        session = self.engine.session
        if session is not None and session.care_mode != self.care_mode:
            self.set_care_mode(session.care_mode)

    def _flow_ended(self, flow_id: str, reason: str) -> None:
        if reason != "chained":
            self.visit_ended.emit(reason)
