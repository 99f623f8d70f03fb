from __future__ import annotations

from hardware.ports import Receipt, ReceiptLine
from hardware.printer.layout import columns, layout, mask_long_numbers


def test_long_numbers_are_masked_but_masked_and_short_ones_stay():
    assert mask_long_numbers("卡号 6228480012345678010") == "卡号 ***************8010"
    assert mask_long_numbers("ID 22240119500308046X") == "ID **************046X"
    assert mask_long_numbers("身份证 110105198805120237") == "身份证 **************0237"
    for kept in ("622848*********8010", "13800138000", "TXN20250101123456789", "CNY 86.50"):
        assert mask_long_numbers(kept) == kept


def test_too_long_value_goes_to_its_own_right_aligned_line():
    rows = [
        text
        for _s, text in layout(
            Receipt("T", "Q", lines=(ReceiptLine("地址", "北京市朝阳区建国路88号院3号楼"),)), 20
        )
    ]
    assert rows[2] == "地址"
    assert all(columns(row) <= 20 for row in rows[3:])
    assert "".join(row.strip() for row in rows[3:]) == "北京市朝阳区建国路88号院3号楼"
    assert rows[-1].endswith("3号楼") and columns(rows[-1]) == 20  # right aligned


def test_a_card_number_wrapped_over_two_rows_is_still_masked():
    receipt = Receipt("T", "Q", notes=("请核对卡号6228480012345678010是否正确",))
    printed = "".join(text for _s, text in layout(receipt, 16))
    assert "***************8010" in printed and "62284800123" not in printed
