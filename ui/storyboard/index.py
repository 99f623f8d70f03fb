"""The storyboard's index.html: one row per screen (flow, step, what differs), one column per
language and theme, each cell a thumbnail linking to the full picture, offences in red."""

from __future__ import annotations

from html import escape
from pathlib import Path

PAGE = """<!doctype html>
<meta charset="utf-8">
<title>Smart teller kiosk: storyboard</title>
<style>
body {{ font-family: sans-serif; margin: 16px; }}
table {{ border-collapse: collapse; }}
th, td {{ border: 1px solid #ccc; padding: 4px; vertical-align: top; font-size: 12px; }}
img {{ width: 240px; display: block; }}
.offence {{ color: #a00; max-width: 240px; }}
</style>
<h1>Storyboard</h1>
<p>{summary}</p>
{never}
<table>
<tr><th>flow</th><th>step</th><th>variant</th>{columns}</tr>
{rows}
</table>
"""


def write_index(board, out: Path, never_shown: dict[str, list[str]]) -> Path:
    columns = sorted({(s.language, s.theme) for s in board.shots}, key=_column_order(board))
    cells: dict[tuple, dict[tuple, object]] = {}
    for shot in board.shots:
        cells.setdefault(shot.screen, {})[(shot.language, shot.theme)] = shot
    rows = []
    for screen, by_column in cells.items():
        tds = "".join(_cell(by_column.get(column)) for column in columns)
        rows.append("<tr>" + "".join(f"<td>{escape(p)}</td>" for p in screen) + tds + "</tr>")
    never = "".join(
        f"<p>not reached in {escape(flow)}: {escape(', '.join(steps))}</p>"
        for flow, steps in never_shown.items()
    )
    summary = (
        f"{len(cells)} screens, {len(board.shots)} pictures, {len(board.offences)} offences,"
        f" made in {board.seconds:.0f} s"
    )
    path = out / "index.html"
    path.write_text(
        PAGE.format(
            summary=summary,
            never=never,
            columns="".join(
                f"<th>{escape(lang)}<br>{escape(theme)}</th>" for lang, theme in columns
            ),
            rows="\n".join(rows),
        ),
        encoding="utf-8",
    )
    return path


def _column_order(board):
    languages = list(dict.fromkeys(s.language for s in board.shots))
    return lambda column: (languages.index(column[0]), column[1] != "standard")


def _cell(shot) -> str:
    if shot is None:
        return "<td>—</td>"
    picture = (
        f'<a href="{escape(shot.file)}"><img src="{escape(shot.file)}" loading="lazy"></a>'
        if shot.file
        else ""
    )
    offences = "".join(f'<div class="offence">{escape(o)}</div>' for o in shot.offences)
    return f"<td>{picture}{offences}</td>"


# A few screens for the README: (flow, screen, language, theme)
MONTAGE = (
    ("kiosk", "home", "zh_CN", "standard"),
    ("bill_payment", "review", "en", "standard"),
    ("bill_payment", "pin", "ko", "care"),
    ("appointment_checkin", "ticket", "zh_TW", "standard"),
    ("account_opening", "review", "en", "standard"),
    ("guide", "report_by_phone", "zh_CN", "care"),
    ("kiosk", "dialog_language", "ko", "standard"),
    ("kiosk", "supervisor_dashboard", "zh_CN", "standard"),
)
THUMB_W, THUMB_H, CAPTION_H, COLUMNS = 480, 270, 28, 4


def write_montage(board, out: Path, path: Path) -> Path:
    """The MONTAGE screens as thumbnails on one picture, each captioned flow/step (language,
    theme)."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QImage, QPainter

    files = {(s.flow, s.name, s.language, s.theme): s.file for s in board.shots if not s.variant}
    picks = [(pick, files[pick]) for pick in MONTAGE if files.get(pick)]
    rows = (len(picks) + COLUMNS - 1) // COLUMNS
    sheet = QImage(THUMB_W * COLUMNS, (THUMB_H + CAPTION_H) * rows, QImage.Format.Format_RGB32)
    sheet.fill(QColor("white"))
    painter = QPainter(sheet)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    for i, ((flow, name, language, theme), file) in enumerate(picks):
        x, y = (i % COLUMNS) * THUMB_W, (i // COLUMNS) * (THUMB_H + CAPTION_H)
        painter.drawImage(QRect(x + 2, y + 2, THUMB_W - 4, THUMB_H - 4), QImage(str(out / file)))
        painter.drawText(
            QRect(x, y + THUMB_H, THUMB_W, CAPTION_H),
            Qt.AlignmentFlag.AlignCenter,
            f"{flow}/{name} ({language}, {theme})",
        )
    painter.end()
    sheet.save(str(path))
    return path
