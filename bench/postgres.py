"""A scratch PostgreSQL 15 for a benchmark: initdb and pg_ctl in a temporary directory (as the
`postgres` user when run as root, since PostgreSQL refuses root), stopped and removed after."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _as_postgres(*command: str) -> None:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run(prefix + list(command), check=True, capture_output=True, timeout=120)


@contextmanager
def scratch_postgres(max_connections: int = 200, durable: bool = True) -> Iterator[str]:
    """Yields the database URL of a PostgreSQL running for as long as the `with` lasts;
    `durable=False` (tests) skips fsync, as a bank's database never would."""
    if not (PG_BIN / "pg_ctl").exists():
        raise RuntimeError(f"PostgreSQL 15 is not installed in {PG_BIN} (scripts/setup does it)")
    scratch = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    if os.geteuid() == 0:
        shutil.chown(scratch, "postgres", "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = scratch / "data"
    fast = () if durable else ("--no-sync",)
    _as_postgres(str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", *fast)
    options = (
        f"-p {port} -k {scratch} -c listen_addresses=127.0.0.1 "
        f"-c max_connections={max_connections}" + ("" if durable else " -c fsync=off")
    )
    _as_postgres(
        str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(scratch / "log"), "-w", "-o", options,
        "start",
    )  # fmt: skip
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(scratch, ignore_errors=True)
