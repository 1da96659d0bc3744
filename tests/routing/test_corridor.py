"""Corridor: the exact ellipse bound, and a polygon that never loses an admitted point."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import wkt as shapely_wkt
from shapely.geometry import LineString, Point
from shapely.ops import unary_union

from fieldcrm.errors import InvalidInput
from fieldcrm.geo import GeoPoint, haversine_m
from fieldcrm.routing.corridor import build_corridor, simplify_route, tiles

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


# Nice → Lyon: the road (A8 then A7) goes west to Aix and up the Rhône; the straight line
# between the two cities runs 60–80 km east of Avignon, Orange and Valence.
NICE, LYON = GeoPoint(7.262, 43.703), GeoPoint(4.835, 45.764)
A7 = [
    NICE,
    GeoPoint(7.017, 43.552),  # Cannes
    GeoPoint(6.737, 43.433),  # Fréjus
    GeoPoint(5.447, 43.529),  # Aix-en-Provence
    GeoPoint(4.806, 43.949),  # Avignon
    GeoPoint(4.808, 44.138),  # Orange
    GeoPoint(4.750, 44.558),  # Montélimar
    GeoPoint(4.892, 44.933),  # Valence
    GeoPoint(4.874, 45.525),  # Vienne
    LYON,
]
ON_THE_ROAD = {
    "Avignon": GeoPoint(4.815, 43.945),
    "Orange": GeoPoint(4.81, 44.14),
    "Valence": GeoPoint(4.90, 44.93),
}


def test_the_corridor_follows_the_road_route_not_the_straight_line() -> None:
    straight = build_corridor([NICE, LYON, NICE], budget_m=20_000)
    road = build_corridor([NICE, LYON, NICE], budget_m=20_000, route=[*A7, *reversed(A7)])
    assert not straight.on_roads and road.on_roads
    for name, town in ON_THE_ROAD.items():
        assert not straight.admits(town), name
        assert road.admits(town), name
        assert road.polygon.covers(Point(town.lon, town.lat)), name
    # a town on the straight line but far from the road is no longer in the corridor
    digne = GeoPoint(6.236, 44.092)
    assert straight.admits(digne) and not road.admits(digne)


def test_a_dense_road_geometry_is_simplified_within_the_tolerance() -> None:
    dense = [
        GeoPoint(a.lon + (b.lon - a.lon) * k / 50, a.lat + (b.lat - a.lat) * k / 50)
        for a, b in itertools.pairwise(A7)
        for k in range(50)
    ] + [LYON]
    kept = simplify_route(dense, tolerance_m=1_000)
    assert kept[0] == NICE and kept[-1] == LYON
    assert len(kept) <= len(A7) + 2  # the vertices of a straight stretch are dropped
    corridor = build_corridor([NICE, LYON], budget_m=2_000, route=dense)
    assert all(corridor.admits(p) for p in dense)  # every road point is in the corridor


def test_the_ranking_plane_gives_metres() -> None:
    corridor = build_corridor([HOME, APPT], budget_m=2_000)
    kx, ky = corridor.scale
    (a, b) = corridor.route_xy
    planar = math.dist(a, b)
    assert planar == pytest.approx(haversine_m(HOME, APPT), rel=0.003)
    assert kx == pytest.approx(ky * math.cos(math.radians((HOME.lat + APPT.lat) / 2)))
    assert corridor.route_wkt.startswith("LINESTRING(")
    assert build_corridor([HOME], budget_m=1_000).route_wkt.startswith("POINT(")


def _out_and_back(corridor, p: GeoPoint) -> float:  # type: ignore[no-untyped-def]
    """Test twin of the database's detour: twice the planar distance to the route's chain."""
    kx, ky = corridor.scale
    return 2 * LineString(corridor.route_xy).distance(Point(p.lon * kx, p.lat * ky))


@settings(max_examples=300, deadline=None)
@given(
    lon=st.floats(min_value=4.6, max_value=7.4),
    lat=st.floats(min_value=43.3, max_value=45.9),
    band=st.floats(min_value=300, max_value=30_000),
)
def test_a_band_covers_every_point_within_its_detour(lon: float, lat: float, band: float) -> None:
    corridor = build_corridor([NICE, LYON], budget_m=30_000, route=A7)
    p = GeoPoint(lon, lat)
    if _out_and_back(corridor, p) <= band:
        assert corridor.band(band).covers(Point(lon, lat))
        # and the band lies inside the corridor: the cut never reads outside it
        assert corridor.admits(p) or _out_and_back(corridor, p) > corridor.budget_m * 0.97


def test_tiles_cover_the_zone_exactly() -> None:
    corridor = build_corridor([NICE, LYON], budget_m=20_000, route=A7)
    zone = corridor.band(5_000)
    pieces = [shapely_wkt.loads(w) for w in tiles(zone, cell_deg=0.05)]
    assert len(pieces) > 10
    assert unary_union(pieces).symmetric_difference(zone).area < 1e-9
    for piece in pieces:  # each piece's box is one cell at most
        minx, miny, maxx, maxy = piece.bounds
        assert maxx - minx <= 0.05 + 1e-9 and maxy - miny <= 0.05 + 1e-9


def test_the_ranking_route_keeps_the_leg_back_home() -> None:
    corridor = build_corridor([HOME, APPT, APPT2, HOME], budget_m=2_000)
    assert corridor.route_wkt.count(",") == 3  # home → Nice → Antibes → home: four vertices
    # a point just off the Antibes → home leg is in the smallest band
    on_the_way_back = GeoPoint(
        (APPT2.lon + HOME.lon) / 2 + 0.001, (APPT2.lat + HOME.lat) / 2 - 0.001
    )
    assert _out_and_back(corridor, on_the_way_back) < 500
    assert corridor.band(500).covers(Point(on_the_way_back.lon, on_the_way_back.lat))


def test_the_band_of_a_round_trip_that_crosses_itself_holds_every_point_within_reach() -> None:
    """Camille's 21/04 trip day: home → three visits → home, a loop whose last leg crosses
    the first. GEOS buffered that line wrongly (a third of the band missing, and an edge
    touching the route: planning the trip crashed on a division by zero). Every point within
    the bound of the route is inside the band, and the band's edge keeps its distance."""
    places = [
        GeoPoint(7.42553, 43.74291),
        GeoPoint(7.3931979, 43.7235546),
        GeoPoint(7.4184894, 43.7255194),
        GeoPoint(7.416272, 43.750822),
        GeoPoint(7.42553, 43.74291),
    ]
    corridor = build_corridor(places, budget_m=10_000)
    kx, ky = corridor.scale
    line = shapely.LineString(corridor.route_xy)
    band = corridor.band(5_000)
    planar = shapely.transform(band, lambda v: v * np.array([kx, ky]))
    assert shapely.distance(line, planar.boundary) >= 2_500
    rng = np.random.default_rng(7)
    lo, hi = np.array(line.bounds[:2]) - 2_500, np.array(line.bounds[2:]) + 2_500
    points = [shapely.Point(xy) for xy in rng.uniform(lo, hi, size=(2_000, 2))]
    within = [p for p in points if line.distance(p) <= 2_500]
    assert len(within) > 1_000
    assert all(planar.covers(p) for p in within)
