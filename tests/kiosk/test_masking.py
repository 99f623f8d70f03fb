from kiosk.masking import last4, mask_id_number, mask_name, mask_pan, mask_phone, redact


def test_card_numbers_show_at_most_six_and_four():
    assert mask_pan("6228480012345678010") == "622848*********8010"
    assert mask_pan("6228 4800 1234 5678 010") == "622848*********8010"
    assert last4("6228480012345678010") == "8010"


def test_id_numbers_phones_and_names():
    assert mask_id_number("110105198805120237") == "110105********0237"
    assert mask_phone("13800138000") == "138****8000"
    assert mask_name("王小明") == "王**"
    assert mask_name("Kim Sun Hui") == "K** S** H**"


def test_free_text_is_redacted():
    text = "card 6228480012345678010 id 22240119500308046X phone 13800138000"
    masked = redact(text)
    assert "6228480012345678010" not in masked and "622848*********8010" in masked
    assert "22240119500308046X" not in masked and "222401********046X" in masked
    assert "13800138000" not in masked and "138****8000" in masked  # a phone, masked 3+4


def test_numbers_written_in_groups_are_masked_too():
    masked = redact(
        "card 6228 4800 1234 5678 010, 6228-4800-1234-5678-010; id 110105 19880512 0237"
    )
    assert masked == "card 622848*********8010, 622848*********8010; id 110105********0237"
    assert redact("tel 138 0013 8000 / 138-0013-8000") == "tel 138****8000 / 138****8000"


def test_longer_numbers_and_keys_are_not_half_masked():
    key = "3f2a1b4c-1234-4567-8901-234567890123"
    assert redact(f"key={key} at 2026-12-02T05:10:00+08:00 amount 8650") == (
        f"key={key} at 2026-12-02T05:10:00+08:00 amount 8650"
    )


def test_a_payment_reference_is_a_code_not_a_card_number():
    # digits glued to letters belong to a code: printed and journaled whole
    for reference in ("B2026120236901F5C27", "P20261202369015551", "I2026120212345678AB"):
        assert redact(f"reference {reference}") == f"reference {reference}"
    # a Chinese label glued to a number does not hide it, nor do full-width digits
    assert redact("卡号6228480012345678010") == "卡号622848*********8010"
    assert redact("手机１３８００１３８０００") == "手机１３８****８０００"
