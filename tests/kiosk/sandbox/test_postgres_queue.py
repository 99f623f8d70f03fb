"""Several kiosks of one branch share a PostgreSQL sandbox: ticket numbers never repeat.

The test runs its own PostgreSQL 15 (bench.postgres: initdb + pg_ctl in a scratch directory,
as the `postgres` user when run as root, since PostgreSQL refuses to run as root) and stops it.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.postgres import scratch_postgres
from kiosk.backend import CoreBankingClient, new_idempotency_key
from kiosk.sandbox import start_sandbox

KIOSKS = ["STM-0101-01", "STM-0101-02", "STM-0101-03", "STM-0101-04"]
TICKETS_PER_KIOSK = 15


@pytest.fixture(scope="module")
def postgres_url():
    try:
        with scratch_postgres(durable=False) as url:
            yield url
    except RuntimeError as exc:  # not installed: scripts/setup installs it
        pytest.fail(str(exc))


@pytest.mark.slow
def test_parallel_kiosks_on_two_sandboxes_never_share_a_ticket_number(postgres_url):
    # two sandbox servers on one database, as two front ends of one branch might be
    with (
        start_sandbox(database_url=postgres_url) as first,
        start_sandbox(database_url=postgres_url) as second,
    ):
        clients = [
            CoreBankingClient((first, second)[i % 2].url, kiosk, first.token_for(kiosk), timeout=30)
            for i, kiosk in enumerate(KIOSKS)
        ]
        calls = [
            (client, service)
            for client in clients
            for service in ["general", "wealth_advice", "card_replacement"]
            * (TICKETS_PER_KIOSK // 3)
        ]
        with ThreadPoolExecutor(max_workers=12) as pool:
            tickets = list(
                pool.map(
                    lambda call: call[0].take_queue_ticket(
                        call[1], idempotency_key=new_idempotency_key()
                    ),
                    calls,
                )
            )
        # a senior checking in at the same time keeps a number of her own
        check_in = clients[0].check_in("APT-2M8X4R", idempotency_key=new_idempotency_key())
        with first.database.transaction() as tx:
            stored = tx.all("SELECT ticket_number FROM tickets WHERE branch_id = '0101'")
            persons = tx.one("SELECT COUNT(*) AS n FROM persons")["n"]
    numbers = [t.ticket_number for t in tickets]
    assert len(numbers) == len(KIOSKS) * TICKETS_PER_KIOSK
    assert sorted(numbers) == [f"A{n:03d}" for n in range(1, len(numbers) + 1)]
    assert check_in.ticket.ticket_number == "C001"
    assert len(stored) == len(numbers) + 1
    assert sorted(t.people_ahead for t in tickets) == list(range(len(numbers)))
    assert persons == 5  # the second sandbox did not seed the demo data twice
