"""`kiosk screenshot`: saves PNGs of the kiosk's screens, so a person can look at them without
a display (headless Qt, 1920x1080)."""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

SCREEN = {"screens": [{"name": "kiosk", "x": 0, "y": 0, "width": 1920, "height": 1080,
                       "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}


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
    window.kiosk.close()
    return 0
