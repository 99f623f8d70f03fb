from __future__ import annotations

import pytest

from hardware.errors import PaperOut
from hardware.ports import Receipt, ReceiptLine
from hardware.printer.simulated import SimulatedPrinter

RECEIPT = Receipt(
    "预约签到凭条",
    "APPT:APT-7F3K9Q",
    lines=(ReceiptLine("卡号", "6228480012345678010"),),
    notes=("请留意叫号",),
)


def test_keeps_receipts_masked_and_counts_paper_down_to_low_and_out():
    printer = SimulatedPrinter(paper=50, low_at=20)  # a receipt takes 17 rows
    printer.print_receipt(RECEIPT)
    assert printer.printed[0].complete
    assert "6228480012345678010" not in "\n".join(printer.printed[0].rows)
    assert printer.status().supplies == {"paper": "ok"}
    printer.print_receipt(RECEIPT)
    assert printer.status().supplies == {"paper": "low"}
    with pytest.raises(PaperOut) as caught:
        printer.print_receipt(RECEIPT)
    assert not printer.printed[-1].complete
    assert printer.status().supplies == {"paper": "out"}
    assert printer.status().message_key == caught.value.message_key
