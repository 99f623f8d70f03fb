from __future__ import annotations

import pytest

from kiosk.app import build_kiosk
from kiosk.runtime import InlineRunner, ManualClock


@pytest.fixture
def kiosk(config):
    """A whole kiosk without a screen (the embedded sandbox, simulated devices), its work run
    inline and its time kept by hand."""
    made = build_kiosk(config, InlineRunner(), ManualClock())
    yield made
    made.close()
