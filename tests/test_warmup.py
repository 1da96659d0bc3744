"""The web app and the worker load the road graph and the gazetteer and start the planner's
processes as they start."""

from __future__ import annotations

from pathlib import Path

from fieldcrm.config import Settings
from fieldcrm.geocoding.gazetteer import gazetteer_cache
from fieldcrm.routing import engine
from fieldcrm.services import roads
from fieldcrm.services.warmup import warm_up


def test_warm_up_fills_the_caches_the_first_plan_and_geocode_read(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, road_cache_dir=tmp_path / "roads", planner_workers=1)
    gazetteer_cache().clear()
    before = set(roads._LOADED)
    took = warm_up(settings)
    assert set(took) == {"roads", "gazetteer", "planner"}
    assert gazetteer_cache().loaded
    (key,) = set(roads._LOADED) - before  # this process now holds the road graph
    loaded = roads._LOADED[key].get()
    roads.travel_times(settings)  # what the first plan asks for: the same object, not rebuilt
    assert roads._LOADED[key].get() is loaded
    assert any((tmp_path / "roads").iterdir())  # built once, on disk for the next process


def test_warm_up_starts_the_planner_processes_a_plan_then_uses() -> None:
    engine.shutdown_pool()
    try:
        assert engine.start_pool(2)
        pool = engine._POOL
        assert pool is not None and len(pool._processes) == 2  # started, not on first use
        assert engine._pool(2) is pool  # the pool the first parallel plan takes
    finally:
        engine.shutdown_pool()
    assert not engine.start_pool(1)  # one worker: searches stay in the calling process
    assert engine._POOL is None
