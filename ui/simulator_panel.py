"""The demonstrator's hands when the devices are simulated: put an ID card or a bank card in,
press PIN pad keys, show a face or a QR code to the camera, take a card, load paper.

It opens below the top bar (the kiosk number, call staff and the staff notices stay in view)
and never echoes which PIN pad key was pressed: someone may be watching the demonstrator.

It exists only when at least one device runs its simulator (a development run or a branch
demo); on a kiosk with real devices there is nothing to toggle it with.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from hardware.demo_people import PEOPLE
from hardware.errors import DeviceError
from kiosk.i18n import Catalog
from ui.widgets import button, clear_layout, label

# What the camera can be shown: the QR codes of docs/demo-data.md.
DEMO_CODES = (
    "BILL:water:1001234567",
    "BILL:electricity:2002345678",
    "BILL:gas:3003456789",
    "APPT:APT-7F3K9Q",
    "APPT:APT-2M8X4R",
    "APPT:APT-9VIP01",
    "APPT:APT-LATE77",
)
PIN_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "enter")


def is_simulated(device: object) -> bool:
    return type(device).__module__.endswith(".simulated")


class SimulatorPanel(QFrame):
    def __init__(self, parent: QWidget, devices, catalog: Catalog):
        super().__init__(parent)
        self.setObjectName("panel")
        self.devices, self.catalog = devices, catalog
        # More sections from outside the devices (the headphone jack): () -> (title, actions)
        self.extra_sections: list[Callable[[], tuple[str, list]]] = []
        outer = QVBoxLayout(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        holder = QWidget()
        self.column = QVBoxLayout(holder)
        scroll.setWidget(holder)
        outer.addWidget(scroll)
        self.status = QLabel()
        self.status.setObjectName("small")
        outer.addWidget(self.status)
        self.hide()

    def toggle(self) -> None:
        if self.isVisible():
            self.hide()
            return
        self.rebuild()
        parent = self.parentWidget()
        assert parent is not None  # the panel is always made on the window
        bar = parent.findChild(QFrame, "bar")
        top = bar.mapTo(parent, bar.rect().bottomLeft()).y() + 1 if bar else 0
        width = min(640, parent.width() // 3)
        self.setGeometry(parent.width() - width, top, width, parent.height() - top)
        self.show()
        self.raise_()

    def rebuild(self) -> None:
        clear_layout(self.column)
        d, t = self.devices, self.catalog.text
        if is_simulated(d.id_card_reader):
            self._section(
                t("simulator.id_card"),
                [
                    (
                        f"sim_id_{p.person_id}",
                        p.name,
                        lambda h=p.person_id: d.id_card_reader.insert(h),
                    )
                    for p in PEOPLE.values()
                ]
                + [("sim_id_take", t("simulator.remove"), d.id_card_reader.take)],
            )
        if is_simulated(d.card_reader):
            self._section(
                t("simulator.bank_card"),
                [
                    (
                        f"sim_card_{p.person_id}",
                        p.name,
                        lambda h=p.person_id: d.card_reader.insert(h),
                    )
                    for p in PEOPLE.values()
                    if p.pan
                ]
                + [
                    (
                        "sim_staff_card",
                        t("simulator.staff_card", staff="800101"),
                        lambda: d.card_reader.insert_staff_card("800101"),
                    ),
                    ("sim_card_take", t("simulator.take_card"), d.card_reader.take),
                ],
            )
        if is_simulated(d.pin_pad):
            self._section(
                t("simulator.pin_pad"),
                [
                    (
                        f"sim_key_{key}",
                        key if key.isdigit() else t(f"simulator.key.{key}"),
                        partial(d.pin_pad.press, key),
                    )
                    for key in PIN_KEYS + ("cancel",)
                ],
                columns=3,
                said=t("simulator.key_pressed"),
            )
        if is_simulated(d.camera):
            self._section(
                t("simulator.camera"),
                [
                    ("sim_face_on", t("simulator.face_on"), lambda: d.camera.set_face(True)),
                    ("sim_face_off", t("simulator.face_off"), lambda: d.camera.set_face(False)),
                ]
                + [
                    (f"sim_code_{i}", code, lambda c=code: d.camera.show_code(c))
                    for i, code in enumerate(DEMO_CODES)
                ]
                + [("sim_code_none", t("simulator.no_code"), lambda: d.camera.show_code(None))],
                columns=1,
            )
        if is_simulated(d.card_dispenser):
            self._section(
                t("simulator.dispenser"),
                [
                    ("sim_dispenser_take", t("simulator.take_card"), d.card_dispenser.take),
                    (
                        "sim_dispenser_refill",
                        t("simulator.refill"),
                        lambda: d.card_dispenser.set_stock(50),
                    ),
                ],
            )
        if is_simulated(d.printer):
            self._section(
                t("simulator.printer"),
                [
                    ("sim_paper", t("simulator.load_paper"), lambda: d.printer.load_paper(2000)),
                ],
            )
        for section in self.extra_sections:
            self._section(*section())
        self.column.addStretch(1)

    def _section(
        self,
        title: str,
        actions: list[tuple[str, str, Callable[[], None]]],
        columns: int = 2,
        said: str | None = None,
    ) -> None:
        """A device's buttons; each action is (object name, text, what it does). The status line
        repeats the button's text, or `said` where the text itself must not be shown again."""
        self.column.addWidget(label(title, "prompt"))
        grid = QGridLayout()
        for i, (name, text, action) in enumerate(actions):
            run = self._done(said or text, action)
            grid.addWidget(button(text, run, name=name), i // columns, i % columns)
        self.column.addLayout(grid)

    def _done(self, text: str, action: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                action()
                self.status.setText(text)
            except (DeviceError, ValueError) as exc:  # a simulator refusing is news
                self.status.setText(f"{text}: {exc}")

        return run

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
        else:
            event.ignore()
