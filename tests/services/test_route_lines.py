"""The day's route is drawn along the roads; a leg with no road data is straight and flagged."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from fieldcrm.config import Settings
from fieldcrm.geo import GeoPoint, haversine_m
from fieldcrm.services.route_lines import route_legs
from tests.routing.conftest import MONACO_PBF, shared_road_cache

MONTE_CARLO = GeoPoint(lon=7.4275, lat=43.7395)
FONTVIEILLE = GeoPoint(lon=7.4165, lat=43.7290)
PARIS = GeoPoint(lon=2.349, lat=48.853)


@pytest.fixture
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_road_cache(tmp_path_factory)


def _settings(cache_dir: Path, **kw: object) -> Settings:
    return Settings(road_network_file=MONACO_PBF, road_cache_dir=cache_dir, **kw)  # type: ignore[arg-type]


def _length_m(coords: list[tuple[float, float]]) -> float:
    points = [GeoPoint(lon, lat) for lon, lat in coords]
    return sum(haversine_m(a, b) for a, b in itertools.pairwise(points))


def test_legs_on_the_network_follow_the_roads(cache_dir: Path) -> None:
    legs = route_legs(_settings(cache_dir), [MONTE_CARLO, FONTVIEILLE, MONTE_CARLO])
    assert [leg.on_roads for leg in legs] == [True, True]
    for leg in legs:
        assert len(leg.coords) > 10  # bends of the streets, not one straight segment
        assert _length_m(leg.coords) > 1.1 * haversine_m(MONTE_CARLO, FONTVIEILLE)
    assert legs[0].coords[0] == (MONTE_CARLO.lon, MONTE_CARLO.lat)
    assert legs[0].coords[-1] == (FONTVIEILLE.lon, FONTVIEILLE.lat)


def test_only_the_legs_touching_a_point_off_the_network_are_straight(cache_dir: Path) -> None:
    legs = route_legs(_settings(cache_dir), [MONTE_CARLO, FONTVIEILLE, PARIS, MONTE_CARLO])
    assert [leg.on_roads for leg in legs] == [True, False, False]
    assert legs[1].coords == [(FONTVIEILLE.lon, FONTVIEILLE.lat), (PARIS.lon, PARIS.lat)]


def test_crow_fly_engine_draws_every_leg_straight(cache_dir: Path) -> None:
    legs = route_legs(_settings(cache_dir, routing_engine="crowfly"), [MONTE_CARLO, FONTVIEILLE])
    assert [(leg.on_roads, len(leg.coords)) for leg in legs] == [(False, 2)]


def test_repeated_points_make_no_leg(cache_dir: Path) -> None:
    assert route_legs(_settings(cache_dir), [MONTE_CARLO, MONTE_CARLO]) == []
