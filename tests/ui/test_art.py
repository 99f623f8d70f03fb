"""Every picture a step names is one of ours, drawn by Qt's SVG renderer; the card moves."""

from __future__ import annotations

from kiosk.flows import flow_registry
from kiosk.flows.take_back import PICTURES
from ui.art import DEFAULT_LOGO, Picture, illustration_path, logo


def test_every_illustration_a_step_names_exists_and_renders(qtbot):
    steps = [s for f in flow_registry().values() for s in f.steps]
    names = {s.illustration for s in steps if isinstance(s.illustration, str)}
    assert names  # the flows do name their pictures
    names |= set(PICTURES.values())  # those the take-back step chooses among
    for name in names:
        path = illustration_path(name)
        assert path is not None, name
        picture = Picture(path)
        qtbot.addWidget(picture)
        assert picture.renderer().isValid(), name


def test_the_card_slides_into_the_slot(qtbot):
    picture = Picture(illustration_path("insert_card.png"))
    qtbot.addWidget(picture)
    assert picture.animated


def test_a_missing_bank_logo_falls_back_to_our_neutral_one(qtbot, tmp_path):
    mine = logo(str(tmp_path / "nowhere.svg"), 64)
    qtbot.addWidget(mine)
    assert mine.renderer().isValid() and DEFAULT_LOGO.is_file()
