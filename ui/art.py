"""What the screens show besides words: our own SVG illustrations (assets/), the bank's logo,
and icons from qtawesome's fonts (Material Design Icons) for services, results and buttons.

Illustrations are drawn by QSvgRenderer; their motion (a card sliding into the slot) is the
SVG's own animateTransform, repainted by Qt's renderer timer at a few frames a second, so the
event loop does no work of ours for it.
"""

from __future__ import annotations

from pathlib import Path

import qtawesome
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import QSizePolicy

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


def icon(name: str, colour: str, *, spin_on=None) -> QIcon:
    """An icon from qtawesome; `spin_on` a widget to spin it on (the busy wheel)."""
    if spin_on is not None:
        # 20 steps a second, not qtawesome's default 100: a wheel, not a load on the loop
        spin = qtawesome.Spin(spin_on, interval=50, step=18)
        return qtawesome.icon(name, color=colour, animation=spin)
    return qtawesome.icon(name, color=colour)


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
