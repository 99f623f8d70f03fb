"""`kiosk screenshot`: the README's pictures, named as the README names them — a few screens of
the storyboard (`kiosk storyboard`) in one language."""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

# README picture -> (flow, screen, theme) in the storyboard
PICTURES = {
    "attract": ("kiosk", "attract", "standard"),
    "home": ("kiosk", "home", "standard"),
    "home-care": ("kiosk", "home", "care"),
    "guide": ("guide", "need", "standard"),
    "guide-care": ("guide", "need", "care"),
    "guide-result": ("guide", "report_by_phone", "standard"),
    "bill-insert-card": ("bill_payment", "insert_card", "standard"),
    "bill-biller": ("bill_payment", "biller", "standard"),
    "bill-number": ("bill_payment", "bill_number", "standard"),
    "bill-review": ("bill_payment", "review", "standard"),
    "bill-paid": ("bill_payment", "paid", "standard"),
    "checkin-method": ("appointment_checkin", "method", "standard"),
    "checkin-ticket": ("appointment_checkin", "ticket", "standard"),
}
JOURNEYS = ("home_and_dialogs", "guide", "water_bill_paid", "checked_in_by_qr")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="kiosk screenshot", description=__doc__)
    parser.add_argument("--out", default="screenshots", help="folder for the PNG files")
    parser.add_argument("--config", help="TOML configuration file")
    parser.add_argument("--language", help="language of the pictures (default: the kiosk's)")
    args = parser.parse_args(argv)

    from kiosk.config import load_config
    from ui.storyboard import run, use_offscreen_1080p

    use_offscreen_1080p()
    language = args.language or load_config(args.config).kiosk.default_language
    with tempfile.TemporaryDirectory(prefix="smart-teller-screenshot-") as folder:
        board = run(
            [language], journeys=JOURNEYS, out=Path(folder), check=False, config=args.config
        )
        files = {(s.flow, s.name, s.theme): s.file for s in board.shots if s.file and not s.variant}
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for name, screen in PICTURES.items():
            if screen in files:
                shutil.copy(Path(folder) / files[screen], out / f"{name}.png")
                print(out / f"{name}.png")
    for problem in board.stuck:
        print(problem)
    return 1 if board.stuck else 0
