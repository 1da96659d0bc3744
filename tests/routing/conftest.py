"""A Monaco road network built once per test session, with its disk cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldcrm.config import PACKAGE_DATA
from fieldcrm.routing.matrix import GraphTravelTimes
from fieldcrm.routing.network import RoadNetwork, build_network, cache_path

MONACO_PBF = PACKAGE_DATA / "osm" / "monaco.osm.pbf"


def shared_road_cache(factory: pytest.TempPathFactory) -> Path:
    """One road cache directory per test session, for every test package that needs it."""
    path = factory.getbasetemp() / "road-cache"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
def road_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_road_cache(tmp_path_factory)


@pytest.fixture(scope="session")
def monaco(road_cache_dir: Path) -> RoadNetwork:
    """Always built fresh from the PBF; written to the cache unless another package did it."""
    network = build_network(MONACO_PBF)
    path = cache_path(MONACO_PBF, road_cache_dir)
    if not path.is_file():
        network.save(path)
    return network


@pytest.fixture(scope="session")
def graph_tt(monaco: RoadNetwork) -> GraphTravelTimes:
    return GraphTravelTimes(monaco)
