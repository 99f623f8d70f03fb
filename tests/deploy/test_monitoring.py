"""Fleet monitoring as the bank runs it: the kiosk's Prometheus metrics, the shipped alert rules
under promtool, the Grafana dashboard's queries, and a real Prometheus scraping two kiosks."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from hardware.ports import Receipt, ReceiptLine
from kiosk.app import build_kiosk
from kiosk.config import Config
from kiosk.metrics_exporter import METRIC_NAMES
from kiosk.runtime import InlineRunner, ManualClock

MONITORING = Path(__file__).resolve().parents[2] / "deploy" / "monitoring"
RULES = MONITORING / "prometheus" / "alerts.yml"
DASHBOARD = MONITORING / "grafana" / "smart-teller-kiosks.json"
# the kiosk's names, as they show in PromQL (histograms and counters grow suffixes)
SUFFIXES = ("_bucket", "_sum", "_count", "_total", "_created")


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed (scripts/setup installs Debian's prometheus)")
    return path


@pytest.fixture
def make_kiosk(tmp_path):
    """Whole kiosks (sandbox bank, simulated devices) with their metrics on a free loopback
    port; `make(number, **devices)`."""
    made = []

    def make(number: str, **devices: dict) -> Any:
        config = Config()
        config.kiosk.id = f"STM-0101-{number}"
        config.kiosk.data_dir = str(tmp_path / number)
        config.monitoring.enabled = True
        config.monitoring.port = 0  # any free port; the test reads it back
        config.devices.update({n: {"driver": "simulated", **t} for n, t in devices.items()})
        kiosk = build_kiosk(config, InlineRunner(), ManualClock())
        made.append(kiosk)
        return kiosk

    yield make
    for kiosk in made:
        kiosk.close()


def scrape(kiosk) -> str:
    port = kiosk.metrics.port
    return requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text


def exported_names(text: str) -> set[str]:
    return {line.split()[2] for line in text.splitlines() if line.startswith("# TYPE ")}


def test_the_kiosk_exports_its_state_with_kiosk_and_branch_labels_only(make_kiosk):
    kiosk = make_kiosk("01")
    kiosk.engine.services.backend.find_offer("C1001")  # one call to the bank, timed
    figures = kiosk.engine.services.figures  # one visit, as the engine reports it
    figures.flow_started("guide")
    figures.flow_ended("guide", "completed")
    text = scrape(kiosk)
    assert exported_names(text) >= set(METRIC_NAMES)
    assert 'kiosk_in_service{branch="0101",kiosk="STM-0101-01"} 1.0' in text
    assert 'kiosk_device_up{branch="0101",device="printer",kiosk="STM-0101-01"} 1.0' in text
    paper = 'device="printer",kiosk="STM-0101-01",supply="paper"'
    assert f'kiosk_supply_level{{branch="0101",{paper}}} 2.0' in text
    visits = 'flow="guide",kiosk="STM-0101-01",outcome="completed"'
    assert f'kiosk_visits_total{{branch="0101",{visits}}} 1.0' in text
    assert f'kiosk_handling_seconds_count{{branch="0101",{visits}}} 1.0' in text
    assert re.search(r'kiosk_backend_call_seconds_count\{.*operation="findOffer".*\} 1\.0', text)
    label_names = set(re.findall(r"[{,](\w+)=", text))
    assert label_names <= {
        "kiosk", "branch", "device", "supply", "flow", "outcome", "operation", "kind", "le",
        "version", "python",
    }  # fmt: skip


def test_the_alert_rules_pass_their_promtool_unit_tests():
    promtool = _tool("promtool")
    checked = subprocess.run(
        [promtool, "check", "rules", str(RULES)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = subprocess.run(
        [promtool, "test", "rules", "alerts_test.yml"],
        cwd=RULES.parent,
        capture_output=True,
        text=True,
    )
    assert tested.returncode == 0, tested.stdout + tested.stderr
    # every alert the bank is promised is exercised, firing, by the unit tests
    alerts = {r["alert"] for g in yaml.safe_load(RULES.read_text())["groups"] for r in g["rules"]}
    assert alerts == {
        "KioskPaperLow", "KioskCardsLow", "KioskDeviceOffline", "KioskJournalEntriesOpen",
        "KioskDown",
    }  # fmt: skip
    cases = yaml.safe_load((RULES.parent / "alerts_test.yml").read_text())["tests"][0]
    fired = {c["alertname"] for c in cases["alert_rule_test"] if c["exp_alerts"]}
    assert fired == alerts


def _names_in(expr: str) -> set[str]:
    """Metric names a PromQL expression reads (kiosk_* and the scrape's own `up`)."""
    names = set(re.findall(r"\bkiosk_[a-z_]+", expr))
    if re.search(r"\bup\{", expr):
        names.add("up")
    return names


def _exported(name: str, exported: set[str]) -> bool:
    if name == "up" or name in exported:
        return True
    return any(name.endswith(s) and name.removesuffix(s) in exported for s in SUFFIXES)


def test_every_dashboard_and_alert_query_names_a_metric_the_kiosk_exports(make_kiosk):
    exported = exported_names(scrape(make_kiosk("01")))
    dashboard = json.loads(DASHBOARD.read_text())
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    exprs += [v["definition"] for v in dashboard["templating"]["list"] if "definition" in v]
    exprs += [r["expr"] for g in yaml.safe_load(RULES.read_text())["groups"] for r in g["rules"]]
    assert len(exprs) > 12 and all(_names_in(e) for e in exprs)
    unknown = {n for e in exprs for n in _names_in(e) if not _exported(n, exported)}
    assert unknown == set()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(what: str, found: Callable[[], Any], within_s: float = 90) -> Any:
    """Polls until `found()` answers something true (Prometheus works on its own clock)."""
    deadline = time.monotonic() + within_s
    while True:
        try:
            answer = found()
        except requests.ConnectionError:
            answer = None
        if answer:
            return answer
        if time.monotonic() > deadline:
            raise AssertionError(f"Prometheus never showed {what}")
        time.sleep(0.5)


def test_a_real_prometheus_scrapes_two_kiosks_and_sees_the_paper_run_low(make_kiosk, tmp_path):
    prometheus = _tool("prometheus")
    kiosks = [make_kiosk("01"), make_kiosk("02", printer={"paper": 300, "low_at": 200})]
    targets = [f"127.0.0.1:{k.metrics.port}" for k in kiosks]
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(RULES)],
        "scrape_configs": [{"job_name": "kiosk", "static_configs": [{"targets": targets}]}],
    }
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api/v1"
    server = subprocess.Popen(
        [
            prometheus,
            f"--config.file={tmp_path / 'prometheus.yml'}",
            f"--storage.tsdb.path={tmp_path / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:

        def series(query: str) -> list[dict]:
            answer = requests.get(f"{api}/query", params={"query": query}, timeout=5).json()
            return answer["data"]["result"]

        in_service = _wait_for("both kiosks", lambda: len(series("kiosk_in_service")) == 2)
        assert in_service
        kiosk_ids = {s["metric"]["kiosk"] for s in series("kiosk_in_service")}
        assert kiosk_ids == {"STM-0101-01", "STM-0101-02"}
        assert len(series('kiosk_device_up{kiosk="STM-0101-02"}')) == 6

        def firing() -> list[dict]:
            answer = requests.get(f"{api}/alerts", timeout=5).json()
            return [a for a in answer["data"]["alerts"] if a["state"] == "firing"]

        assert not [a for a in firing() if a["labels"]["alertname"] == "KioskPaperLow"]
        printer = kiosks[1].engine.services.devices.printer
        receipt = Receipt("回单", "J-0001", lines=(ReceiptLine("业务", "缴费"),) * 8)
        while printer.status().supplies["paper"] == "ok":  # customers take their receipts
            printer.print_receipt(receipt)
        paper_low = _wait_for(
            "the paper-low alert",
            lambda: [a for a in firing() if a["labels"]["alertname"] == "KioskPaperLow"],
        )
        assert [a["labels"]["kiosk"] for a in paper_low] == ["STM-0101-02"]
    finally:
        server.terminate()
        server.wait(timeout=30)
