import pytest

from kiosk.i18n import Catalog
from voice import spoken_forms


@pytest.mark.parametrize(
    ("language", "value", "spoken"),
    [
        ("zh_CN", "86.50", "八十六元五角"),
        ("zh_CN", "213.08", "二百一十三元零八分"),
        ("zh_CN", "1,560.00", "一千五百六十元"),
        ("zh_CN", "10050", "一万零五十元"),
        ("zh_CN", "100000", "十万元"),
        ("zh_TW", "45.00", "四十五元"),
        ("en", "86.50", "eighty-six yuan five jiao"),
        ("en", "1560", "one thousand five hundred sixty yuan"),
        ("en", "0.08", "zero yuan and eight fen"),
        ("ko", "86.50", "팔십육 위안 오 자오"),
        ("ko", "213.08", "이백십삼 위안 팔 펀"),
        ("ko", "10000", "만 위안"),
    ],
)
def test_amounts_are_spoken_as_a_teller_says_them(language, value, spoken):
    assert spoken_forms.amount(value, Catalog(language)) == spoken


def test_ticket_and_card_tail_are_read_digit_by_digit():
    zh, en, ko = Catalog("zh_CN"), Catalog("en"), Catalog("ko")
    assert spoken_forms.ticket("A023", zh) == "A零二三"
    assert spoken_forms.ticket("A023", en) == "A zero two three"
    assert spoken_forms.card_tail("622848*********0010", zh) == "尾号零零一零"
    assert spoken_forms.card_tail("622848*********0010", ko) == "끝자리 영 영 일 영"


def test_a_screen_line_gets_its_numbers_spoken_and_never_the_hidden_digits():
    zh = Catalog("zh_CN")
    spoken = spoken_forms.natural("应缴 ¥86.50，卡号 622848*********0010，号码 A023", zh)
    assert spoken == "应缴 八十六元五角，卡号 尾号零零一零，号码 A零二三"
    assert "622848" not in spoken and "*" not in spoken


@pytest.mark.parametrize(
    ("language", "line", "spoken"),
    [
        ("en", "Amount due: 1,560.00 yuan", "Amount due: one thousand five hundred sixty yuan"),
        ("en", "Amount due: CNY 86.50", "Amount due: eighty-six yuan five jiao"),
        ("ko", "납부 금액 ¥10000", "납부 금액 만 위안"),
        ("zh_CN", "5 万元以上", "5 万元以上"),  # not an amount the screen formatted: left alone
    ],
)
def test_the_currency_marks_each_language_shows_are_spoken_as_words(language, line, spoken):
    assert spoken_forms.natural(line, Catalog(language)) == spoken


def test_a_garbage_amount_is_a_clear_error():
    with pytest.raises(ValueError, match="not an amount"):
        spoken_forms.amount("12,3a", Catalog("en"))
