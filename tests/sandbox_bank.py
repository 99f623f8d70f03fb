"""A pytest plugin (registered in tests/conftest.py): the sandbox bank and a client of it,
for every test that talks to the bank over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiosk.backend import CoreBankingClient
from kiosk.sandbox.server import SANDBOX_KIOSK_TOKEN, SandboxServer, start_sandbox


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    """A fresh sandbox with the demo data, on a free loopback port."""
    with start_sandbox() as server:
        yield server


@pytest.fixture
def client(sandbox: SandboxServer) -> Iterator[CoreBankingClient]:
    """A client for kiosk STM-0101-01 of branch 0101."""
    bank = CoreBankingClient(
        sandbox.url, "STM-0101-01", SANDBOX_KIOSK_TOKEN, timeout=5.0, backoff_s=0.05
    )
    yield bank
    bank.close()
