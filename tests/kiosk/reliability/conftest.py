"""The line between a kiosk and its bank, broken on purpose: the sandbox over real HTTP, a
fault-injecting proxy in front of it, the journal on disk, and a check that the journal and
the bank's ledger agree entry by entry and to the fen."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from urllib.parse import urlparse

import pytest

from hardware.pinpad.iso9564 import encode_pin_block
from kiosk.backend import CoreBankingClient, new_idempotency_key
from kiosk.journal import Journal, journaled
from kiosk.masking import mask_pan
from kiosk.sandbox.faulty_proxy import FaultyProxy

from .ledger import disagreements

KEY = bytes(range(32))
KIOSK = "STM-0101-01"
PAN, PIN = "6228480012345678010", "147258"
TIMEOUT_S = 0.5  # the kiosk's patience on this line; "slow" faults outlast it
_bill_numbers = itertools.count(70_000_000)


@dataclass
class Line:
    sandbox: object
    proxy: FaultyProxy
    journal: Journal
    kiosk: CoreBankingClient  # through the proxy, as the kiosk talks
    back_office: CoreBankingClient  # straight to the bank, for set-up and reconciliation

    def dead_line(self) -> CoreBankingClient:
        """A client whose bank refuses the connection (nothing listens on that port)."""
        return CoreBankingClient(
            "http://127.0.0.1:9",
            KIOSK,
            self.sandbox.token_for(KIOSK),
            timeout=TIMEOUT_S,
            retries=0,
        )

    def new_bill(self, amount_fen: int) -> tuple[str, str, int]:
        number = str(next(_bill_numbers))
        with self.sandbox.database.transaction() as tx:
            tx.run(
                "INSERT INTO bills VALUES (?, ?, ?, ?, ?)",
                "water",
                number,
                "王*",
                amount_fen,
                "unpaid",
            )
        return "water", number, amount_fen

    def card_token(self) -> str:
        return self.back_office.verify_card_pin(
            PAN, encode_pin_block(PIN, PAN), idempotency_key=new_idempotency_key()
        ).card_token

    def pay(self, via: CoreBankingClient, bill, token: str):
        masked = {"card": mask_pan(PAN), "bill": f"{bill[0]}/{bill[1]}", "amount_fen": bill[2]}
        return journaled(
            self.journal,
            "bill_payment",
            "review",
            "pay_bill",
            masked,
            lambda k: via.pay_bill(*bill, token, idempotency_key=k),
        )

    def balance(self) -> int:
        with self.sandbox.database.transaction() as tx:
            return tx.one(
                "SELECT a.balance_fen FROM cards c JOIN accounts a"
                " ON a.account_number = c.account_number WHERE c.pan = ?",
                PAN,
            )["balance_fen"]

    def disagreements(self, journal: Journal | None = None) -> list[str]:
        """Where the journal (this line's, or `journal`) and the bank disagree (empty: they
        agree entry by entry)."""
        return disagreements(journal or self.journal, self.sandbox.database, KIOSK)


@pytest.fixture
def line(sandbox, tmp_path):
    address = urlparse(sandbox.url)
    proxy = FaultyProxy((address.hostname, address.port), slow_s=TIMEOUT_S * 2)
    token = sandbox.token_for(KIOSK)
    kiosk = CoreBankingClient(proxy.url, KIOSK, token, timeout=TIMEOUT_S, backoff_s=0.01)
    back_office = CoreBankingClient(sandbox.url, KIOSK, token, timeout=10)
    with Journal(tmp_path / "journal.sqlite", KEY) as journal:
        kiosk.journal_head = lambda: str(h) if (h := journal.head()) else None
        yield Line(sandbox, proxy, journal, kiosk, back_office)
    kiosk.close()
    back_office.close()
    proxy.stop()
