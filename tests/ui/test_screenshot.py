"""`kiosk screenshot`: the README's pictures come from named storyboard screens, so each name
must be a picture the README shows (or keeps in docs/screenshots/), each screen a real step of
a real flow, and each journey one the storyboard has, for the same flow. Checked without
running the storyboard (its own test does that)."""

from __future__ import annotations

import re
from pathlib import Path

from kiosk.flows import flow_registry
from ui.screenshot import JOURNEYS, PICTURES
from ui.storyboard.journeys import JOURNEYS as STORYBOARD_JOURNEYS
from ui.storyboard.journeys import Journey

ROOT = Path(__file__).resolve().parents[2]
KIOSK_SCREENS = {"attract", "home"}  # the screens around the flows


def test_every_picture_the_readme_shows_is_made_and_kept():
    shown = set(re.findall(r"docs/screenshots/([\w-]+)\.png", (ROOT / "README.md").read_text()))
    kept = {p.stem for p in (ROOT / "docs" / "screenshots").glob("*.png")}
    made = set(PICTURES)
    assert shown - {"storyboard"} <= made, "the README shows a picture nobody makes"
    assert made <= kept, "a picture is made but not kept in docs/screenshots/"


def test_every_picture_is_a_real_screen_of_a_real_flow_in_a_real_theme():
    flows = flow_registry()
    for name, (flow, screen, theme) in PICTURES.items():
        assert theme in ("standard", "care"), name
        if flow == "kiosk":
            assert screen in KIOSK_SCREENS, name
        else:
            assert screen in {step.id for step in flows[flow].steps}, name


def test_the_journeys_run_for_the_pictures_exist_and_cover_their_flows():
    by_name: dict[str, Journey] = {j.name: j for j in STORYBOARD_JOURNEYS}
    assert set(JOURNEYS) <= set(by_name)
    walked = {by_name[name].flow for name in JOURNEYS}
    assert {flow for flow, _screen, _theme in PICTURES.values()} <= walked
