"""Corridor: the exact ellipse bound, and a polygon that never loses an admitted point."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from fieldcrm.errors import InvalidInput
from fieldcrm.geo import GeoPoint, haversine_m
from fieldcrm.routing.corridor import build_corridor

HOME = GeoPoint(7.4220, 43.7480)  # Beausoleil
APPT = GeoPoint(7.2620, 43.7000)  # Nice
APPT2 = GeoPoint(7.1250, 43.5800)  # Antibes


def test_point_on_the_way_is_admitted_and_far_point_is_not() -> None:
    corridor = build_corridor([HOME, APPT, HOME], budget_m=2_000)
    midway = GeoPoint((HOME.lon + APPT.lon) / 2, (HOME.lat + APPT.lat) / 2)
    assert corridor.admits(midway)
    assert corridor.detour_m(midway) < 50
    assert corridor.polygon.covers(Point(midway.lon, midway.lat))
    paris = GeoPoint(2.35, 48.85)
    assert not corridor.admits(paris)
    assert not corridor.polygon.covers(Point(paris.lon, paris.lat))


def test_ellipse_bound_is_the_stated_inequality() -> None:
    corridor = build_corridor([HOME, APPT], budget_m=3_000)
    leg = haversine_m(HOME, APPT)
    # A point 3 km beyond Nice on the line's extension: detour 2 * 3 km > budget.
    beyond = GeoPoint(APPT.lon - 0.04, APPT.lat - 0.012)
    expected = haversine_m(HOME, beyond) + haversine_m(beyond, APPT) - leg
    assert corridor.detour_m(beyond) == pytest.approx(expected)
    assert corridor.admits(beyond) is (expected <= 3_000)


def test_single_place_gives_a_disc_of_half_the_budget() -> None:
    corridor = build_corridor([HOME], budget_m=4_000)
    near = GeoPoint(HOME.lon + 0.02, HOME.lat)  # about 1.6 km east
    far = GeoPoint(HOME.lon + 0.04, HOME.lat)  # about 3.2 km east: round trip 6.4 km
    assert corridor.admits(near)
    assert not corridor.admits(far)
    assert corridor.line is None
    # Area close to a disc of radius 2 km (plus the small margin).
    area_km2 = corridor.polygon.area * (111.32 * math.cos(math.radians(HOME.lat))) * 110.6
    assert math.pi * 2.0**2 < area_km2 < math.pi * 2.2**2


def test_several_legs_union() -> None:
    corridor = build_corridor([HOME, APPT, APPT2, HOME], budget_m=1_000)
    assert len(corridor.legs) == 3
    assert corridor.line is not None and len(corridor.line.coords) == 4
    near_antibes = GeoPoint(APPT2.lon + 0.002, APPT2.lat)
    assert corridor.admits(near_antibes)


@settings(max_examples=300, deadline=None)
@given(
    lon=st.floats(min_value=6.9, max_value=7.6),
    lat=st.floats(min_value=43.45, max_value=43.95),
    budget=st.floats(min_value=200, max_value=30_000),
)
def test_polygon_covers_every_admitted_point(lon: float, lat: float, budget: float) -> None:
    corridor = build_corridor([HOME, APPT, APPT2, HOME], budget_m=budget)
    p = GeoPoint(lon, lat)
    if corridor.admits(p):
        assert corridor.polygon.covers(Point(lon, lat))


def test_polygon_is_tight() -> None:
    """Few points in the polygon fail the exact test (the margin is small)."""
    corridor = build_corridor([HOME, APPT], budget_m=2_000)
    minx, miny, maxx, maxy = corridor.polygon.bounds
    inside = admitted = 0
    n = 60
    for i in range(n):
        for j in range(n):
            lon = minx + (maxx - minx) * (i + 0.5) / n
            lat = miny + (maxy - miny) * (j + 0.5) / n
            if corridor.polygon.covers(Point(lon, lat)):
                inside += 1
                admitted += corridor.admits(GeoPoint(lon, lat))
    assert inside > 0
    assert admitted / inside > 0.9


def test_bad_input_names_every_field() -> None:
    with pytest.raises(InvalidInput) as err:
        build_corridor([], budget_m=-1)
    assert {p.field for p in err.value.problems} == {"places", "budget_m"}
    with pytest.raises(InvalidInput):
        build_corridor([HOME], budget_m=math.nan)
