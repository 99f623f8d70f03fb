"""`kiosk sandbox` serves the contract until told to stop."""

import re
import threading
import time

from kiosk.backend import CoreBankingClient
from kiosk.sandbox.cli import main
from kiosk.sandbox.server import kiosk_token_for


def test_sandbox_command_serves_and_stops(tmp_path, capsys):
    stop = threading.Event()
    db = tmp_path / "branch.db"
    runner = threading.Thread(
        target=main,
        args=(
            ["--port", "0", "--database-url", f"sqlite:///{db}", "--kiosk-token", "branch-secret"],
            stop,
        ),
    )
    runner.start()
    try:
        printed, deadline = "", time.monotonic() + 30
        while "sandbox bank on" not in printed and time.monotonic() < deadline:
            printed += capsys.readouterr().out
            time.sleep(0.02)
        url = re.search(r"(http://\S+)", printed).group(1)
        client = CoreBankingClient(
            url, "STM-0101-02", kiosk_token_for("branch-secret", "STM-0101-02")
        )
        assert client.look_up_bill("gas", "3003456789").amount_due_fen == 4500
    finally:
        stop.set()
        runner.join(30)
    assert not runner.is_alive() and db.exists()
