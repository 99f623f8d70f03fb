"""The supervisor's figures drawn with QtCharts: today's funnel per service, the handling-time
distribution, and completion and ratings over the last 7 or 30 days; beside them compact
tables of where today's visits were abandoned and which errors customers were shown."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPainter
from PySide6.QtWidgets import QFrame, QGridLayout, QVBoxLayout, QWidget

from kiosk.figures_store import FiguresStore
from kiosk.i18n import Catalog
from ui.theme import STANDARD, font_family
from ui.widgets import label

CHART_HEIGHT = 420
HANDLING_BUCKETS_S = (30, 60, 90, 120, 180, 240, 300, 600)  # upper bounds; the last is "more"
TABLE_ROWS = 5  # the most frequent lines of each table; the CSV has them all


def flow_name(catalog: Catalog, flow: str) -> str:
    key = f"supervisor.flow.{flow}"
    return catalog.text(key) if catalog.has(key) else flow


def _view(chart: QChart, name: str) -> QChartView:
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    view = QChartView(chart)
    view.setObjectName(name)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(CHART_HEIGHT)
    return view


def readable(view: QChartView, language: str) -> None:
    """The chart's words in the language's face (QtCharts does not follow the style sheet):
    the title as body text, axes and legend as small text, at the standard theme's sizes in
    both themes (staff read the charts; care mode's large type would elide the axes)."""
    chart = view.chart()
    small = QFont(font_family(language))
    small.setPointSize(STANDARD.small_pt)
    title = QFont(small)
    title.setPointSize(STANDARD.text_pt)
    title.setBold(True)
    chart.setTitleFont(title)
    chart.legend().setFont(small)
    for axis in chart.axes():
        axis.setLabelsFont(small)
        axis.setTitleFont(small)


def _bars(chart: QChart, categories: list[str], sets: list[QBarSet], y_title: str) -> None:
    series = QBarSeries()
    for s in sets:
        series.append(s)
    chart.addSeries(series)
    x = QBarCategoryAxis()
    x.append(categories)
    y = QValueAxis()
    y.setTitleText(y_title)
    y.setLabelFormat("%d")
    top = max((s.at(i) for s in sets for i in range(s.count())), default=0)
    y.setRange(0, max(4, top))
    y.applyNiceNumbers()  # whole-number ticks for counts
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(x)
    series.attachAxis(y)


def funnel_chart(store: FiguresStore, day: date, catalog: Catalog) -> QChartView:
    """Started → completed, referred, abandoned, for each service today."""
    t = catalog.text
    flows = store.flows(day)
    chart = QChart()
    chart.setTitle(t("supervisor.panel.funnel"))
    sets = []
    for key in ("started", "completed", "referred", "abandoned"):
        bar = QBarSet(t(f"supervisor.panel.{key}"))
        bar.append([float(getattr(f, key)) for f in flows.values()])
        sets.append(bar)
    _bars(chart, [flow_name(catalog, flow) for flow in flows], sets, t("supervisor.panel.visits"))
    return _view(chart, "funnel_chart")


def handling_chart(store: FiguresStore, day: date, catalog: Catalog) -> QChartView:
    t = catalog.text
    seconds = [s for f in store.flows(day).values() for s in f.seconds]
    counts = [0] * len(HANDLING_BUCKETS_S)
    for s in seconds:
        counts[next((i for i, top in enumerate(HANDLING_BUCKETS_S) if s <= top), -1)] += 1
    chart = QChart()
    chart.setTitle(t("supervisor.panel.handling"))
    bar = QBarSet(t("supervisor.panel.visits"))
    bar.append([float(c) for c in counts])
    labels = [f"≤{top}" for top in HANDLING_BUCKETS_S[:-1]] + [f">{HANDLING_BUCKETS_S[-2]}"]
    _bars(chart, labels, [bar], t("supervisor.panel.visits"))
    chart.axes(Qt.Orientation.Horizontal)[0].setTitleText(t("supervisor.panel.seconds"))
    return _view(chart, "handling_chart")


def trend_chart(store: FiguresStore, last: date, days: int, catalog: Catalog) -> QChartView:
    """Completion rate and mean rating (scaled to 100) over the last `days` days."""
    t = catalog.text
    completion, rating = QLineSeries(), QLineSeries()
    completion.setName(t("supervisor.panel.completion"))
    rating.setName(t("supervisor.panel.rating"))
    for i, (_day, flows) in enumerate(store.days(last, days)):
        started = sum(f.started for f in flows.values())
        if started:
            completion.append(i, 100 * sum(f.completed for f in flows.values()) / started)
        rated = [f.mean_rating for f in flows.values() if f.mean_rating is not None]
        if rated:
            rating.append(i, 20 * sum(rated) / len(rated))
    chart = QChart()
    chart.setTitle(t("supervisor.panel.trend", days=days))
    x, y = QValueAxis(), QValueAxis()
    x.setRange(0, days - 1)
    x.setLabelFormat("%d")
    y.setRange(0, 100)
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    for series in (completion, rating):
        chart.addSeries(series)
        series.attachAxis(x)
        series.attachAxis(y)
    return _view(chart, f"trend_chart_{days}")


# where a clause ends, Latin and full-width (by code point, so no customer text is in the code)
PAUSES = ",;:" + "".join(map(chr, (0xFF0C, 0xFF1B, 0xFF1A, 0x3001)))  # ，；：、
STOPS = ".!?" + "".join(map(chr, (0x3002, 0xFF01, 0xFF1F)))  # 。！？
CLAUSE_END = re.compile(f"[{re.escape(STOPS + PAUSES)}]")


def words(catalog: Catalog, key: str) -> str:
    """A message as staff read it in a list, without what it says of one visit: "The PIN is
    not correct. You can try {tries_left} more times" is "The PIN is not correct." (the
    clauses before its first placeholder; a dash for the placeholder when none comes first)."""
    if not catalog.has(key):
        return key
    text = catalog.text(key)
    start = text.find("{")
    if start < 0:
        return text
    ends = [m.end() for m in CLAUSE_END.finditer(text, 0, start)]
    if ends:
        return text[: ends[-1]].rstrip(PAUSES + " ")
    return re.sub(r"\{[^}]*\}", "–", text)


def _counts_table(
    name: str, title: str, column: str, rows: list[tuple[str, int]], catalog: Catalog
) -> QFrame:
    t = catalog.text
    frame = QFrame()
    frame.setObjectName(name)
    grid = QGridLayout(frame)
    grid.setContentsMargins(0, 0, 0, 0)
    grid.setHorizontalSpacing(16)
    grid.addWidget(label(title, "prompt"), 0, 0, 1, 2)
    grid.addWidget(label(column, "small"), 1, 0)
    grid.addWidget(label(t("supervisor.panel.times"), "small", wrap=False), 1, 1)
    if not rows:
        grid.addWidget(label(t("supervisor.panel.none_today"), "small"), 2, 0, 1, 2)
    ordered = sorted(rows, key=lambda row: (-row[1], row[0]))
    for i, (what, n) in enumerate(ordered[:TABLE_ROWS], start=2):
        grid.addWidget(label(what, "small"), i, 0)
        grid.addWidget(label(str(n), "small", wrap=False), i, 1, Qt.AlignmentFlag.AlignRight)
    if len(ordered) > TABLE_ROWS:
        more = t("supervisor.panel.more", count=len(ordered) - TABLE_ROWS)
        grid.addWidget(label(more, "small"), grid.rowCount(), 0, 1, 2)
    grid.setColumnStretch(0, 1)
    return frame


def where_and_why_tables(
    store: FiguresStore, day: date, catalog: Catalog, step_title: Callable[[str, str], str]
) -> QWidget:
    """Today's abandoned visits by the step they ended at, and the errors shown by kind, each
    line named by its service; `step_title(flow, step)` is the step's title key."""
    t = catalog.text
    flows = store.flows(day)
    abandoned = [
        (f"{flow_name(catalog, flow)} · {words(catalog, step_title(flow, stage))}", n)
        for flow, f in flows.items()
        for stage, n in f.abandoned_at.items()
    ]
    errors = [
        (f"{flow_name(catalog, flow)} · {words(catalog, kind)}", n)
        for flow, f in flows.items()
        for kind, n in f.errors.items()
    ]
    box = QWidget()
    column = QVBoxLayout(box)
    column.setSpacing(24)
    column.addWidget(
        _counts_table(
            "abandoned_table", t("supervisor.panel.abandoned_where"),
            t("supervisor.panel.step_column"), abandoned, catalog,
        )
    )  # fmt: skip
    column.addWidget(
        _counts_table(
            "errors_table", t("supervisor.panel.errors_by_kind"),
            t("supervisor.panel.error_column"), errors, catalog,
        )
    )  # fmt: skip
    column.addStretch(1)
    return box
