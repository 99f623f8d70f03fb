"""One theme mechanism, two themes: standard and care mode (关怀模式).

Sizes are given for a 1920x1080 screen and scale with the screen's height. Care mode follows
the 适老化 rules: main text at least 30 pt, touch targets at least 60 dp, contrast at least 7:1,
at most four choices a screen.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Theme:
    name: str
    text_pt: int  # main text
    title_pt: int
    small_pt: int
    target_px: int  # height of what a finger taps, on a 1080-line screen (keypads: key_px)
    choices_per_page: int
    background: str
    surface: str
    text: str
    muted: str
    accent: str  # primary buttons' background
    on_accent: str  # text on primary buttons
    danger: str
    line: str
    takeaway_pt: int = 56  # what the customer takes away: larger than anything else
    success: str = "#1E7B3A"
    partial: str = "#8A5300"  # amber: done in part, or done another way (a fallback ticket)

    @property
    def body_px(self) -> int:
        """Main text in pixels at 96 dpi: at least 24 on a 21-24" screen at arm's length."""
        return round(self.text_pt * 96 / 72)

    @property
    def key_px(self) -> int:
        """Keypad keys: lower than other targets so four rows of them fit beside the
        entry on a 1080-line screen, with a prompt of two lines and an error line above them
        in care mode too; still well over 60 dp (about 38 px at 100 px an inch)."""
        return min(round(self.target_px * 0.75), 78)

    def for_screen(self, screen_height: int) -> Theme:
        """Touch targets keep their physical size on screens other than 1080 lines."""
        if screen_height <= 0:
            return self
        return replace(self, target_px=round(self.target_px * screen_height / 1080))


STANDARD = Theme(
    name="standard",
    text_pt=20,
    title_pt=32,
    small_pt=16,
    target_px=96,
    choices_per_page=8,
    background="#F4F6F8",
    surface="#FFFFFF",
    text="#1A1F24",
    muted="#4A5560",
    accent="#0B5394",
    on_accent="#FFFFFF",
    danger="#A61B1B",
    line="#C9D1D9",
)

# One family per language, so Korean and Traditional Chinese get their own glyph shapes
# (Debian's fonts-noto-cjk and fonts-noto-core).
FONTS = {
    "zh_CN": "Noto Sans CJK SC",
    "zh_TW": "Noto Sans CJK TC",
    "ko": "Noto Sans CJK KR",
    "en": "Noto Sans",
}


def font_family(language: str) -> str:
    return FONTS.get(language, FONTS["zh_CN"])


CARE = Theme(
    name="care",
    text_pt=30,
    title_pt=36,
    small_pt=24,
    target_px=120,
    choices_per_page=4,
    background="#FFFFFF",
    surface="#FFFFFF",
    text="#000000",
    muted="#1F1F1F",
    accent="#002B5C",
    on_accent="#FFFFFF",
    danger="#7A0000",
    line="#000000",
    success="#0B5323",
    partial="#6B3F00",
)


