"""The storyboard's check catches each kind of broken screen on small, deliberately broken
widgets, and passes the same widgets once they are right."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from kiosk.i18n import Catalog
from ui.layout_check import check, missing_words

LONG = "请将身份证放在读卡区，直到听到提示音为止"


def shown(qtbot, widget: QWidget, width: int, height: int) -> QWidget:
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def kinds(root: QWidget, texts: frozenset[str] = frozenset()) -> list[str]:
    return [o.kind for o in check(root, texts)]


def test_a_label_too_narrow_for_its_text_is_clipped(qtbot):
    label = shown(qtbot, QLabel(LONG), 120, 40)
    assert kinds(label) == ["clipped"]
    label.resize(QFontMetrics(label.font()).horizontalAdvance(LONG) + 4, 40)
    assert kinds(label) == []


def test_a_wrapped_label_too_low_for_its_lines_is_clipped(qtbot):
    label = QLabel(LONG * 3)
    label.setWordWrap(True)
    shown(qtbot, label, 200, 30)
    assert kinds(label) == ["clipped"]
    label.resize(200, label.heightForWidth(200))
    assert kinds(label) == []


def test_a_button_and_an_entry_too_narrow_are_clipped(qtbot):
    holder = QWidget()
    button = QPushButton("Confirm the payment of the water bill", holder)
    button.setGeometry(0, 0, 80, 40)
    entry = QLineEdit("6228480012345678010", holder)
    entry.setGeometry(0, 50, 60, 40)
    shown(qtbot, holder, 300, 100)
    offences = check(holder)
    assert sorted((o.kind, o.where.split("/")[-1]) for o in offences) == [
        ("clipped", "QLineEdit"),
        ("clipped", "QPushButton"),
    ]
    button.setGeometry(0, 0, 290, 40)
    entry.setGeometry(0, 50, 290, 40)
    assert kinds(holder) == []


def test_siblings_of_one_layout_drawn_over_each_other_overlap(qtbot):
    holder = QWidget()
    row = QHBoxLayout(holder)
    first, second = QLabel("A"), QLabel("B")
    row.addWidget(first)
    row.addWidget(second)
    shown(qtbot, holder, 300, 60)
    assert kinds(holder) == []
    second.move(first.x() + 10, first.y())  # drawn by hand over its neighbour
    assert kinds(holder) == ["overlap"]


def test_an_overlay_outside_the_layout_is_not_an_overlap(qtbot):
    holder = QWidget()
    column = QVBoxLayout(holder)
    column.addWidget(QLabel("A"))
    column.addWidget(QLabel("B"))
    overlay = QLabel("over everything", holder)  # like ui.overlays.Overlay: no layout owns it
    shown(qtbot, holder, 300, 200)
    overlay.setGeometry(holder.rect())
    overlay.show()
    assert kinds(holder) == []


def test_a_widget_pushed_out_of_its_parent_is_off_parent(qtbot):
    holder = QWidget()
    column = QVBoxLayout(holder)
    label = QLabel("A")
    column.addWidget(label)
    shown(qtbot, holder, 300, 100)
    assert kinds(holder) == []
    label.move(label.x(), 90)  # half of it below the bottom edge
    assert kinds(holder) == ["off_parent"]


def test_a_window_grown_past_the_screen_is_off_screen(qtbot):
    window = shown(qtbot, QWidget(), 1920, 1775)  # a layout that needs more than 1080 lines
    assert kinds(window) == []
    assert [o.kind for o in check(window, screen=QSize(1920, 1080))] == ["off_screen"]
    window.resize(1920, 1080)
    assert check(window, screen=QSize(1920, 1080)) == []


def test_a_raw_key_or_an_unfilled_placeholder_is_missing(qtbot):
    holder = QWidget()
    column = QVBoxLayout(holder)
    column.addWidget(QLabel("bill_payment.review.title"))
    column.addWidget(QLabel("您的号码是 {ticket}"))
    shown(qtbot, holder, 600, 200)
    assert kinds(holder) == ["missing", "missing"]


def test_a_text_qt_elided_is_caught_but_a_catalog_ellipsis_is_not(qtbot):
    label = QLabel()
    shown(qtbot, label, 100, 40)
    label.setText(QFontMetrics(label.font()).elidedText(LONG, Qt.TextElideMode.ElideRight, 90))
    assert kinds(label, frozenset({LONG})) == ["elided"]
    label.setText("正在处理，请稍候…")
    label.resize(400, 40)
    assert kinds(label, frozenset({"正在处理，请稍候…"})) == []


def test_a_key_missing_in_one_language_is_reported(tmp_path):
    for language, body in (("zh_CN", 'a = "甲"\nb = "乙"\n'), ("en", 'a = "A"\n')):
        (tmp_path / language).mkdir()
        (tmp_path / language / "x.toml").write_text(body, encoding="utf-8")
    catalog = Catalog("en", root=tmp_path)
    with missing_words() as missing:
        assert catalog.text("a") == "A"
        assert missing == []
        assert catalog.text("b") == "乙"  # the fallback language's text
        catalog.text("nowhere")
    assert len(missing) == 2 and "b" in missing[0] and "nowhere" in missing[1]
