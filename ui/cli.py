"""The `kiosk` command: run the kiosk, and the tools around it.

It lives in ui/, the top layer, because it is the one module that knows every layer: the
kiosk's window (ui), and tools beside their subsystems (voice, the sandbox, the journal).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from importlib import import_module

from kiosk.config import ConfigError, load_config
from kiosk.flows import FlowError, flow_registry
from kiosk.logs import setup_logging

# Tools that live beside their subsystem, each with its own main(argv); each is imported only
# when asked for, so starting the kiosk itself does not load the sandbox or the storyboard.
TOOLS = {
    "sandbox": "kiosk.sandbox.cli",
    "journal": "kiosk.journal.cli",
    "voice": "voice.cli",
    "screenshot": "ui.screenshot",
    "storyboard": "ui.storyboard",
}


def tool(name: str) -> Callable[[list[str]], int]:
    main: Callable[[list[str]], int] = import_module(TOOLS[name]).main
    return main


NO_DISPLAY = """\
There is no display here (no DISPLAY, WAYLAND_DISPLAY or QT_QPA_PLATFORM).
To see the kiosk on this machine:
  - run it on a virtual screen:  xvfb-run -s '-screen 0 1920x1080x24' .venv/bin/kiosk
    and take a picture of it:    DISPLAY=:99 import -window root kiosk.png
  - or save pictures of its screens:  .venv/bin/kiosk screenshot --out screenshots/
"""


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in TOOLS:
        return tool(argv[0])(argv[1:])
    parser = argparse.ArgumentParser(
        prog="kiosk", description=__doc__, epilog=f"tools: {', '.join(TOOLS)} (kiosk TOOL --help)"
    )
    parser.add_argument("--config", help="TOML configuration file (see config.example.toml)")
    parser.add_argument("--windowed", action="store_true", help="a normal window (development)")
    parser.add_argument(
        "--voice-input",
        metavar="FILE",
        help="a 16 kHz mono WAV heard as the microphone (voice demos)",
    )
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"kiosk: configuration error: {exc}", file=sys.stderr)
        return 2
    try:
        flow_registry()  # a flow with a wrong turn stops the kiosk here, not a customer later
    except FlowError as exc:
        print(f"kiosk: a flow cannot be offered: {exc}", file=sys.stderr)
        return 2
    from ui.app import has_display, run  # Qt Multimedia: only when the kiosk itself starts

    if not has_display():
        print(NO_DISPLAY, file=sys.stderr)
        return 3
    setup_logging(config.data_dir, config.kiosk.log_level)
    try:
        return run(config, windowed=args.windowed, voice_input=args.voice_input)
    except ConfigError as exc:  # a device table no driver takes: known only once built
        logging.getLogger("kiosk").error("configuration error: %s", exc)
        print(f"kiosk: configuration error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