def relative_luminance(colour: str) -> float:
    def channel(byte: int) -> float:
        c = byte / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #RRGGBB colours."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def stylesheet(t: Theme, language: str = "zh_CN") -> str:
    return f"""
    QWidget {{ background: {t.background}; color: {t.text};
              font-family: "{font_family(language)}"; font-size: {t.text_pt}pt; }}
    QLabel {{ background: transparent; }}
    QWidget#picture {{ background: transparent; }}
    QScrollArea#summary_scroll, QScrollArea#summary_scroll > QWidget > QWidget {{
              background: transparent; }}
    QLabel#title {{ font-size: {t.title_pt}pt; font-weight: bold; }}
    QLabel#prompt {{ color: {t.muted}; }}
    QLabel#small, QLabel#progress {{ font-size: {t.small_pt}pt; color: {t.muted}; }}
    QLabel#error {{ color: {t.danger}; font-weight: bold; }}
    QLabel#note {{ color: {t.accent}; font-weight: bold; }}
    QLabel#id_photo {{ border: 2px solid {t.line}; border-radius: 8px; padding: 4px;
              background: {t.surface}; }}
    QLabel#value {{ font-size: {t.title_pt}pt; font-weight: bold; letter-spacing: 4px; }}
    QFrame#panel, QScrollArea#panel {{ background: {t.surface}; border: 2px solid {t.line};
              border-radius: 12px; }}
    QFrame#bar {{ background: {t.accent}; }}
    QFrame#bar QLabel, QFrame#bar QPushButton {{ background: transparent; color: {t.on_accent};
              border: 2px solid {t.on_accent}; }}
    QFrame#bar QLabel {{ border: none; font-size: {t.small_pt}pt; }}
    QFrame#bar QPushButton {{ font-size: {t.small_pt}pt; padding: 4px 12px; }}
    QFrame#bar QPushButton[staff="true"] {{ background: {t.danger}; font-weight: bold;
              font-size: {max(t.text_pt, 26)}pt; }}
    QPushButton {{ min-height: {t.target_px}px; padding: 8px 24px; border-radius: 12px;
              background: {t.surface}; color: {t.text}; border: 3px solid {t.accent}; }}
    QPushButton[primary="true"] {{ background: {t.accent}; color: {t.on_accent}; }}
    QPushButton[tile="true"] {{ min-height: {int(t.target_px * 2)}px;
              font-size: {max(t.text_pt, 26)}pt; }}
    QPushButton[choice="true"] {{ font-size: {t.title_pt}pt; }}
    QLabel#button_words {{ color: {t.text}; }}
    QPushButton[choice="true"] QLabel#button_words {{ font-size: {t.title_pt}pt; }}
    QPushButton[primary="true"] QLabel#button_words {{ color: {t.on_accent}; }}
    QLabel#button_words:disabled,
    QPushButton[primary="true"] QLabel#button_words:disabled {{ color: {t.muted}; }}
    QPushButton[key="true"] {{ min-height: {t.key_px}px; padding: 2px 8px; }}
    QPushButton[staff="true"] {{ background: {t.danger}; color: #FFFFFF;
                                 border-color: {t.danger}; }}
    QPushButton:disabled {{ color: {t.muted}; border-color: {t.line}; background: {t.background}; }}
    QPushButton:pressed {{ background: {t.line}; }}
    QLineEdit {{ min-height: {t.target_px}px; border: 3px solid {t.accent}; border-radius: 8px;
              padding: 0 16px; font-size: {t.title_pt}pt; background: {t.surface}; }}
    QLineEdit[active="false"] {{ border-color: {t.line}; }}
    QLineEdit[active="true"] {{ border-width: 6px; }}
    QTabBar::tab {{ padding: 12px 32px; border: 2px solid {t.line}; background: {t.surface}; }}
    QTabBar::tab:selected {{ background: {t.accent}; color: {t.on_accent};
              border-color: {t.accent}; font-weight: bold; }}
    QWidget#overlay, QWidget#staff_overlay {{ background: rgba(0, 0, 0, 150); }}
    QFrame#bar QLabel#bank_name {{ font-size: {t.small_pt}pt; font-weight: bold; }}
    QFrame#bar QLabel#clock {{ font-size: {t.small_pt}pt; }}
    QLabel#stage_done, QLabel#stage_current, QLabel#stage_todo {{ font-size: {t.small_pt}pt;
              padding: 6px 18px; border-radius: 20px; }}
    QLabel#stage_done {{ color: {t.success}; }}
    QLabel#stage_current {{ background: {t.accent}; color: {t.on_accent}; font-weight: bold; }}
    QLabel#stage_todo {{ color: {t.muted}; }}
    QLabel#pin_box {{ min-width: {t.target_px}px; min-height: {t.target_px}px;
              max-width: {t.target_px}px; max-height: {t.target_px}px; background: {t.surface};
              border: 4px solid {t.line}; border-radius: 12px;
              font-size: {t.title_pt}pt; qproperty-alignment: AlignCenter; }}
    QLabel#pin_box[filled="true"] {{ border-color: {t.accent}; color: {t.accent}; }}
    QPushButton#busy_wheel {{ min-height: 0; border: none; padding: 0; background: transparent; }}
    QLabel#busy_text {{ font-size: {t.text_pt}pt; color: {t.accent}; font-weight: bold; }}
    QLabel#takeaway {{ font-size: {t.takeaway_pt}pt; font-weight: bold; }}
    QLabel#takeaway_label {{ font-size: {t.text_pt}pt; color: {t.muted}; }}
    QFrame#result_success, QFrame#result_refused, QFrame#result_partial, QFrame#result_info {{
              border-radius: 16px; border: 4px solid {t.line}; background: {t.surface}; }}
    QFrame#result_success {{ border-color: {t.success}; }}
    QFrame#result_refused {{ border-color: {t.danger}; }}
    QFrame#result_partial {{ border-color: {t.partial}; }}
    QFrame#result_success QLabel#title {{ color: {t.success}; }}
    QFrame#result_refused QLabel#title {{ color: {t.danger}; }}
    QFrame#result_partial QLabel#title {{ color: {t.partial}; }}
    QFrame#takeaway_box {{ background: {t.surface}; border: 2px solid {t.line};
              border-radius: 12px; }}
    QFrame#amount_line {{ border: 4px solid {t.accent}; border-radius: 12px;
              background: {t.surface}; }}
    QLabel#countdown {{ font-size: {t.title_pt * 2}pt; font-weight: bold; color: {t.accent}; }}
    """
