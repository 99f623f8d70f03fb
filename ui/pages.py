"""The attract screen a kiosk shows between customers, and the home screen of services."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QGridLayout, QPushButton, QVBoxLayout, QWidget

from kiosk.flows.model import Home
from kiosk.i18n import Catalog
from kiosk.kiosk import Service
from ui.art import OTHER_SERVICE_ICON, SERVICE_ICONS, icon
from ui.theme import Theme
from ui.widgets import button, clear_layout, label, paged

# the guide is a tile like the services (its spoken name is not asked for here)
GUIDE = Service("guide", True, Home(0, "guide.title", "guide.hint", say="guide.title"))


class AttractScreen(QWidget):
    """Any touch wakes the kiosk."""

    touched = Signal()

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        self.title = label("", "title", centre=True)
        self.services = label("", "prompt", centre=True)
        self.prompt = label("", "value", centre=True)
        for widget in (self.title, self.services, self.prompt):
            layout.addWidget(widget)
        layout.addStretch(3)

    def retranslate(
        self, catalog: Catalog, in_service: bool = True, reason_key: str | None = None
    ) -> None:
        if in_service:
            self.title.setText(catalog.text("ui.attract.title"))
            self.services.setText(catalog.text("ui.attract.services"))
            self.prompt.setText(catalog.text("ui.attract.prompt"))
        else:
            self.title.setText(catalog.text("ui.out_of_service.title"))
            self.services.setText(catalog.text(reason_key or "ui.out_of_service.prompt"))
            self.prompt.setText("")

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.touched.emit()
        event.accept()


class HomeScreen(QWidget):
    """Large tiles for the services and the guide, each with its icon; a service that cannot
    run now is shown as paused. Care mode pages them: three tiles and "more" at most."""

    def __init__(self, on_service: Callable[[str], None], on_guide: Callable[[], None]):
        super().__init__()
        self._on_service, self._on_guide = on_service, on_guide
        self._page = 0
        self._shown: tuple[list[Service], Catalog, Theme] | None = None
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(64, 32, 64, 32)
        self.layout_.setSpacing(24)

    def show_services(
        self, services: list[Service], catalog: Catalog, theme: Theme, page: int = 0
    ) -> None:
        self._shown, self._page = (services, catalog, theme), page
        clear_layout(self.layout_)
        self.layout_.addWidget(label(catalog.text("ui.home.title"), "title"))
        tiles = QWidget()
        grid = QGridLayout(tiles)
        grid.setSpacing(24)
        items = [*services, GUIDE]
        shown, more = paged(items, theme.choices_per_page, page)
        cells = [self._tile(item, catalog, theme) for item in shown]
        if more:
            cells.append(
                button(catalog.text("common.more"), self._next_page, name="more", tile=True)
            )
        for i, cell in enumerate(cells):
            last_alone = i == len(cells) - 1 and i % 2 == 0
            grid.addWidget(cell, i // 2, i % 2, 1, 2 if last_alone else 1)
        self.layout_.addWidget(tiles, 1)

    def _tile(self, service: Service, catalog: Catalog, theme: Theme) -> QPushButton:
        flow_id = service.flow_id
        text = catalog.text(service.home.tile)
        hint = catalog.text(service.home.tile_hint if service.available else "ui.home.unavailable")
        tile = button(
            f"{text}\n{hint}",
            self._on_guide if service is GUIDE else partial(self._on_service, flow_id),
            name=f"service_{flow_id}",
            tile=True,
            primary=service.available and service is not GUIDE,
        )
        colour = theme.on_accent if tile.property("primary") else theme.accent
        tile.setIcon(icon(SERVICE_ICONS.get(flow_id, OTHER_SERVICE_ICON), colour))
        tile.setIconSize(QSize(theme.target_px, theme.target_px))
        tile.setEnabled(service.available)
        return tile

    def _next_page(self) -> None:
        assert self._shown is not None  # "more" is only on a drawn page
        services, catalog, theme = self._shown
        self.show_services(services, catalog, theme, self._page + 1)
