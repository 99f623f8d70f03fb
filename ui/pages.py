"""The attract screen a kiosk shows between customers, and the home screen of services."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from kiosk.i18n import Catalog
from kiosk.kiosk import Service
from ui.theme import Theme
from ui.widgets import button, clear_layout, label


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
    """Large tiles for the services; a service that cannot run now is shown as paused."""

    def __init__(self, on_service: Callable[[str], None], on_guide: Callable[[], None]):
        super().__init__()
        self._on_service, self._on_guide = on_service, on_guide
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(64, 32, 64, 32)
        self.layout_.setSpacing(24)

    def show_services(self, services: list[Service], catalog: Catalog, theme: Theme) -> None:
        clear_layout(self.layout_)
        self.layout_.addWidget(label(catalog.text("ui.home.title"), "title"))
        tiles = QWidget()
        grid = QGridLayout(tiles)
        grid.setSpacing(24)
        columns = 2
        for i, service in enumerate(services[: theme.choices_per_page]):
            text = catalog.text(service.home.tile)
            hint = catalog.text(
                service.home.tile_hint if service.available else "ui.home.unavailable"
            )
            tile = button(
                f"{text}\n{hint}",
                partial(self._on_service, service.flow_id),
                name=f"service_{service.flow_id}",
                tile=True,
                primary=service.available,
            )
            tile.setEnabled(service.available)
            grid.addWidget(tile, i // columns, i % columns)
        self.layout_.addWidget(tiles, 1)
        guide = button(
            f"{catalog.text('guide.title')} — {catalog.text('guide.hint')}",
            self._on_guide,
            name="service_guide",
        )
        self.layout_.addWidget(guide, 0, Qt.AlignmentFlag.AlignBottom)
