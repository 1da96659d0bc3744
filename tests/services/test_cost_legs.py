"""The cost report's legs are the planner's: the road graph where it reaches, the planner's
crow-fly estimate beyond it (one home, :func:`fieldcrm.services.planning_build.travel_matrix`)."""

from __future__ import annotations

import pytest

from fieldcrm.config import Settings
from fieldcrm.geo import GeoPoint
from fieldcrm.services import roads
from fieldcrm.services.costs import legs_with
from fieldcrm.services.planning_build import travel_matrix
from tests.routing.conftest import MONACO_PBF, shared_road_cache

ANTIBES = GeoPoint(7.1251, 43.5804)
PARIS = GeoPoint(2.3522, 48.8566)
MONACO_A = GeoPoint(7.4246, 43.7384)
MONACO_B = GeoPoint(7.4197, 43.7311)


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> roads.TravelTimes:
    cache = shared_road_cache(tmp_path_factory)
    settings = Settings(road_network_file=MONACO_PBF, road_cache_dir=cache, _env_file=None)
    found = roads.road_provider(settings)
    assert found is not None and found.name == "graph"
    return found


def test_a_long_leg_off_the_graph_is_the_planners_not_an_urban_calibration(
    provider: roads.TravelTimes,
) -> None:
    ((seconds, metres),) = legs_with(provider)([ANTIBES, PARIS])
    matrix, name = travel_matrix([ANTIBES, PARIS], provider)
    assert "crowfly" in name
    assert (seconds, metres) == (round(float(matrix.seconds[0, 1])), float(matrix.metres[0, 1]))
    # Antibes → Paris is about 930 km by road and 9 h: the Monaco-calibrated estimate said
    # 1 138 km and 12 h, which the report then paid and called a 12-hour day
    assert 850_000 < metres < 1_000_000
    assert 8 * 3600 < seconds < 10 * 3600


def test_a_leg_on_the_graph_is_the_road_graphs(provider: roads.TravelTimes) -> None:
    ((seconds, metres),) = legs_with(provider)([MONACO_A, MONACO_B])
    road = provider.matrix([MONACO_A, MONACO_B])
    assert (seconds, metres) == (round(float(road.seconds[0, 1])), float(road.metres[0, 1]))
