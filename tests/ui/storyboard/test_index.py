"""The storyboard's index page and the README's montage: what a reviewer opens after a run.
Words from the screens and offences are escaped (a message can hold "<"), a screen that was
not photographed still has its cell, and the montage puts the chosen screens on one sheet."""

from __future__ import annotations

from PySide6.QtGui import QColor, QImage

from ui.storyboard import Shot, Storyboard
from ui.storyboard.index import (
    CAPTION_H,
    COLUMNS,
    MONTAGE,
    THUMB_H,
    THUMB_W,
    write_index,
    write_montage,
)


def test_what_the_page_shows_is_escaped_and_a_missing_picture_has_no_image(tmp_path):
    board = Storyboard(
        shots=[
            Shot("guide", "need", "", "en", "standard", None, ["text <b>clipped</b> & cut"]),
            Shot("guide", "need", "backend.declined.<x>", "ko", "care", "need-ko.png"),
        ],
        seconds=3,
    )
    page = write_index(board, tmp_path, {}).read_text(encoding="utf-8")
    assert "text &lt;b&gt;clipped&lt;/b&gt; &amp; cut" in page and "<b>clipped" not in page
    assert "<td>backend.declined.&lt;x&gt;</td>" in page
    assert page.count("<img") == 1 and 'src="need-ko.png"' in page  # the one with a file
    assert "not reached in" not in page  # every step reached


def _picture(path, colour: str) -> None:
    image = QImage(1920, 1080, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    image.save(str(path))


def test_the_montage_puts_the_chosen_screens_on_one_sheet(qapp, tmp_path):
    shots = []
    for i, (flow, name, language, theme) in enumerate(MONTAGE[:5]):
        file = f"shot-{i}.png"
        _picture(tmp_path / file, "#204080")
        shots.append(Shot(flow, name, "", language, theme, file))
    shots.append(Shot("guide", "need", "", "en", "standard", "not-chosen.png"))  # not in MONTAGE
    sheet = write_montage(Storyboard(shots=shots), tmp_path, tmp_path / "storyboard.png")
    image = QImage(str(sheet))
    rows = (5 + COLUMNS - 1) // COLUMNS
    assert (image.width(), image.height()) == (THUMB_W * COLUMNS, (THUMB_H + CAPTION_H) * rows)
    assert image.pixelColor(THUMB_W // 2, THUMB_H // 2) == QColor("#204080")  # a thumbnail
    empty = image.pixelColor(THUMB_W * 3 + THUMB_W // 2, THUMB_H + CAPTION_H + THUMB_H // 2)
    assert empty == QColor("white")  # the sixth place: nothing chosen for it
