"""Runs pcscd for tests and demos with the vsmartcard virtual reader, or reuses the one
already running (pcsc-lite has one socket per machine, so there can be only one).

Only a pcscd this object started is ever stopped by it.
"""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Self

from hardware.pcsc.virtual_card import VPCD_PORT

log = logging.getLogger(__name__)

VPCD_DRIVER = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"
READER_CONF = f"""FRIENDLYNAME "Virtual PCD"
DEVICENAME   /dev/null:0x{VPCD_PORT:04X}
LIBPATH      {VPCD_DRIVER}
CHANNELID    0x{VPCD_PORT:04X}
"""


def _vpcd_listening(port: int = VPCD_PORT) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return False
    return True


class PcscDaemon:
    def __init__(self, ready_timeout: float = 10.0):
        self._ready_timeout = ready_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._config_dir: tempfile.TemporaryDirectory[str] | None = None

    @property
    def started_here(self) -> bool:
        return self._process is not None

    def start(self) -> None:
        if _running():
            log.info("reusing the pcscd already running")
            return
        binary = shutil.which("pcscd") or "/usr/sbin/pcscd"
        self._config_dir = tempfile.TemporaryDirectory(prefix="pcscd-conf-")
        Path(self._config_dir.name, "vpcd").write_text(READER_CONF)
        Path("/run/pcscd").mkdir(parents=True, exist_ok=True)
        self._process = subprocess.Popen(
            [binary, "--foreground", "--config", self._config_dir.name],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + self._ready_timeout
        while not _vpcd_listening():
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("pcscd did not come up with the vpcd reader")
            time.sleep(0.1)
        log.info("pcscd started (pid %d)", self._process.pid)

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        if self._config_dir is not None:
            self._config_dir.cleanup()
            self._config_dir = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _running() -> bool:
    """A pcscd answers on the machine's PC/SC socket."""
    path = "/run/pcscd/pcscd.comm"
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.connect(path)
    except OSError:
        return False
    return True
