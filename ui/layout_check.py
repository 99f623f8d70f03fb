"""The storyboard's check of a drawn screen: text that does not fit its widget, widgets of one
layout drawn over each other, and words missing from the catalogs.

It looks at what Qt laid out, not at the code: a label's text measured in its own font (the
style sheet's) against its contents rectangle, a button's lines against the style's contents
rectangle, an entry's text against its text area. Overlays and dialogs float over the screen
by design and are not part of any layout, so they never count as overlapping.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import combinations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QStyle,
    QStyleOptionButton,
    QStyleOptionFrame,
    QWidget,
)

SLACK_PX = 1  # rounding between Qt's own measure and ours
ELLIPSIS = "…"
# A message key shown instead of its text: dotted lower-case words, e.g. "bill_payment.title".
RAW_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
PLACEHOLDER = re.compile(r"\{[a-z_][a-z0-9_]*\}")


@dataclass(frozen=True)
class Offence:
    kind: str  # clipped, elided, overlap, off_parent, off_screen, missing
    where: str  # the widget's object name path
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.where}: {self.detail}"


def _name(widget: QWidget) -> str:
    parts: list[str] = []
    at: QWidget | None = widget
    while at is not None and len(parts) < 4:
        parts.append(at.objectName() or type(at).__name__)
        at = at.parentWidget()
    return "/".join(reversed(parts))


def _shown(widget: QWidget, root: QWidget) -> bool:
    return widget.isVisibleTo(root) and widget.width() > 0 and widget.height() > 0


def _label_needs(label: QLabel) -> tuple[int, int, int, int]:
    """(width, height) the text needs and (width, height) it has."""
    box = label.contentsRect()
    margin = label.margin()
    box.adjust(margin, margin, -margin, -margin)
    metrics = QFontMetrics(label.font())
    flags = int(label.alignment())
    if label.wordWrap():
        flags |= int(Qt.TextFlag.TextWordWrap)
        bounds = QRect(0, 0, box.width(), 100_000)
    else:
        bounds = QRect(0, 0, 100_000, 100_000)
    needed = metrics.boundingRect(bounds, flags, label.text())
    return needed.width(), needed.height(), box.width(), box.height()


def _button_needs(button: QPushButton) -> tuple[int, int, int, int]:
    option = QStyleOptionButton()
    button.initStyleOption(option)
    box = button.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, option, button)
    size = QFontMetrics(button.font()).size(int(Qt.TextFlag.TextShowMnemonic), button.text())
    width = size.width()
    if not button.icon().isNull():
        width += button.iconSize().width() + 4
    return width, size.height(), box.width(), box.height()


def _entry_needs(entry: QLineEdit) -> tuple[int, int, int, int]:
    option = QStyleOptionFrame()
    entry.initStyleOption(option)
    box = entry.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, entry)
    margins = entry.textMargins()
    shown = entry.displayText()
    metrics = QFontMetrics(entry.font())
    return (
        metrics.horizontalAdvance(shown) + margins.left() + margins.right(),
        metrics.height(),
        box.width(),
        box.height(),
    )


def _text_of(widget: QWidget) -> str | None:
    if isinstance(widget, QLabel) and widget.textFormat() is not Qt.TextFormat.RichText:
        return widget.text() if widget.pixmap().isNull() else None
    if isinstance(widget, QPushButton | QLineEdit):
        return widget.text()
    return None


def _fit(widget: QWidget) -> Offence | None:
    if isinstance(widget, QLabel):
        needs = _label_needs(widget)
    elif isinstance(widget, QPushButton):
        needs = _button_needs(widget)
    elif isinstance(widget, QLineEdit):
        needs = _entry_needs(widget)
    else:
        return None
    need_w, need_h, have_w, have_h = needs
    if need_w > have_w + SLACK_PX or need_h > have_h + SLACK_PX:
        text = _text_of(widget) or ""
        return Offence(
            "clipped",
            _name(widget),
            f"{text[:40]!r} needs {need_w}x{need_h}, has {have_w}x{have_h}",
        )
    return None


def _elided(text: str, catalog_texts: frozenset[str]) -> bool:
    """A text ending in '…' that no catalog text ends in the same way was cut short by Qt."""
    if ELLIPSIS not in text:
        return False
    before = text.split(ELLIPSIS)[0][-3:] + ELLIPSIS
    return not any(before in t for t in catalog_texts)


def _layout_widgets(layout: QLayout) -> Iterator[QWidget]:
    for i in range(layout.count()):
        item = layout.itemAt(i)
        if item is None:
            continue
        widget, inner = item.widget(), item.layout()
        if widget is not None:
            yield widget
        elif inner is not None:
            yield from _layout_widgets(inner)


def _overlaps(parent: QWidget, root: QWidget) -> Iterator[Offence]:
    layout = parent.layout()
    if layout is None:
        return
    siblings = [w for w in _layout_widgets(layout) if _shown(w, root)]
    inside = parent.rect()
    for w in siblings:
        g = w.geometry()
        if not inside.adjusted(-SLACK_PX, -SLACK_PX, SLACK_PX, SLACK_PX).contains(g):
            yield Offence("off_parent", _name(w), f"{_rect(g)} outside {_rect(inside)}")
    for a, b in combinations(siblings, 2):
        common = a.geometry().intersected(b.geometry())
        if common.width() > SLACK_PX and common.height() > SLACK_PX:
            yield Offence("overlap", _name(a), f"{_name(b)} over it at {_rect(common)}")


def _rect(r: QRect) -> str:
    return f"{r.width()}x{r.height()}+{r.x()}+{r.y()}"


def check(
    root: QWidget, catalog_texts: frozenset[str] = frozenset(), screen: QSize | None = None
) -> list[Offence]:
    """Offences of the screen drawn in `root` (laid out and shown). `catalog_texts` are the
    catalog's texts in the language shown, so an ellipsis the catalog wrote is not an elision;
    `screen` is the display's size, which a window whose layout needs more outgrows."""
    offences: list[Offence] = []
    if screen is not None and (root.width() > screen.width() or root.height() > screen.height()):
        offences.append(
            Offence(
                "off_screen",
                _name(root),
                f"{root.width()}x{root.height()} on a {screen.width()}x{screen.height()} screen",
            )
        )
    for widget in [root, *root.findChildren(QWidget)]:
        if widget is not root and not _shown(widget, root):
            continue
        offences.extend(_overlaps(widget, root))
        text = _text_of(widget)
        if not text:
            continue
        fit = _fit(widget)
        if fit:
            offences.append(fit)
        if _elided(text, catalog_texts):
            offences.append(Offence("elided", _name(widget), repr(text[:40])))
        for line in text.splitlines():
            if RAW_KEY.match(line.strip()) or PLACEHOLDER.search(line):
                offences.append(Offence("missing", _name(widget), f"raw text {line.strip()!r}"))
    return offences


class _MissingWords(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def missing_words() -> Iterator[list[str]]:
    """Collects what the catalogs could not give while drawing: a key missing in the language
    shown (the fallback language's text was used), in every catalog, or not fitting its
    parameters. Yields the list it fills."""
    handler = _MissingWords()
    logger = logging.getLogger("kiosk.i18n")
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
