"""What flows' actions may use: the kiosk's backend client, devices and journal."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kiosk.left_behind import LeftBehind

if TYPE_CHECKING:  # for the type checker only: every flow imports this module, and needs none
    # of these at run time (nor the requests, SQLite and driver imports behind them)
    from hardware.registry import Devices
    from kiosk.backend.client import CoreBankingClient
    from kiosk.config import Config
    from kiosk.journal import Journal
    from kiosk.metrics import Figures


@dataclass
class Services:
    config: Config
    figures: Figures
    backend: CoreBankingClient
    devices: Devices
    journal: Journal
    left_behind: LeftBehind = field(default_factory=LeftBehind)
