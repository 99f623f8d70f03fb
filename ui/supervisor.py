"""The supervisor screen: staff sign in, then see devices and figures, refill cards, reset a
device, take the kiosk out of service, or quit with the exit code."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.i18n import Catalog
from kiosk.supervisor import Supervisor
from ui.widgets import Keypad, StaffSignIn, button, clear_layout, label

log = logging.getLogger(__name__)


class SupervisorScreen(QWidget):
    def __init__(
        self,
        supervisor: Supervisor,
        catalog: Catalog,
        runner,
        on_leave: Callable[[], None],
        on_exit: Callable[[], None],
    ):
        super().__init__()
        self.supervisor, self.catalog, self.runner = supervisor, catalog, runner
        self._on_leave, self._on_exit = on_leave, on_exit
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(48, 24, 48, 24)
        self.column.setSpacing(16)

    def show_sign_in(self) -> None:
        t = self.catalog.text
        clear_layout(self.column)
        self.column.addWidget(label(t("supervisor.sign_in"), "title"))
        self.message = label("", "error")
        self.column.addWidget(self.message)
        form = StaffSignIn(self.catalog)
        form.submitted.connect(self._sign_in)
        self.column.addWidget(form, 1)
        self.column.addWidget(button(t("common.back"), self._on_leave, name="supervisor_leave"))

    def _sign_in(self, answer: dict) -> None:
        def refused(exc: BaseException) -> None:
            key = getattr(exc, "message_key", "supervisor.error.refused")
            log.warning("supervisor sign-in refused: %s", key)
            self.message.setText(self.catalog.text(key))

        self.runner.run(
            lambda: self.supervisor.sign_in(answer["staff_id"], answer["password"]),
            lambda _none: self.show_dashboard(),
            refused,
        )

    def show_dashboard(self) -> None:
        t = self.catalog.text
        s = self.supervisor
        clear_layout(self.column)
        self.column.addWidget(label(t("supervisor.title", staff=s.staff_id), "title"))
        self.message = label("", "error")
        self.column.addWidget(self.message)
        trouble = s.journal_trouble()
        if trouble is not None:
            detail = trouble.detail
            if trouble.kept_aside:
                detail += "; " + t("journal.staff_kept_aside", file=trouble.kept_aside.name)
            self.column.addWidget(label(t("journal.staff_line", detail=detail), "error"))

        devices = QFrame()
        devices.setObjectName("panel")
        grid = QGridLayout(devices)
        for row, line in enumerate(s.devices()):
            supplies = ", ".join(
                f"{t('supervisor.supply.' + k)}: {v}" for k, v in line.supplies.items()
            )
            grid.addWidget(label(t(f"supervisor.device.{line.device}"), "prompt"), row, 0)
            grid.addWidget(
                label(t(f"supervisor.state.{line.state}"), f"state_{line.device}"), row, 1
            )
            grid.addWidget(label(supplies, "small"), row, 2)
            grid.addWidget(
                button(
                    t("supervisor.reset"),
                    self._act(partial(s.reset_device, line.device)),
                    name=f"reset_{line.device}",
                ),
                row,
                3,
            )
        self.column.addWidget(devices)

        left = s.left_behind()
        if left:
            self.column.addWidget(label(t("supervisor.left.title"), "prompt"))
            lines = [t(f"supervisor.left.{i.item}.{i.state}", at=i.at, card=i.detail) for i in left]
            self.column.addWidget(label("\n".join(lines), "value"))

        figures = s.figures()
        self.column.addWidget(label(t("supervisor.figures"), "prompt"))
        self.column.addWidget(
            label(
                "\n".join(f"{k}: {v}" for k, v in figures.items()) or t("supervisor.no_figures"),
                "figures",
            )
        )

        self.entry = QLineEdit()
        self.entry.setObjectName("supervisor_entry")
        self.entry.setReadOnly(True)
        keypad = Keypad(t("common.delete"), t("common.clear"))
        keypad.key.connect(self._key)
        entry_row = QHBoxLayout()
        entry_column = QVBoxLayout()
        entry_column.addWidget(label(t("supervisor.entry"), "small"))
        entry_column.addWidget(self.entry)
        entry_column.addWidget(keypad)
        entry_row.addLayout(entry_column, 2)
        actions = QVBoxLayout()
        in_service = s.kiosk.in_service
        for name, key, action in (
            ("refill_cards", "supervisor.refill_cards", self._refill),
            (
                "service_toggle",
                "supervisor.out_of_service" if in_service else "supervisor.in_service",
                self._act(lambda: s.set_in_service(not s.kiosk.in_service)),
            ),
            ("exit_app", "supervisor.exit", self._exit),
            ("sign_out", "supervisor.sign_out", self._sign_out),
        ):
            actions.addWidget(button(t(key), action, name=name))
        entry_row.addLayout(actions, 1)
        self.column.addLayout(entry_row, 1)

    def _key(self, key: str) -> None:
        text = self.entry.text()
        self.entry.setText(text[:-1] if key == "delete" else "" if key == "clear" else text + key)

    def _act(self, action: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                action()
            except Exception as exc:
                log.exception("supervisor action failed")
                self.message.setText(
                    self.catalog.text(getattr(exc, "message_key", "supervisor.error.failed"))
                )
                return
            self.show_dashboard()

        return run

    def _refill(self) -> None:
        count = int(self.entry.text() or "0")
        self._act(lambda: self.supervisor.refill_cards(count))()

    def _exit(self) -> None:
        if self.supervisor.may_exit(self.entry.text()):
            self._on_exit()
        else:
            self.entry.clear()
            self.message.setText(self.catalog.text("supervisor.error.exit_code"))

    def _sign_out(self) -> None:
        self.supervisor.sign_out()
        self._on_leave()
