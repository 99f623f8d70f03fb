"""What the screens show besides words: our own SVG illustrations (assets/), the bank's logo,
and icons from qtawesome's fonts (Material Design Icons) for services, results and buttons.

The icons are drawn here from the font and charmap qtawesome ships, the way qtawesome draws
them (the glyph 7/8 of the icon's height, centred), without importing qtawesome: its import
goes through qtpy, which loads every class of QtCore, QtGui and QtWidgets, about a third of a
second of a cold start on a 2-core machine before the attract screen could be painted.

Illustrations are drawn by QSvgRenderer; their motion (a card sliding into the slot) is the
SVG's own animateTransform, repainted by Qt's renderer timer at a few frames a second, so the
event loop does no work of ours for it.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.util import find_spec
from pathlib import Path

from PySide6.QtCore import QRect, QSize, Qt, QTimer
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QIcon,
    QIconEngine,
    QPainter,
    QPalette,
    QPixmap,
)
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import QApplication, QSizePolicy, QWidget

ASSETS = Path(__file__).resolve().parent.parent / "assets"
DEFAULT_LOGO = ASSETS / "brand" / "logo.svg"
FRAMES_PER_SECOND = 20  # enough for a card sliding; each frame is one small SVG paint

SERVICE_ICONS = {
    "account_opening": "mdi6.account-plus",
    "card_issue": "mdi6.credit-card-plus",
    "bill_payment": "mdi6.receipt-text",
    "appointment_checkin": "mdi6.calendar-check",
    "guide": "mdi6.compass",
}
OTHER_SERVICE_ICON = "mdi6.bank"  # a service added without a picture of its own
OUTCOME_ICONS = {
    "success": "mdi6.check-circle",
    "refused": "mdi6.close-circle",
    "partial": "mdi6.alert-circle",
    "": "mdi6.information",
}
BUSY_ICON = "mdi6.loading"
LANGUAGE_ICON = "mdi6.translate"
STAFF_ICON = "mdi6.account-tie-voice"


def illustration_path(name: str | None) -> Path | None:
    """A step's illustration by name (the SVG of its stem), or None when there is none."""
    if not name:
        return None
    path = ASSETS / "illustrations" / f"{Path(name).stem}.svg"
    return path if path.is_file() else None


ICON_FONT = "materialdesignicons6-webfont-6.9.96"  # qtawesome's mdi6 prefix
SPIN_MS, SPIN_STEP = 50, 18  # 20 steps a second: a wheel, not a load on the loop


@cache
def _icon_font() -> tuple[str, dict[str, int]]:
    """The Material Design Icons font's family, loaded once, and its names' code points."""
    spec = find_spec("qtawesome")  # found, never imported
    assert spec is not None and spec.submodule_search_locations
    fonts = Path(next(iter(spec.submodule_search_locations))) / "fonts"
    font_id = QFontDatabase.addApplicationFont(str(fonts / f"{ICON_FONT}.ttf"))
    family = QFontDatabase.applicationFontFamilies(font_id)[0]
    charmap = json.loads(
        (fonts / f"{ICON_FONT.replace('-webfont', '-webfont-charmap')}.json").read_text(
            encoding="utf-8"
        )
    )
    return family, {name: int(code, 16) for name, code in charmap.items()}


class _GlyphEngine(QIconEngine):
    """One glyph of the icon font in one colour (the palette's disabled colour when disabled);
    `spin_on` turns it a step every SPIN_MS while that widget is shown."""

    def __init__(self, glyph: str, colour: str, spin_on: QWidget | None):
        super().__init__()
        self._glyph, self._colour = glyph, QColor(colour)
        self._angle = 0
        self._spin_on = spin_on
        self._timer: QTimer | None = None

    def _turn(self) -> None:
        assert self._spin_on is not None and self._timer is not None
        if not self._spin_on.isVisible():
            self._timer.stop()  # started again by the next paint
            return
        self._angle = (self._angle + SPIN_STEP) % 360
        self._spin_on.update()

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        painter.save()
        colour = self._colour
        if mode == QIcon.Mode.Disabled:
            colour = QApplication.palette().color(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
            )
        painter.setPen(colour)
        font = QFont(_icon_font()[0])
        font.setPixelSize(round(0.875 * rect.height()))
        painter.setFont(font)
        if self._spin_on is not None:
            if self._timer is None:
                self._timer = QTimer(self._spin_on)
                self._timer.timeout.connect(self._turn)
            if not self._timer.isActive():
                self._timer.start(SPIN_MS)
            centre = rect.center()
            painter.translate(centre)
            painter.rotate(self._angle)
            painter.translate(-centre)
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), self._glyph)
        painter.restore()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        self.paint(painter, QRect(0, 0, size.width(), size.height()), mode, state)
        painter.end()
        return pixmap

    def clone(self) -> QIconEngine:
        return _GlyphEngine(
            self._glyph, self._colour.name(QColor.NameFormat.HexArgb), self._spin_on
        )


def icon(name: str, colour: str, *, spin_on: QWidget | None = None) -> QIcon:
    """An icon of Material Design Icons ("mdi6.translate"); `spin_on` a widget to spin it on
    (the busy wheel)."""
    prefix, _, glyph_name = name.partition(".")
    if prefix != "mdi6":
        raise ValueError(f"not a Material Design Icons 6 name: {name!r}")
    code = _icon_font()[1][glyph_name]  # a KeyError names a misspelt icon
    return QIcon(_GlyphEngine(chr(code), colour, spin_on))


class Picture(QSvgWidget):
    """An SVG kept in proportion inside whatever room the layout gives it."""

    def __init__(self, path: Path, size: QSize | None = None):
        super().__init__(str(path))
        self.setObjectName("picture")
        renderer = self.renderer()
        renderer.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
        renderer.setFramesPerSecond(FRAMES_PER_SECOND)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        if size is not None:
            self.setFixedSize(size)

    @property
    def animated(self) -> bool:
        return self.renderer().animated()


def logo(configured: str, height: int) -> Picture:
    """The bank's configured logo, or our neutral one."""
    path = Path(configured).expanduser() if configured else DEFAULT_LOGO
    if not path.is_file():
        path = DEFAULT_LOGO
    picture = Picture(path)
    picture.setObjectName("logo")
    picture.setFixedSize(height, height)
    return picture
