"""`kiosk screenshot`: saves PNGs of the kiosk's screens, so a person can look at them without
a display (headless Qt, 1920x1080)."""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from kiosk.flows.model import CONFIRM, StepKind

SCREEN = {
    "screens": [
        {
            "name": "kiosk",
            "x": 0,
            "y": 0,
            "width": 1920,
            "height": 1080,
            "logicalDpi": 96,
            "logicalBaseDpi": 96,
            "dpr": 1,
        }
    ]
}


def use_offscreen_1080p() -> None:
    """A 1920x1080 offscreen screen, unless a real display is configured."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return
    path = Path(tempfile.gettempdir()) / "smart-teller-screen.json"
    path.write_text(json.dumps(SCREEN))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={path}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="kiosk screenshot", description=__doc__)
    parser.add_argument("--out", default="screenshots", help="folder for the PNG files")
    parser.add_argument("--config", help="TOML configuration file")
    parser.add_argument("--language", help="language of the pictures (default: the kiosk's)")
    args = parser.parse_args(argv)
    use_offscreen_1080p()

    from kiosk.config import load_config
    from ui.app import application, build_window

    app = application()
    config = load_config(args.config)
    if not args.config:  # a fresh sandbox bank: today's demo bookings, nothing paid yet
        config.kiosk.data_dir = tempfile.mkdtemp(prefix="smart-teller-screenshot-")
    window = build_window(config)
    window.setGeometry(0, 0, 1920, 1080)
    window.show()
    if args.language:
        window.kiosk.set_language(args.language)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    def shoot(name: str) -> None:
        app.processEvents()
        path = out / f"{name}.png"
        window.grab().save(str(path))
        print(path)

    shoot("attract")
    window.show_home()
    shoot("home")
    window.kiosk.set_care_mode(True)
    shoot("home-care")
    window.kiosk.begin("guide")
    shoot("guide-care")
    window.kiosk.set_care_mode(False)
    shoot("guide")
    window.engine.submit("lost_card")
    window.engine.submit("no")
    shoot("guide-result")
    window.engine.cancel()
    try:
        _walk_the_services(window, shoot)
    finally:
        window.engine.cancel()
        window.kiosk.close()
    return 0


def _walk_the_services(window, shoot) -> None:
    """A demo customer through bill payment and check-in on the simulated devices."""
    from PySide6.QtCore import QEventLoop, QTimer

    engine, devices = window.engine, window.engine.services.devices

    def at(step_id: str) -> None:
        deadline = time.monotonic() + 20

        def there() -> bool:  # a device step is busy while it waits for the customer
            view = engine.view
            return bool(
                view
                and view.step.id == step_id
                and (view.step.kind is StepKind.DEVICE or not engine.busy)
            )

        while not there():
            if time.monotonic() > deadline:
                raise SystemExit(f"the demo customer did not reach {step_id}")
            pause = QEventLoop()  # the screen and the workers' results go on meanwhile
            QTimer.singleShot(20, pause.quit)
            pause.exec()

    window.kiosk.begin("bill_payment")
    at("insert_card")
    shoot("bill-insert-card")
    devices.card_reader.insert("wang")
    at("pin")
    for key in "147258":
        devices.pin_pad.press(key)
    devices.pin_pad.press("enter")
    at("biller")
    shoot("bill-biller")
    engine.submit("water")
    at("bill_source")
    engine.submit("keypad")
    at("bill_number")
    shoot("bill-number")
    engine.submit("1001234567")
    at("review")
    shoot("bill-review")
    engine.submit(CONFIRM)  # the simulated customer takes the card back by themselves
    at("paid")
    shoot("bill-paid")
    engine.cancel()

    window.kiosk.begin("appointment_checkin")
    at("method")
    shoot("checkin-method")
    engine.submit("qr")
    at("scan_qr")
    devices.camera.show_code("APPT:APT-2M8X4R")
    at("ticket")
    shoot("checkin-ticket")
    engine.cancel()
