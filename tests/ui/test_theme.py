"""Type for a 21-24" screen at arm's length, one face per language."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase

from ui.theme import CARE, FONTS, STANDARD, stylesheet


def test_text_is_large_enough_to_read_at_arms_length():
    assert STANDARD.body_px >= 24
    assert CARE.text_pt >= 30
    for theme in (STANDARD, CARE):  # nothing a customer reads is under 20 px
        assert round(theme.small_pt * 96 / 72) >= 20


def test_each_language_is_drawn_in_its_own_installed_face(qtbot):
    installed = set(QFontDatabase.families())
    assert {FONTS[lang] for lang in ("zh_CN", "zh_TW", "ko", "en")} <= installed
    assert len(set(FONTS.values())) == 4
    assert f'"{FONTS["ko"]}"' in stylesheet(STANDARD, "ko")
