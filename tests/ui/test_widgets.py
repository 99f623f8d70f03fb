"""The small pieces: pages of choices, the PIN boxes, the stage bar, the busy wheel."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from ui.layout_check import check
from ui.widgets import PinBoxes, StageBar, button, paged


def test_pages_never_hold_more_than_their_size_and_reach_every_choice():
    for count in range(12):
        items = list(range(count))
        seen = []
        _first, more = paged(items, 4, 0)
        pages = 1 if not more else -(-count // 3)
        for page in range(pages):
            shown, more = paged(items, 4, page)
            assert len(shown) + more <= 4
            seen += shown
        assert seen == items, count


def test_pin_boxes_show_how_many_keys_never_which(qtbot):
    boxes = PinBoxes(6)
    qtbot.addWidget(boxes)
    boxes.fill(4)
    assert boxes.filled == 4
    assert [bool(b.text()) for b in boxes.boxes] == [True] * 4 + [False] * 2
    assert not any(ch.isdigit() for b in boxes.boxes for ch in b.text())
    boxes.fill(0)
    assert boxes.filled == 0 and not any(b.text() for b in boxes.boxes)


def test_the_stage_bar_marks_done_current_and_to_come(qtbot):
    bar = StageBar(["核验身份", "填写信息", "确认", "完成"], 2)
    qtbot.addWidget(bar)
    names = {w.text(): w.objectName() for w in bar.findChildren(type(bar.children()[1]))}
    assert names["核验身份"] == names["填写信息"] == "stage_done"
    assert names["确认"] == "stage_current" and names["完成"] == "stage_todo"


def test_a_long_choice_wraps_inside_its_button_instead_of_widening_the_screen(qtbot):
    words = "Seniors' debit card\nFor older customers: priority at the counter, lower fees"
    holder = QWidget()
    qtbot.addWidget(holder)
    row = QHBoxLayout(holder)
    wrapped = button(words, lambda: None, wrap=True)
    row.addWidget(wrapped)
    one_line = QPushButton(words)
    assert holder.minimumSizeHint().width() < one_line.sizeHint().width() / 2
    holder.resize(420, 100)
    holder.show()
    qtbot.waitExposed(holder)
    line = wrapped.words.fontMetrics().height()
    assert wrapped.words.height() >= 3 * line  # the hint took more than its one line
    assert wrapped.words.text() == words and not wrapped.text()
    assert check(holder) == []  # nothing clipped: the button grew to its words' height
