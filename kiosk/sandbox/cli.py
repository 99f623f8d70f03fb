"""`kiosk sandbox`: run the sandbox bank on its own, e.g. shared by the kiosks of a branch."""

from __future__ import annotations

import argparse
import logging
import secrets
import threading

from hardware.pinpad.iso9564 import DEMO_PIN_KEY
from kiosk.sandbox.server import SANDBOX_SECRET, kiosk_token_for, start_sandbox


def main(argv: list[str], stop: threading.Event | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kiosk sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8700)
    parser.add_argument(
        "--database-url",
        default=None,
        help="sqlite:///file.db or postgresql://...; default a scratch SQLite",
    )
    parser.add_argument(
        "--kiosk-token",
        default=SANDBOX_SECRET,
        help="the secret each kiosk's own token is derived from (--token-for prints one)",
    )
    parser.add_argument("--token-for", metavar="KIOSK_ID", help="print that kiosk's token, exit")
    parser.add_argument(
        "--faults",
        action="store_true",
        help="open POST /_sandbox/faults (for tests); its token is printed at start",
    )
    parser.add_argument("--pin-key", default=DEMO_PIN_KEY.hex(), help="AES-128 key, hex")
    parser.add_argument("--no-seed", action="store_true", help="do not load the demo data")
    args = parser.parse_args(argv)
    if args.token_for:
        print(kiosk_token_for(args.kiosk_token, args.token_for))
        return 0
    fault_token = secrets.token_hex(16) if args.faults else None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    server = start_sandbox(
        args.host,
        args.port,
        args.database_url,
        not args.no_seed,
        pin_key=bytes.fromhex(args.pin_key),
        kiosk_token=args.kiosk_token,
        fault_token=fault_token,
    )
    if fault_token:
        print(f"fault hook: POST {server.url}/_sandbox/faults with 'Bearer {fault_token}'")
    print(f"sandbox bank on {server.url} (Ctrl-C stops it)", flush=True)
    try:
        (stop or threading.Event()).wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0
