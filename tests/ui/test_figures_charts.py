"""The supervisor's charts, drawn from a real figures store with QtCharts: the day's funnel
per service, how long visits took (in the buckets staff read), and completion and ratings
over the last days, with every word from the catalogs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCharts import QBarSeries, QLineSeries
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel

from kiosk.figures_store import FiguresStore
from kiosk.i18n import Catalog
from ui.figures_charts import (
    HANDLING_BUCKETS_S,
    TABLE_ROWS,
    flow_name,
    funnel_chart,
    handling_chart,
    trend_chart,
    where_and_why_tables,
    words,
)

DAY = date(2026, 12, 1)


@pytest.fixture
def store():
    figures = FiguresStore()
    for seconds in (25, 45, 45, 200, 700):
        figures.visit(DAY, "bill_payment", "completed", "", seconds)
    figures.visit(DAY, "bill_payment", "abandoned", "review", 90)
    figures.visit(DAY, "guide", "referred", "", 50)
    yield figures
    figures.close()


def _bars(view) -> dict[str, list[float]]:
    [series] = [s for s in view.chart().series() if isinstance(s, QBarSeries)]
    return {bar.label(): [bar.at(i) for i in range(bar.count())] for bar in series.barSets()}


def test_the_funnel_counts_each_services_visits_by_how_they_ended(qapp, store):
    catalog = Catalog("en")
    view = funnel_chart(store, DAY, catalog)
    assert view.objectName() == "funnel_chart"
    assert view.chart().title() == catalog.text("supervisor.panel.funnel")
    bars = _bars(view)
    flows = list(store.flows(DAY))
    at = {flow: i for i, flow in enumerate(flows)}
    started = bars[catalog.text("supervisor.panel.started")]
    assert started[at["bill_payment"]] == 6 and started[at["guide"]] == 1
    assert bars[catalog.text("supervisor.panel.completed")][at["bill_payment"]] == 5
    assert bars[catalog.text("supervisor.panel.abandoned")][at["bill_payment"]] == 1
    assert bars[catalog.text("supervisor.panel.referred")][at["guide"]] == 1
    x_axis = view.chart().axes(Qt.Orientation.Horizontal)[0]
    assert x_axis.categories() == [flow_name(catalog, flow) for flow in flows]


def test_the_handling_times_of_finished_visits_fall_in_the_buckets_staff_read(qapp, store):
    catalog = Catalog("en")
    [counts] = _bars(handling_chart(store, DAY, catalog)).values()
    assert len(counts) == len(HANDLING_BUCKETS_S)
    assert counts[0] == 1  # 25 s: within 30 s
    assert counts[1] == 2  # 45 and 45 s: within a minute
    assert counts[5] == 1  # 200 s: within 240
    assert counts[-1] == 1  # 700 s: the "more than 300" bar holds the longest
    assert sum(counts) == 5  # an abandoned or referred visit has no handling time


def test_the_trend_shows_completion_and_rating_per_day_out_of_100(qapp, store):
    catalog = Catalog("en")
    store.answer(DAY, "bill_payment", "rating", "4")
    earlier = DAY - timedelta(days=2)
    store.visit(earlier, "guide", "completed", "", 30)
    view = trend_chart(store, DAY, 7, catalog)
    assert view.objectName() == "trend_chart_7"
    lines = {s.name(): s for s in view.chart().series() if isinstance(s, QLineSeries)}
    completion = lines[catalog.text("supervisor.panel.completion")]
    points = {round(p.x()): p.y() for p in completion.points()}
    assert points == {4: 100.0, 6: pytest.approx(100 * 5 / 7)}  # days without visits: no point
    rating = lines[catalog.text("supervisor.panel.rating")]
    assert [(round(p.x()), p.y()) for p in rating.points()] == [(6, 80.0)]  # 4 of 5 stars


def test_a_flow_without_a_name_in_the_catalogs_is_shown_by_its_id():
    catalog = Catalog("en")
    assert flow_name(catalog, "bill_payment") == catalog.text("supervisor.flow.bill_payment")
    assert flow_name(catalog, "a_new_service") == "a_new_service"


def _table(widget, name: str) -> list[str]:
    [frame] = [f for f in widget.findChildren(QFrame) if f.objectName() == name]
    return [w.text() for w in frame.findChildren(QLabel)]


def _step_title(flow: str, step: str) -> str:
    return {("bill_payment", "review"): "bill_payment.review.title"}.get((flow, step), step)


def test_the_tables_say_where_visits_were_left_and_what_went_wrong_by_service(qapp, store):
    catalog = Catalog("en")
    for _ in range(3):
        store.error(DAY, "bill_payment", "backend.declined.pin_wrong")
    store.error(DAY, "guide", "devices.error.timeout")
    store.visit(DAY, "guide", "abandoned", "gone_from_the_flow", 10)  # a step since removed
    tables = where_and_why_tables(store, DAY, catalog, _step_title)
    bill, guide = flow_name(catalog, "bill_payment"), flow_name(catalog, "guide")
    abandoned = _table(tables, "abandoned_table")
    assert abandoned[0] == catalog.text("supervisor.panel.abandoned_where")
    review = catalog.text("bill_payment.review.title")
    assert abandoned[3:] == [f"{bill} · {review}", "1", f"{guide} · gone_from_the_flow", "1"]
    errors = _table(tables, "errors_table")
    timeout = catalog.text("devices.error.timeout")
    assert errors[3:] == [
        f"{bill} · {words(catalog, 'backend.declined.pin_wrong')}",
        "3",
        f"{guide} · {timeout}",
        "1",
    ]  # fmt: skip  (the most shown first)
    for language in ("en", "zh_CN"):  # a message's placeholder (tries left) is no fact of the day
        message, shown = (
            Catalog(language).text("backend.declined.pin_wrong"),
            words(Catalog(language), "backend.declined.pin_wrong"),
        )
        assert shown and "{" not in shown and message.startswith(shown.rstrip("."))
        assert len(shown) < message.index("{")


def test_a_long_table_shows_the_most_frequent_lines_and_how_many_more(qapp):
    catalog, store = Catalog("ko"), FiguresStore()
    kinds = [f"devices.error.{k}" for k in ("timeout", "not_found")] + [
        f"backend.declined.{k}" for k in ("pin_wrong", "otp_wrong", "staff_refused", "staff_locked")
    ]
    for n, kind in enumerate(kinds, start=1):
        for _ in range(n):
            store.error(DAY, "bill_payment", kind)
    errors = _table(where_and_why_tables(store, DAY, catalog, _step_title), "errors_table")
    shown = errors[3:-1]
    assert len(shown) == 2 * TABLE_ROWS and shown[1] == str(len(kinds))  # the most first
    assert errors[-1] == catalog.text("supervisor.panel.more", count=len(kinds) - TABLE_ROWS)
    empty = _table(where_and_why_tables(FiguresStore(), DAY, catalog, _step_title), "errors_table")
    assert empty[-1] == catalog.text("supervisor.panel.none_today")
