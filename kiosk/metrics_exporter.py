"""Prometheus metrics for the bank's fleet monitoring (prometheus_client): device state,
supplies, visit outcomes and handling times, backend call latency and errors, open journal
entries, in or out of service, build info. Off unless `[monitoring] enabled`; on loopback
unless the bank gives another address. Every series carries the kiosk and branch ids, and
otherwise only names of devices, supplies, flows and operations: never customer data.

deploy/monitoring/ holds the alert rules and the Grafana dashboard that read these names.
"""

from __future__ import annotations

import logging
import platform
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, Counter, Histogram, Info, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from kiosk.kiosk import Kiosk

log = logging.getLogger(__name__)

HANDLING_BUCKETS_S = (30, 60, 90, 120, 180, 240, 300, 600, float("inf"))
CALL_BUCKETS_S = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, float("inf"))
# a level a device reports in words, as a number an alert can compare
SUPPLY_LEVELS = {"out": 0, "low": 1, "ok": 2}
# every metric the kiosk exports; the dashboard test checks its queries against these
METRIC_NAMES = (
    "kiosk_build_info",
    "kiosk_in_service",
    "kiosk_device_up",
    "kiosk_supply_count",
    "kiosk_supply_level",
    "kiosk_journal_open_entries",
    "kiosk_visits_total",
    "kiosk_handling_seconds",
    "kiosk_backend_call_seconds",
    "kiosk_backend_errors_total",
)


def _build_version() -> str:
    try:
        return version("smart-teller-kiosk")
    except PackageNotFoundError:
        return "unknown"


class _KioskState(Collector):
    """What is read at scrape time: devices, supplies, the journal, in or out of service."""

    def __init__(self, kiosk: Kiosk, labels: dict[str, str]) -> None:
        self.kiosk, self.labels = kiosk, labels

    def _family(self, name: str, doc: str, extra: tuple[str, ...] = ()) -> GaugeMetricFamily:
        return GaugeMetricFamily(name, doc, labels=[*self.labels, *extra])

    def collect(self) -> Iterator[GaugeMetricFamily]:
        ids = list(self.labels.values())
        services = self.kiosk.engine.services
        in_service = self._family("kiosk_in_service", "1 while customers may use the kiosk")
        in_service.add_metric(ids, 1.0 if self.kiosk.in_service else 0.0)
        up = self._family("kiosk_device_up", "1 while the device is online", ("device",))
        count = self._family(
            "kiosk_supply_count", "supplies counted (cards left ...)", ("device", "supply")
        )
        level = self._family(
            "kiosk_supply_level", "supply level: 2 ok, 1 low, 0 out", ("device", "supply")
        )
        for device in services.devices.all():
            status = device.status()
            up.add_metric([*ids, status.device], 1.0 if str(status.state) == "online" else 0.0)
            for supply, value in status.supplies.items():
                if isinstance(value, int):
                    count.add_metric([*ids, status.device, supply], float(value))
                elif value in SUPPLY_LEVELS:
                    level.add_metric([*ids, status.device, supply], SUPPLY_LEVELS[value])
        journal = self._family(
            "kiosk_journal_open_entries", "journal entries the bank has not settled yet"
        )
        journal.add_metric(ids, float(len(services.journal.open_intents())))
        yield from (in_service, up, count, level, journal)


class MetricsExporter:
    def __init__(self, kiosk: Kiosk) -> None:
        config = kiosk.config
        self.settings = config.monitoring
        self.labels = {"kiosk": config.kiosk.id, "branch": config.kiosk.branch}
        names = list(self.labels)
        self.registry = CollectorRegistry()
        info = Info("kiosk_build", "the kiosk software", names, registry=self.registry)
        info.labels(**self.labels).info(
            {"version": _build_version(), "python": platform.python_version()}
        )
        self.visits = Counter(
            "kiosk_visits", "visits by how they ended", [*names, "flow", "outcome"],
            registry=self.registry,
        )  # fmt: skip
        self.handling = Histogram(
            "kiosk_handling_seconds", "handling time of a visit", [*names, "flow", "outcome"],
            buckets=HANDLING_BUCKETS_S, registry=self.registry,
        )  # fmt: skip
        self.calls = Histogram(
            "kiosk_backend_call_seconds", "time of a call to the bank", [*names, "operation"],
            buckets=CALL_BUCKETS_S, registry=self.registry,
        )  # fmt: skip
        self.errors = Counter(
            "kiosk_backend_errors", "calls to the bank that failed or were declined",
            [*names, "operation", "kind"], registry=self.registry,
        )  # fmt: skip
        self.registry.register(_KioskState(kiosk, self.labels))
        services = kiosk.engine.services
        services.figures.visit_ended.connect(self._visit_ended)
        services.backend.call_done.connect(self._call_done)
        self._server: WSGIServer | None = None
        self.port: int | None = None  # where /metrics is served, once started

    def _visit_ended(self, flow: str, outcome: str, seconds: float) -> None:
        self.visits.labels(**self.labels, flow=flow, outcome=outcome).inc()
        self.handling.labels(**self.labels, flow=flow, outcome=outcome).observe(seconds)

    def _call_done(self, operation: str, seconds: float, error: str | None) -> None:
        self.calls.labels(**self.labels, operation=operation).observe(seconds)
        if error is not None:
            self.errors.labels(**self.labels, operation=operation, kind=error).inc()

    def start(self) -> int:
        """Serves /metrics on a thread of its own; returns the port (0 in config: any free)."""
        server, _thread = start_http_server(
            self.settings.port, self.settings.address, registry=self.registry
        )
        self._server = server
        self.port = port = int(server.server_port)
        log.info("metrics at http://%s:%d/metrics", self.settings.address, port)
        return port

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
