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
    font_family: str = "WenQuanYi Micro Hei"

    @property
    def key_px(self) -> int:
        """Keypad keys: a little lower than other targets so four rows of them fit beside the
        entry on a 1080-line screen; still well over 60 dp (about 38 px at 100 px an inch)."""
        return round(self.target_px * 0.8)

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


def stylesheet(t: Theme) -> str:
    return f"""
    QWidget {{ background: {t.background}; color: {t.text};
              font-family: "{t.font_family}"; font-size: {t.text_pt}pt; }}
    QLabel#title {{ font-size: {t.title_pt}pt; font-weight: bold; }}
    QLabel#prompt {{ color: {t.muted}; }}
    QLabel#small, QLabel#progress {{ font-size: {t.small_pt}pt; color: {t.muted}; }}
    QLabel#error {{ color: {t.danger}; font-weight: bold; }}
    QLabel#value {{ font-size: {t.title_pt}pt; font-weight: bold; letter-spacing: 4px; }}
    QFrame#panel, QScrollArea#panel {{ background: {t.surface}; border: 2px solid {t.line};
              border-radius: 12px; }}
    QFrame#bar {{ background: {t.accent}; }}
    QFrame#bar QLabel, QFrame#bar QPushButton {{ background: transparent; color: {t.on_accent};
              border: 2px solid {t.on_accent}; }}
    QFrame#bar QLabel {{ border: none; font-size: {t.small_pt}pt; }}
    QFrame#bar QPushButton[staff="true"] {{ background: {t.danger}; font-weight: bold;
              font-size: {t.title_pt}pt; }}
    QPushButton {{ min-height: {t.target_px}px; padding: 8px 24px; border-radius: 12px;
              background: {t.surface}; color: {t.text}; border: 3px solid {t.accent}; }}
    QPushButton[primary="true"] {{ background: {t.accent}; color: {t.on_accent}; }}
    QPushButton[tile="true"] {{ min-height: {int(t.target_px * 2)}px; font-size: {t.title_pt}pt; }}
    QPushButton[choice="true"] {{ font-size: {t.title_pt}pt; }}
    QPushButton[key="true"] {{ min-height: {t.key_px}px; }}
    QPushButton[staff="true"] {{ background: {t.danger}; color: #FFFFFF;
                                 border-color: {t.danger}; }}
    QPushButton:disabled {{ color: {t.muted}; border-color: {t.line}; background: {t.background}; }}
    QPushButton:pressed {{ background: {t.line}; }}
    QLineEdit {{ min-height: {t.target_px}px; border: 3px solid {t.accent}; border-radius: 8px;
              padding: 0 16px; font-size: {t.title_pt}pt; background: {t.surface}; }}
    QWidget#overlay {{ background: rgba(0, 0, 0, 150); }}
    """
