"""The composition root of the core: config in, a ready Kiosk out.

The one place that constructs the backend client (or starts the embedded sandbox), the
devices, the journal and the flow engine. ui/app.py builds the Qt side on top of it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, cast

from hardware.health import HealthMonitor
from hardware.registry import DeviceConfigError, build_devices
from kiosk.backend.client import CoreBankingClient, new_idempotency_key
from kiosk.backend.errors import BackendError
from kiosk.backend.models import DeviceStatus as HeartbeatDevice
from kiosk.config import Config, ConfigError
from kiosk.figures_store import FiguresStore
from kiosk.flows import flow_registry
from kiosk.flows.engine import FlowEngine, Timeouts
from kiosk.flows.fallback_tickets import sync_fallback_tickets
from kiosk.flows.registry import FlowRegistry
from kiosk.i18n import Catalog
from kiosk.journal import Journal, JournalHead, Reconciliation, reconcile
from kiosk.journal.keys import key_store_from
from kiosk.journal.startup import JournalTrouble, open_journal
from kiosk.kiosk import Kiosk
from kiosk.metrics import Figures
from kiosk.runtime import Runner, Scheduler
from kiosk.services import Services

if TYPE_CHECKING:  # a real terminal never loads the sandbox
    from kiosk.sandbox.server import SandboxServer

log = logging.getLogger(__name__)


def timeouts_from(config: Config) -> Timeouts:
    t = config.timeouts
    return Timeouts(
        idle_s=t.idle_s,
        answer_s=t.answer_s,
        max_extensions=t.max_extensions,
        result_s=t.result_s,
        care_factor=t.care_factor,
    )


def connect_backend(config: Config) -> tuple[CoreBankingClient, SandboxServer | None]:
    """The bank's service when configured, else the embedded sandbox on loopback.

    Returns (client, sandbox or None); the caller stops the sandbox at exit.
    """
    b = config.backend
    sandbox = None
    url, token = b.url, b.kiosk_token
    if not url:
        from kiosk.sandbox import start_sandbox

        database_url = config.sandbox.database_url or (
            f"sqlite:///{config.data_dir / 'sandbox.sqlite'}"
        )
        config.data_dir.mkdir(parents=True, exist_ok=True)
        sandbox = start_sandbox(
            port=config.sandbox.port,
            database_url=database_url,
            pin_key=bytes.fromhex(config.sandbox.pin_key),
            kiosk_token=b.kiosk_token,
        )
        url = sandbox.url
        token = sandbox.token_for(config.kiosk.id)  # the sandbox binds tokens to kiosk ids
        log.info("no backend configured: embedded sandbox at %s", url)
    cert = (b.client_cert, b.client_key) if b.client_cert else None
    client = CoreBankingClient(
        url,
        config.kiosk.id,
        token,
        timeout=b.timeout_s,
        ca_bundle=b.ca_bundle or None,
        client_cert=cert,
    )
    return client, sandbox


def device_config(config: Config) -> dict[str, dict[str, object]]:
    """Device tables as hardware/ takes them; the simulated PIN pad shares the sandbox key."""
    devices = {name: dict(options) for name, options in config.devices.items()}
    pin_pad = devices.setdefault("pin_pad", {"driver": "simulated"})
    if pin_pad.get("driver", "simulated") == "simulated" and not config.backend.url:
        pin_pad.setdefault("pin_key", config.sandbox.pin_key)
    return devices


def build_kiosk(
    config: Config, runner: Runner, scheduler: Scheduler, flows: FlowRegistry | None = None
) -> Kiosk:
    """`flows`: the kiosk's flows (all of them when None); a flow that fails its check raises
    FlowError before anything is started."""
    flows = flows if flows is not None else flow_registry()
    catalog = Catalog(config.kiosk.default_language)
    try:  # before anything starts (the sandbox, the journal), so nothing is left running
        devices = build_devices(device_config(config))
    except DeviceConfigError as exc:
        raise ConfigError(str(exc)) from exc
    client, sandbox = connect_backend(config)
    journal, trouble = open_journal(
        config.journal_path, key_store_from(config.journal.key_store, config.journal_key_path)
    )
    config.data_dir.mkdir(parents=True, exist_ok=True)
    figures = Figures(FiguresStore(config.data_dir / "figures.sqlite"))  # beside the journal
    services = Services(
        config=config,
        figures=figures,
        backend=client,
        devices=devices,
        # an UnwritableJournal stands in for the journal with the same calls, refusing writes
        journal=cast(Journal, journal),
    )
    engine = FlowEngine(flows, services, runner, scheduler, timeouts_from(config), figures)
    figures.watch(engine)
    kiosk = Kiosk(config, catalog, engine)
    if trouble is not None:
        kiosk.take_out_of_service(trouble)
    kiosk.add_closer(services.devices.close)
    kiosk.add_closer(client.close)
    kiosk.add_closer(services.journal.close)
    kiosk.add_closer(figures.store.close)
    kiosk.sandbox = sandbox  # demos and tests reach the sandbox's fault hooks through it
    if sandbox is not None:
        kiosk.add_closer(sandbox.stop)
    if config.monitoring.enabled:
        _serve_metrics(kiosk)
    _start_background_work(kiosk, services, runner, scheduler)
    log.info("kiosk %s of branch %s ready", config.kiosk.id, config.kiosk.branch)
    return kiosk


def _serve_metrics(kiosk: Kiosk) -> None:
    """Prometheus metrics; a kiosk whose port is taken still serves customers."""
    from kiosk.metrics_exporter import MetricsExporter  # prometheus_client only when enabled

    exporter = MetricsExporter(kiosk)
    try:
        exporter.start()
    except OSError as exc:
        log.error("metrics not served on %s: %s", kiosk.config.monitoring.address, exc)
        return
    kiosk.metrics = exporter
    kiosk.add_closer(exporter.stop, first=True)


def _start_background_work(
    kiosk: Kiosk, services: Services, runner: Runner, scheduler: Scheduler
) -> None:
    """Settling what a crash left open, watching the devices, and the heartbeat."""
    journal, client = services.journal, services.backend

    def settled(outcome: tuple[JournalTrouble | None, list[Reconciliation]]) -> None:
        behind, results = outcome
        if behind is not None:
            kiosk.take_out_of_service(behind)
        for result in results:
            log.info(
                "journal: %s %s settled as %s",
                result.intent.operation,
                result.intent.idempotency_key,
                result.outcome,
            )

    def settle() -> tuple[JournalTrouble | None, list[Reconciliation]]:
        # the anchor is checked before this start sends a head of its own
        behind = None if kiosk.journal_trouble else _check_anchor(journal, client)
        client.journal_head = lambda: str(head) if (head := journal.head()) else None
        results = reconcile(journal, client)
        sync_fallback_tickets(journal, client)  # tickets printed while the bank was away
        return behind, results

    runner.run(settle, settled, lambda exc: log.error("journal reconciliation failed: %s", exc))

    monitor = HealthMonitor(
        services.devices.all(),
        interval_s=2.0,
        on_change=lambda status: runner.post(lambda: kiosk.device_changed.emit(status)),
    )
    monitor.start()
    kiosk.health = monitor
    kiosk.add_closer(monitor.stop, first=True)

    def beat() -> None:
        # a heartbeat before the start-up anchor check carries no journal head
        devices = [
            HeartbeatDevice(s.device, str(s.state), dict(s.supplies))
            for s in monitor.snapshot().values()
        ]
        state = "in_service" if kiosk.in_service else "out_of_service"

        def send() -> None:
            figures = services.figures
            day = figures.today
            try:  # the share of the counters' business waits; the heartbeat does not
                branch = services.config.kiosk.branch
                figures.store.counter_tickets(
                    day, client.count_counter_tickets(branch, day.isoformat())
                )
            except BackendError as exc:
                log.warning("counter tickets not known: %s", exc)
            client.send_heartbeat(state, devices, figures.snapshot())
            sync_fallback_tickets(journal, client)  # the line is back: hand over what waited

        def not_delivered(exc: Exception) -> None:
            log.warning("heartbeat not delivered: %s", exc)
            next_beat()

        runner.run(send, lambda _none: next_beat(), not_delivered)

    def next_beat() -> None:
        # counted from the end of the last one, so a slow bank never has two in flight: beats
        # piling up on the workers would keep a customer's bank call waiting behind them
        if not closed:
            kiosk.heartbeat_timer = scheduler.call_later(services.config.backend.heartbeat_s, beat)

    closed: list[bool] = []  # no beat is sent after the kiosk has closed
    kiosk.add_closer(lambda: closed.append(True))
    kiosk.heartbeat_timer = scheduler.call_later(1.0, beat)

    def call_staff(reason: str) -> None:
        runner.run(
            lambda: client.call_staff(
                reason, kiosk.language, idempotency_key=new_idempotency_key()
            ),
            lambda call: log.info("staff call %s queued", call.reference),
            lambda exc: (
                log.error("staff call not delivered: %s", exc)
                if isinstance(exc, BackendError)
                else log.error("staff call broke: %r", exc, exc_info=exc)
            ),
        )

    kiosk.staff_called.connect(call_staff)


def _check_anchor(journal: Journal, client: CoreBankingClient) -> JournalTrouble | None:
    """Does the journal still reach the head the bank holds? A journal restored from an old
    copy or cut short behind the bank's back does not, even with every MAC right."""
    try:
        held = client.get_journal_head()
    except BackendError as exc:
        log.warning("journal anchor not checked (bank unreachable: %s)", type(exc).__name__)
        return None
    if held is None:
        return None
    report = journal.verify(JournalHead.parse(held), since_checkpoint=True)
    if report.ok:
        log.info("journal reaches the head the bank holds (%s)", held.split(":")[0])
        return None
    problem = f"entry {report.first_bad_seq}: {report.problems[0]}"
    log.error("journal does not reach the bank's head: %s; out of service", problem)
    return JournalTrouble("journal.damaged", problem)
