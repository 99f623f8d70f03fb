"""Simulated receipt printer: keeps what it printed and counts its paper in printed rows.

Config: `paper` (rows left on the roll), `low_at` (rows left when it reports "low"),
`columns`. Faults: offline, paper_out (runs out half way through the next receipt), jam.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from hardware.errors import DeviceOffline, PaperJammed, PaperOut
from hardware.ports import Receipt
from hardware.printer.layout import layout
from hardware.simulated import FaultSpec, FaultTable, SimulatedDevice

log = logging.getLogger(__name__)

QR_ROWS = 12  # paper a QR code takes, in text rows
KEEP_PRINTED = 50  # the receipts kept for tests and the simulator panel, newest last


@dataclass
class PrintedReceipt:
    receipt: Receipt
    rows: list[str]  # the text as it came out, masking applied
    complete: bool  # False when the paper ran out or jammed half way


class SimulatedPrinter(SimulatedDevice):
    # no "timeout": printing waits for nobody
    FAULTS: ClassVar[FaultTable] = {
        "offline": DeviceOffline,
        "paper_out": PaperOut,
        "jam": PaperJammed,
    }

    def __init__(
        self,
        name: str = "printer",
        paper: int = 2000,
        low_at: int = 200,
        columns: int = 32,
        faults: Iterable[FaultSpec] = (),
    ):
        super().__init__(name, faults)
        self._paper = paper
        self._low_at = low_at
        self._columns = columns
        self.printed: list[PrintedReceipt] = []

    def _supplies(self) -> dict[str, int | str]:
        level = "out" if self._paper <= 0 else "low" if self._paper <= self._low_at else "ok"
        return {"paper": level}

    def load_paper(self, rows: int) -> None:
        """Staff put a new roll in."""
        with self._changed:
            self._paper = rows
            if isinstance(self._error, PaperOut):
                self._error = None
        log.info("%s: paper loaded", self.name)

    def print_receipt(self, receipt: Receipt) -> None:
        self._begin()
        rows = [text for _style, text in layout(receipt, self._columns)]
        if self._script.fires("jam"):
            self._keep(receipt, rows[: len(rows) // 2], False)
            self._fail(PaperJammed(self.name, "paper jammed half way through the receipt"))
        with self._changed:
            if self._script.fires("paper_out"):
                self._paper = min(self._paper, len(rows) // 2)
            fits = self._paper >= len(rows) + QR_ROWS
            printed = rows if fits else rows[: max(self._paper, 0)]
            self._paper = max(self._paper - len(rows) - QR_ROWS, 0)
        self._keep(receipt, printed, fits)
        if not fits:
            self._fail(PaperOut(self.name, "paper ran out during the receipt"))
        log.info("%s: printed receipt (%d rows)", self.name, len(rows))

    def _keep(self, receipt: Receipt, rows: list[str], complete: bool) -> None:
        with self._changed:
            self.printed.append(PrintedReceipt(receipt, rows, complete))
            del self.printed[:-KEEP_PRINTED]  # a demo kiosk left running a week must not grow
