"""The ESC/POS driver's real bytes (python-escpos), decoded back into what the paper shows."""

from __future__ import annotations

import re

import pytest

from hardware.errors import DeviceOffline
from hardware.ports import Receipt, ReceiptLine
from hardware.printer.escpos import EscposPrinter
from hardware.printer.layout import columns
from hardware.status import DeviceState

RECEIPT = Receipt(
    title="缴费凭条",
    qr="TXN:20250101-0001",
    lines=(
        ReceiptLine("卡号", "622848*********8010"),
        ReceiptLine("缴费单位", "水费"),
        ReceiptLine("户号", "1001234567"),
        ReceiptLine("附言", "6228480012345678010"),
    ),
    amounts=(ReceiptLine("金额", "CNY 86.50"),),
    notes=("請妥善保管憑條", "영수증을 보관하세요"),
)


def _qr_payload(data: bytes) -> str:
    """The data of the GS ( k "store QR data" command (cn=49, fn=80)."""
    match = re.search(rb"\x1d\(k(..)1P0", data, re.DOTALL)
    assert match, "no native QR store command in the output"
    length = int.from_bytes(match[1], "little") - 3
    return data[match.end() : match.end() + length].decode("ascii")


def _text(data: bytes) -> str:
    return data.decode("gb18030", errors="replace")


def test_receipt_bytes_on_a_file_printer(tmp_path):
    path = tmp_path / "lp0"
    printer = EscposPrinter(connection="file", path=str(path), columns=32)
    printer.print_receipt(RECEIPT)
    printer.close()
    data = path.read_bytes()
    assert data.startswith(b"\x1b@") or b"\x1c\x26" in data  # Chinese mode before the text
    assert "缴费凭条".encode("gb18030") in data  # Chinese is sent in GB18030, not UTF-8
    assert "缴费凭条".encode() not in data
    text = _text(data)
    for expected in (
        "缴费单位",
        "水费",
        "CNY 86.50",
        "622848*********8010",
        "1001234567",
        "請妥善保管憑條",
    ):
        assert expected in text
    assert "6228480012345678010" not in text  # a full card number is masked on paper
    assert "***************8010" in text
    assert _qr_payload(data) == "TXN:20250101-0001"
    assert data.endswith(b"\x1dV\x00")  # and it is cut


def test_label_and_value_share_a_line_at_the_paper_width():
    printer = EscposPrinter(connection="dummy", columns=32)
    printer.print_receipt(RECEIPT)
    lines = _text(printer.output).split("\n")
    row = next(line for line in lines if "缴费单位" in line)
    body = row[row.index("缴费单位") :]
    assert body.endswith("水费") and columns(body) == 32  # a CJK character takes two columns


def test_unreachable_printer_is_offline(tmp_path):
    printer = EscposPrinter(connection="file", path=str(tmp_path / "no" / "such" / "lp0"))
    with pytest.raises(DeviceOffline):
        printer.print_receipt(RECEIPT)
    assert printer.status().state is DeviceState.OFFLINE


def test_unknown_connection_is_refused():
    with pytest.raises(ValueError):
        EscposPrinter(connection="bluetooth")
