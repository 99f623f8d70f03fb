"""The supervisor's figures drawn with QtCharts: today's funnel per service, the handling-time
distribution, and completion and ratings over the last 7 or 30 days."""

from __future__ import annotations

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

from kiosk.figures_store import FiguresStore
from kiosk.i18n import Catalog
from ui.theme import STANDARD, font_family

CHART_HEIGHT = 420
HANDLING_BUCKETS_S = (30, 60, 90, 120, 180, 240, 300, 600)  # upper bounds; the last is "more"


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
