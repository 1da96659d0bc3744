from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from fieldcrm.config import Settings
from fieldcrm.errors import InvalidInput
from fieldcrm.geo import GeoPoint
from fieldcrm.routing.crowfly import CrowFlyTravelTimes
from fieldcrm.routing.engine_http import OsrmTravelTimes
from fieldcrm.services import roads
from tests.routing.conftest import MONACO_PBF, shared_road_cache

MONTE_CARLO = GeoPoint(lon=7.4275, lat=43.7395)
FONTVIEILLE = GeoPoint(lon=7.4165, lat=43.7290)
PARIS = GeoPoint(lon=2.349, lat=48.853)


@pytest.fixture
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_road_cache(tmp_path_factory)


def _settings(cache_dir: Path, **kw: object) -> Settings:
    return Settings(road_network_file=MONACO_PBF, road_cache_dir=cache_dir, **kw)  # type: ignore[arg-type]


def test_graph_engine_with_crow_fly_beyond_the_network(cache_dir: Path) -> None:
    tt = roads.travel_times(_settings(cache_dir))
    assert tt.name == "graph+crowfly"
    m = tt.matrix([MONTE_CARLO, FONTVIEILLE, PARIS])
    assert np.isfinite(m.seconds).all()
    assert m.metres[1, 2] > 680_000  # Paris by the calibrated crow-fly
    assert 60 < m.seconds[0, 1] < 1200  # across Monaco by road
    assert m.seconds[0, 1] != m.seconds[1, 0]
    assert roads.travel_times(_settings(cache_dir)).matrix([MONTE_CARLO]).seconds.shape == (1, 1)
    cal = roads.calibration(_settings(cache_dir))
    assert cal.n_pairs > 1000 and cal.model.detour > 1.0


def test_other_engines(cache_dir: Path) -> None:
    assert isinstance(
        roads.travel_times(_settings(cache_dir, routing_engine="crowfly")), CrowFlyTravelTimes
    )
    osrm = roads.travel_times(
        _settings(cache_dir, routing_engine="osrm", routing_engine_url="http://127.0.0.1:5000")
    )
    assert isinstance(osrm, OsrmTravelTimes)
    with pytest.raises(InvalidInput) as err:
        roads.travel_times(_settings(cache_dir, routing_engine="osrm"))
    assert err.value.field == "routing_engine_url"
    with pytest.raises(InvalidInput):
        roads.travel_times(_settings(cache_dir, routing_engine="valhalla"))
