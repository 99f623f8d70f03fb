"""The kiosk's Prometheus metrics on the core kiosk (no screen): off unless the bank turns
them on, a kiosk whose metrics port is taken still serves customers, what is scraped follows
the kiosk (out of service, journal entries the bank has not settled, failed calls by kind),
and a closed kiosk lets go of the port. Real HTTP scrapes, the sandbox bank, simulated
devices."""

from __future__ import annotations

import logging
import socket

import pytest
import requests

from kiosk.app import build_kiosk
from kiosk.backend import Declined
from kiosk.runtime import InlineRunner, ManualClock


def scrape(kiosk) -> str:
    return requests.get(f"http://127.0.0.1:{kiosk.metrics.port}/metrics", timeout=5).text


def value(text: str, name: str, **labels: str) -> float:
    """The value of the one sample of `name` whose labels include `labels`."""
    found = [
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items())
    ]
    assert len(found) == 1, f"{name} {labels}: {found}"
    return found[0]


@pytest.fixture
def monitored(config):
    config.monitoring.enabled = True
    config.monitoring.port = 0  # any free port
    kiosks = []

    def make():
        kiosk = build_kiosk(config, InlineRunner(), ManualClock())
        kiosks.append(kiosk)
        return kiosk

    yield make
    for kiosk in kiosks:
        kiosk.close()


def test_metrics_are_off_unless_the_bank_turns_them_on(config):
    kiosk = build_kiosk(config, InlineRunner(), ManualClock())
    try:
        assert kiosk.metrics is None
    finally:
        kiosk.close()


def test_what_is_scraped_follows_the_kiosk(monitored):
    kiosk = monitored()
    assert value(scrape(kiosk), "kiosk_in_service") == 1.0
    kiosk.set_in_service(False)
    text = scrape(kiosk)
    assert value(text, "kiosk_in_service") == 0.0
    assert value(text, "kiosk_journal_open_entries") == 0.0
    kiosk.engine.services.journal.record_intent("bill_payment", "pay", "pay_bill", "key-1", {})
    assert value(scrape(kiosk), "kiosk_journal_open_entries") == 1.0


def test_a_failed_call_is_counted_by_operation_and_kind(monitored):
    kiosk = monitored()
    with pytest.raises(Declined):
        kiosk.engine.services.backend.look_up_bill("water", "1000000000")  # no such bill
    text = scrape(kiosk)
    assert value(text, "kiosk_backend_errors_total", operation="lookUpBill", kind="Declined") == 1
    assert value(text, "kiosk_backend_call_seconds_count", operation="lookUpBill") == 1


def test_a_taken_port_leaves_the_kiosk_serving_without_metrics(monitored, config, caplog):
    caplog.set_level(logging.ERROR)
    with socket.create_server(("127.0.0.1", 0)) as taken:
        config.monitoring.port = taken.getsockname()[1]
        kiosk = monitored()
        assert kiosk.metrics is None and kiosk.in_service
        assert "metrics not served" in caplog.text


def test_a_closed_kiosk_lets_go_of_its_metrics_port(config):
    config.monitoring.enabled, config.monitoring.port = True, 0
    kiosk = build_kiosk(config, InlineRunner(), ManualClock())
    port = kiosk.metrics.port
    kiosk.close()
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass
