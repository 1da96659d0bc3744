"""Load what the first plan and the first geocode need when a process starts, not on the
first request: the road graph (and its calibration), the offline gazetteer and the
planner's processes."""

from __future__ import annotations

import logging
import threading
import time

from fieldcrm.config import Settings
from fieldcrm.geocoding.gazetteer import load_gazetteer
from fieldcrm.routing.engine import start_pool
from fieldcrm.services import roads

log = logging.getLogger(__name__)


def warm_up(settings: Settings) -> dict[str, float]:
    """Load the road graph and the gazetteer into this process's caches and start the
    planner's processes (``planner_workers``); seconds each."""
    took: dict[str, float] = {}
    for name, load in (
        ("roads", lambda: roads.travel_times(settings)),
        ("gazetteer", load_gazetteer),
        ("planner", lambda: start_pool(settings.planner_workers)),
    ):
        start = time.perf_counter()
        try:
            load()
        except Exception:  # a missing road file must not stop the server: logged, not raised
            log.exception("warm-up of %s failed", name)
            continue
        took[name] = time.perf_counter() - start
    log.info("warm-up: %s", ", ".join(f"{k} {v:.1f} s" for k, v in took.items()))
    return took


def warm_up_in_background(settings: Settings) -> threading.Thread:
    """:func:`warm_up` in a daemon thread, so that the server answers at once."""
    thread = threading.Thread(target=warm_up, args=(settings,), name="warm-up", daemon=True)
    thread.start()
    return thread
