"""Property tests of the parsers of what the camera reads: whatever QR code a customer holds up
(a paper bill's BILL:<biller>:<number>, a booking's APPT:<token>, or anything else), the scan
step answers with a message the catalogs carry or goes on, never a system error. The kiosk is
the core one (real engine, sandbox bank over HTTP, simulators). Marked `fuzz`."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.app import build_kiosk
from kiosk.config import Config
from kiosk.i18n import Catalog, available_languages
from kiosk.runtime import InlineRunner, ManualClock

pytestmark = pytest.mark.fuzz
CATALOGS = [Catalog(language) for language in available_languages()]
PART = st.text(max_size=24) | st.from_regex(r"[A-Za-z0-9-]{1,24}", fullmatch=True)
PAYLOADS = (
    st.text(max_size=60)
    | st.tuples(st.sampled_from(["water", "electricity", "gas", "nope", ""]), PART).map(
        lambda p: f"BILL:{p[0]}:{p[1]}"
    )
    | PART.map(lambda token: f"APPT:{token}")
)
# one kiosk for every example (a visit each); the long run stops at 300 of them (half a minute)
AT_ONCE = settings(
    max_examples=min(settings.default.max_examples, 300),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory):
    config = Config()
    config.kiosk.data_dir = str(tmp_path_factory.mktemp("scanned"))
    built = build_kiosk(config, InlineRunner(), ManualClock())
    yield built
    built.close()


def _sound(keys: list[str]) -> None:
    assert "flow.error.system" not in keys
    assert [k for k in keys for c in CATALOGS if not c.has(k)] == []


def _scanned(kiosk, payload: str, scan) -> list[str]:
    """What the customer was shown while `scan()` read `payload` off the camera."""
    engine, camera = kiosk.engine, kiosk.engine.services.devices.camera
    failures: list[str] = []

    def shown(error) -> None:
        failures.append(error.message_key)

    engine.step_failed.connect(shown)
    try:
        camera.show_code(payload)
        scan()
    finally:
        engine.step_failed.disconnect(shown)
        camera.show_code(None)
    return failures


@AT_ONCE
@given(PAYLOADS)
def test_any_code_at_the_booking_scan_is_answered_in_words(kiosk, payload):
    def scan() -> None:
        if kiosk.engine.active:
            kiosk.engine.cancel()
        kiosk.begin("appointment_checkin")
        kiosk.engine.submit("qr")

    _sound(_scanned(kiosk, payload, scan))
    view = kiosk.engine.view
    assert view is None or view.step.id != "method"  # the code was read


@AT_ONCE
@given(PAYLOADS)
def test_any_code_at_the_bill_scan_is_answered_in_words(kiosk, payload):
    engine, devices = kiosk.engine, kiosk.engine.services.devices

    def scan() -> None:
        at = engine.view.step.id if engine.active and engine.view else None
        if at == "scan_bill":
            engine.retry()  # the customer holds up another code
            return
        if at == "review":
            engine.back()  # back to how the bill is given (the scan itself is not re-run)
        elif at != "bill_source":
            engine.cancel()
            devices.card_reader.insert("wang")
            for key in [*"147258", "enter"]:
                devices.pin_pad.press(key)
            kiosk.begin("bill_payment")
            engine.submit("water")
        engine.submit("scan")

    _sound(_scanned(kiosk, payload, scan))
    assert engine.view is not None and engine.view.step.id in ("scan_bill", "review")
