"""What flows' actions may use: the kiosk's backend client, devices and journal."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kiosk.config import Config
from kiosk.left_behind import LeftBehind
from kiosk.metrics import Figures


@dataclass
class Services:
    config: Config
    figures: Figures
    backend: Any = None  # kiosk.backend.client.CoreBankingClient
    devices: Any = None  # hardware.registry.Devices
    journal: Any = None  # kiosk.journal.Journal
    left_behind: LeftBehind = field(default_factory=LeftBehind)
