"""Receipt printer over ESC/POS (python-escpos): USB, network, a device file, or a dummy
that keeps the bytes in memory.

Chinese is sent in GB18030 (a superset of GB2312 that also holds traditional characters)
after FS & (enter Chinese character mode), which is what printers sold in China expect.
Every receipt ends with a native QR code and a cut.
Config: `connection` = usb | network | file | dummy; `vendor_id`/`product_id` (usb),
`host`/`port` (network), `path` (file); `profile` (python-escpos printer profile),
`encoding`, `columns` (48 for 80 mm paper, 32 for 58 mm), `qr_size` (module size 1-16).
"""

from __future__ import annotations

import contextlib
import logging
import threading

from escpos import printer as escpos_printer
from escpos.escpos import Escpos
from escpos.exceptions import Error as EscposError

from hardware.errors import DeviceOffline, PaperOut
from hardware.ports import Receipt
from hardware.printer.layout import Style, layout
from hardware.status import DeviceState, DeviceStatus

log = logging.getLogger(__name__)

CHINESE_MODE = b"\x1c\x26"  # FS &
_STYLES: dict[Style, dict[str, str | bool]] = {
    Style.TITLE: {"align": "center", "bold": True, "double_height": True, "double_width": True},
    Style.TEXT: {"align": "left"},
    Style.AMOUNT: {"align": "left", "bold": True, "double_height": True},
}
_PAPER = {0: "out", 1: "low", 2: "ok"}


class EscposPrinter:
    def __init__(
        self,
        name: str = "printer",
        connection: str = "file",
        path: str = "/dev/usb/lp0",
        host: str = "",
        port: int = 9100,
        vendor_id: int | None = None,
        product_id: int | None = None,
        profile: str = "TM-T88V",
        encoding: str = "gb18030",
        columns: int = 48,
        qr_size: int = 6,
    ):
        if connection not in ("usb", "network", "file", "dummy"):
            raise ValueError(f"unknown printer connection {connection!r}")
        self.name = name
        self._connection = connection
        self._options = {
            "path": path,
            "host": host,
            "port": port,
            "vendor_id": vendor_id,
            "product_id": product_id,
            "profile": profile,
        }
        self._encoding = encoding
        self._columns = columns
        self._qr_size = qr_size
        self._printer: Escpos | None = None
        self._lock = threading.Lock()

    def _open(self) -> Escpos:
        if self._printer is None:
            o = self._options
            if self._connection == "usb":
                self._printer = escpos_printer.Usb(
                    o["vendor_id"], o["product_id"], profile=o["profile"]
                )
            elif self._connection == "network":
                self._printer = escpos_printer.Network(
                    o["host"], o["port"], timeout=10, profile=o["profile"]
                )
            elif self._connection == "file":
                self._printer = escpos_printer.File(o["path"], profile=o["profile"])
            else:
                self._printer = escpos_printer.Dummy(profile=o["profile"])
            self._printer.open()
        return self._printer

    @property
    def output(self) -> bytes:
        """The bytes sent so far on a dummy connection (tests, previews)."""
        return self._printer.output if isinstance(self._printer, escpos_printer.Dummy) else b""

    def _paper(self, printer: Escpos) -> str:
        if self._connection in ("usb", "network"):  # only these can answer a status query
            return _PAPER.get(printer.paper_status(), "unknown")
        return "unknown"

    def print_receipt(self, receipt: Receipt) -> None:
        with self._lock:
            try:
                p = self._open()
                if self._paper(p) == "out":
                    raise PaperOut(self.name, "printer reports no paper")
                p._raw(CHINESE_MODE)
                for style, text in layout(receipt, self._columns):
                    p.set_with_default(**_STYLES[style])
                    p._raw(text.encode(self._encoding, errors="replace") + b"\n")
                p.set_with_default(align="center")
                p.qr(receipt.qr, native=True, size=self._qr_size, center=False)
                p.cut()
            except (EscposError, OSError) as error:
                self._drop()
                raise DeviceOffline(self.name, f"{type(error).__name__}: {error}") from error
        log.info("%s: printed receipt (%d lines)", self.name, len(receipt.lines))

    def status(self) -> DeviceStatus:
        with self._lock:
            try:
                paper = self._paper(self._open())
            except (EscposError, OSError) as error:
                self._drop()
                return DeviceStatus(
                    self.name,
                    DeviceState.OFFLINE,
                    {},
                    DeviceOffline(self.name, str(error)).message_key,
                )
        key = PaperOut.message_key if paper == "out" else None
        return DeviceStatus(self.name, DeviceState.ONLINE, {"paper": paper}, key)

    def _drop(self) -> None:
        if self._printer is not None:
            # the connection may be gone already; a fresh one opens on next use
            with contextlib.suppress(EscposError, OSError):
                self._printer.close()
            self._printer = None

    def reset(self) -> None:
        with self._lock:
            self._drop()

    def cancel(self) -> None:
        """A receipt is sent in one go; there is nothing to abort half way."""

    def close(self) -> None:
        self.reset()
