"""The composition root of the core: config in, a ready Kiosk out.

ui/app.py builds the Qt side on top of this; nothing else constructs backend clients,
devices or the journal.
"""

from __future__ import annotations

import logging

from kiosk.config import Config
from kiosk.flows import all_flows
from kiosk.flows.engine import FlowEngine, Timeouts
from kiosk.i18n import Catalog
from kiosk.kiosk import Kiosk
from kiosk.metrics import Figures
from kiosk.runtime import Runner, Scheduler
from kiosk.services import Services

log = logging.getLogger(__name__)


def timeouts_from(config: Config) -> Timeouts:
    t = config.timeouts
    return Timeouts(idle_s=t.idle_s, answer_s=t.answer_s, max_extensions=t.max_extensions,
                    result_s=t.result_s, care_factor=t.care_factor)


def build_kiosk(config: Config, runner: Runner, scheduler: Scheduler) -> Kiosk:
    catalog = Catalog(config.kiosk.default_language)
    figures = Figures()
    services = Services(config=config, figures=figures)
    engine = FlowEngine(all_flows(), services, runner, scheduler, timeouts_from(config), figures)
    log.info("kiosk %s of branch %s ready", config.kiosk.id, config.kiosk.branch)
    return Kiosk(config, catalog, engine)
