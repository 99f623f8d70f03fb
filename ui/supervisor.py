"""The supervisor screen: staff sign in, then find devices, supplies, figures, the journal and
the service switches on tabs that fit a 1080-line screen (lists scroll). Staff are signed out
after a while without a touch, and whenever the screen is left."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from statistics import median

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.figures_store import p90
from kiosk.i18n import Catalog
from kiosk.journal.journal import Entry
from kiosk.supervisor import Supervisor, SupervisorRefused
from ui.widgets import Keypad, StaffSignIn, button, clear_layout, label

log = logging.getLogger(__name__)

TABS = ("devices", "supplies", "figures", "journal", "service")


def _scrolling(content: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(content)
    return area


def _scrolling_layout(layout: QVBoxLayout) -> QScrollArea:
    content = QWidget()
    content.setLayout(layout)
    return _scrolling(content)


def _seconds(value: float | None, catalog: Catalog) -> str:
    if value is None:
        return catalog.text("supervisor.panel.not_known")
    return catalog.text("supervisor.panel.seconds_value", seconds=round(value))


def _percent(value: float | None, catalog: Catalog) -> str:
    return catalog.text("supervisor.panel.not_known") if value is None else f"{value:.0%}"


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
        self.column.setContentsMargins(48, 16, 48, 16)
        self.column.setSpacing(12)
        self.tabs: QTabWidget | None = None
        # other parts add what does not work that the device list should show (message keys)
        self.notices: list[Callable[[], list[str]]] = []
        self._trend_days = 7
        # No touch for a while: staff walked away; the next customer must not inherit the panel.
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.timeout.connect(self._idle)

    # --- coming and going -------------------------------------------------------------------

    def touched(self) -> None:
        """Any touch on this screen keeps staff signed in a while longer."""
        self.idle.start(int(self.supervisor.settings.idle_sign_out_s * 1000))

    def leave(self, why: str = "left") -> None:
        """The screen is left for a customer's: staff are signed out first, always."""
        self.idle.stop()
        self.supervisor.sign_out(why)

    def _idle(self) -> None:
        log.warning("supervisor screen idle: signing out")
        self.leave("idle")
        self._on_leave()

    def show_sign_in(self) -> None:
        t = self.catalog.text
        self.tabs = None
        clear_layout(self.column)
        self.column.addWidget(label(t("supervisor.sign_in"), "title"))
        self.message = label("", "error")
        self.column.addWidget(self.message)
        form = StaffSignIn(self.catalog)
        form.submitted.connect(self._sign_in)
        self.column.addWidget(form, 1)
        self.column.addWidget(button(t("common.back"), self._on_leave, name="supervisor_leave"))
        self.touched()

    def _sign_in(self, answer: dict) -> None:
        def refused(exc: BaseException) -> None:
            key = getattr(exc, "message_key", "supervisor.error.refused")
            log.warning("supervisor sign-in refused: %s", key)
            self.message.setText(self.catalog.text(key, **getattr(exc, "params", {})))

        self.runner.run(
            lambda: self.supervisor.sign_in(answer["staff_id"], answer["password"]),
            lambda _none: self.show_dashboard(),
            refused,
        )

    # --- the panel --------------------------------------------------------------------------

    def show_dashboard(self, tab: str = "devices") -> None:
        t = self.catalog.text
        clear_layout(self.column)
        header = QHBoxLayout()
        header.setSpacing(24)
        title = t("supervisor.title", staff=self.supervisor.staff_id)
        header.addWidget(label(title, "title", wrap=False))
        self.message = label("", "error")  # beside the title: the tabs keep the height
        header.addWidget(self.message, 1)
        header.addWidget(button(t("supervisor.sign_out"), self._sign_out, name="sign_out"))
        self.column.addLayout(header)
        trouble = self.supervisor.journal_trouble()
        if trouble is not None:
            detail = trouble.detail
            if trouble.kept_aside:
                detail += "; " + t("journal.staff_kept_aside", file=trouble.kept_aside.name)
            self.column.addWidget(label(t("journal.staff_line", detail=detail), "error"))
        self.tabs = QTabWidget()
        self.tabs.setObjectName("supervisor_tabs")
        for name in TABS:
            self.tabs.addTab(getattr(self, f"_{name}_tab")(), t(f"supervisor.tab.{name}"))
        self.column.addWidget(self.tabs, 1)
        self.show_tab(tab)
        self.touched()

    def show_tab(self, name: str) -> None:
        """Opens one tab (the storyboard and tests open each by name)."""
        if self.tabs is None:
            raise RuntimeError("staff are not signed in")
        self.tabs.setCurrentIndex(TABS.index(name))

    def current_tab(self) -> str | None:
        return TABS[self.tabs.currentIndex()] if self.tabs is not None else None

    def _devices_tab(self) -> QWidget:
        t, s = self.catalog.text, self.supervisor
        content = QWidget()
        grid = QGridLayout(content)
        grid.setHorizontalSpacing(24)
        for row, line in enumerate(s.devices()):
            grid.addWidget(label(t(f"supervisor.device.{line.device}"), "prompt"), row, 0)
            grid.addWidget(
                label(t(f"supervisor.state.{line.state}"), f"state_{line.device}"), row, 1
            )
            if line.message_key:  # the device's last problem, in words
                grid.addWidget(label(t(line.message_key), f"problem_{line.device}"), row, 2)
            reset = button(
                t("supervisor.reset"),
                self._act(partial(s.reset_device, line.device), "devices"),
                name=f"reset_{line.device}",
            )
            reset.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
            grid.addWidget(reset, row, 3)
        for key in (k for notices in self.notices for k in notices()):
            # what does not work without being a device: voice input in this language, say
            row = grid.rowCount()
            grid.addWidget(label(t("supervisor.device.voice"), "prompt"), row, 0)
            grid.addWidget(label(t(key), "voice_notice"), row, 1, 1, 3)
        grid.setColumnStretch(2, 1)
        left = s.left_behind()
        if left:  # cards and ID cards customers walked away from: staff see them first
            grid.addWidget(label(t("supervisor.left.title"), "prompt"), grid.rowCount(), 0, 1, 4)
            for i in left:
                text = t(f"supervisor.left.{i.item}.{i.state}", at=i.at, card=i.detail)
                grid.addWidget(label(text, "small"), grid.rowCount(), 0, 1, 4)
        grid.setRowStretch(grid.rowCount(), 1)
        return _scrolling(content)

    def _supplies_tab(self) -> QWidget:
        t = self.catalog.text
        page = QWidget()
        row = QHBoxLayout(page)
        listing = QVBoxLayout()
        for line in self.supervisor.devices():
            for supply, value in line.supplies.items():
                text = t(
                    "supervisor.panel.supply_line",
                    device=t(f"supervisor.device.{line.device}"),
                    supply=t(f"supervisor.supply.{supply}"),
                    value=value if isinstance(value, int) else t(f"supervisor.level.{value}"),
                )
                listing.addWidget(label(text, f"supply_{line.device}_{supply}"))
        listing.addStretch(1)
        row.addWidget(_scrolling_layout(listing), 3)
        refill = button(
            t("supervisor.refill_cards"), self._refill, name="refill_cards", primary=True
        )
        self.cards_entry = self._entry(
            "cards_entry", row, t("supervisor.panel.cards_loaded"), refill
        )
        return page

    def _figures_tab(self) -> QWidget:
        t, figures = self.catalog.text, self.supervisor.services.figures
        store, today = figures.store, figures.today
        flows = store.flows(today).values()
        started, completed = sum(f.started for f in flows), sum(f.completed for f in flows)
        content = QWidget()
        column = QVBoxLayout(content)
        summary = t(
            "supervisor.panel.today",
            started=started,
            completed=completed,
            referred=sum(f.referred for f in flows),
            abandoned=sum(f.abandoned for f in flows),
        )
        column.addWidget(label(summary, "figures_today"))
        rate = completed / started if started else None
        column.addWidget(
            label(t("supervisor.panel.self_service", rate=_percent(rate, self.catalog)), "small")
        )
        tickets = store.counter_count(today)
        share = t(
            "supervisor.panel.share",
            tickets=t("supervisor.panel.not_known") if tickets is None else tickets,
            share=t("supervisor.panel.no_counter_figures")
            if tickets == 0  # nothing to take a share of: not "100%"
            else _percent(store.kiosk_share(today), self.catalog),
        )
        column.addWidget(label(share, "small"))
        seconds = [s for f in flows for s in f.seconds]
        handling = t(
            "supervisor.panel.handling_today",
            median=_seconds(median(seconds) if seconds else None, self.catalog),
            p90=_seconds(p90(seconds) if seconds else None, self.catalog),
        )
        column.addWidget(label(handling, "small"))
        buttons = QHBoxLayout()
        for days in (7, 30):
            buttons.addWidget(
                button(
                    t("supervisor.panel.trend", days=days),
                    partial(self._show_trend, days),
                    name=f"trend_{days}",
                    primary=days == self._trend_days,
                )
            )
        buttons.addWidget(button(t("supervisor.panel.export"), self._export, name="export_csv"))
        column.addLayout(buttons)
        charts = QGridLayout()
        # QtCharts loads when staff first open the figures, not with the kiosk's window
        from ui.figures_charts import (
            funnel_chart,
            handling_chart,
            readable,
            trend_chart,
            where_and_why_tables,
        )

        views = (
            funnel_chart(store, today, self.catalog),
            handling_chart(store, today, self.catalog),
            trend_chart(store, today, self._trend_days, self.catalog),
        )
        for view in views:
            readable(view, self.catalog.language)
        # today's what beside where and why on top; time (handling, trend) below (scrolls)
        charts.addWidget(views[0], 0, 0)
        tables = where_and_why_tables(store, today, self.catalog, self._step_title)
        tables.setObjectName("where_and_why")
        charts.addWidget(tables, 0, 1)
        charts.addWidget(views[1], 1, 0)
        charts.addWidget(views[2], 1, 1)
        charts.setColumnStretch(0, 1)
        charts.setColumnStretch(1, 1)
        column.addLayout(charts)
        return _scrolling(content)

    def _step_title(self, flow: str, step: str) -> str:
        """The title key of a flow's step (the step id itself if the flow no longer has it)."""
        known = self.supervisor.kiosk.engine.flows.get(flow)
        return next((s.title for s in known.steps if s.id == step), step) if known else step

    def _journal_tab(self) -> QWidget:
        t, s = self.catalog.text, self.supervisor
        content = QWidget()
        column = QVBoxLayout(content)
        column.addWidget(
            label(t("supervisor.panel.open_entries", count=s.open_journal_entries()), "prompt")
        )
        entries = s.journal_lines()
        if not entries:
            column.addWidget(label(t("supervisor.panel.no_entries"), "small"))
        for e in entries:
            column.addWidget(label(self._journal_line(e), "small", wrap=False))
        column.addStretch(1)
        return _scrolling(content)

    def _journal_line(self, e: Entry) -> str:
        """One entry in the staff's words: when, what kind, the flow by name; the step and the
        operation stay as written, for tracing."""
        from ui.figures_charts import flow_name

        t = self.catalog.text
        flow = flow_name(self.catalog, e.flow) if e.flow else ""
        outcome = t(f"supervisor.journal.outcome.{e.outcome}") if e.outcome else ""
        who = e.data.get("staff_id", "")
        what = " · ".join(x for x in (flow, e.step, e.operation, outcome, who) if x)
        at = e.at[:19].replace("T", " ")
        return f"{at}  {t(f'supervisor.journal.kind.{e.kind}')}  {what}"

    def _service_tab(self) -> QWidget:
        t, s = self.catalog.text, self.supervisor
        page = QWidget()
        row = QHBoxLayout(page)
        actions = QVBoxLayout()
        in_service = s.kiosk.in_service
        actions.addWidget(
            button(
                t("supervisor.out_of_service" if in_service else "supervisor.in_service"),
                self._act(lambda: s.set_in_service(not s.kiosk.in_service), "service"),
                name="service_toggle",
            )
        )
        actions.addStretch(1)
        row.addLayout(actions, 2)
        quit_app = button(t("supervisor.exit"), self._exit, name="exit_app")
        self.exit_entry = self._entry("exit_entry", row, t("supervisor.panel.exit_code"), quit_app)
        return page

    def _entry(self, name: str, row: QHBoxLayout, caption: str, action: QPushButton) -> QLineEdit:
        """A read-only field and its action beside the on-screen keypad, added to `row` (as
        the sign-in form: side by side, so care mode's large keys still fit 1080 lines)."""
        entry = QLineEdit()
        entry.setObjectName(name)
        entry.setReadOnly(True)
        if name == "exit_entry":
            entry.setEchoMode(QLineEdit.EchoMode.Password)
        keypad = Keypad(self.catalog.text("common.delete"), self.catalog.text("common.clear"))
        keypad.key.connect(lambda key: self._key(entry, key))
        column = QVBoxLayout()
        column.addWidget(label(caption, "small"))
        column.addWidget(entry)
        column.addWidget(action)
        column.addStretch(1)
        row.addLayout(column, 2)
        row.addWidget(keypad, 3)
        return entry

    @staticmethod
    def _key(entry: QLineEdit, key: str) -> None:
        text = entry.text()
        entry.setText(text[:-1] if key == "delete" else "" if key == "clear" else text + key)

    # --- actions ----------------------------------------------------------------------------

    def _say(self, exc: BaseException, fallback: str) -> None:
        key = getattr(exc, "message_key", fallback)
        self.message.setText(self.catalog.text(key, **getattr(exc, "params", {})))

    def _act(self, action: Callable[[], None], tab: str) -> Callable[[], None]:
        def run() -> None:
            try:
                action()
            except Exception as exc:
                log.exception("supervisor action failed")
                self._say(exc, "supervisor.error.failed")
                return
            self.show_dashboard(tab)

        return run

    def _show_trend(self, days: int) -> None:
        self._trend_days = days
        self.show_dashboard("figures")

    def _refill(self) -> None:
        count = int(self.cards_entry.text() or "0")
        self._act(lambda: self.supervisor.refill_cards(count), "supplies")()

    def export_csv(self, folder: str) -> None:
        figures = self.supervisor.services.figures
        try:
            path = figures.store.export_csv(folder, figures.today)
        except OSError as exc:
            log.error("figures export to %s failed: %s", folder, exc)
            self.message.setText(self.catalog.text("supervisor.panel.export_failed"))
            return
        self.supervisor.journal_action("export_figures", path=str(path))
        self.message.setText(self.catalog.text("supervisor.panel.exported", path=str(path)))

    def _export(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.catalog.text("supervisor.panel.export"), "",
            QFileDialog.Option.DontUseNativeDialog | QFileDialog.Option.ShowDirsOnly,
        )  # fmt: skip
        if folder:
            self.export_csv(folder)

    def _exit(self) -> None:
        try:
            ok = self.supervisor.may_exit(self.exit_entry.text())
        except SupervisorRefused as exc:  # too many wrong codes: signed out
            self.show_sign_in()
            self._say(exc, "supervisor.error.exit_tries")
            return
        if ok:
            self._on_exit()
        else:
            self.exit_entry.clear()
            self.message.setText(self.catalog.text("supervisor.error.exit_code"))

    def _sign_out(self) -> None:
        self.leave("staff")
        self._on_leave()
