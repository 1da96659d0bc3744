"""The candidate cut on PostGIS: the corridor along the road route, value per detour in SQL
checked against a Python twin (the twin is the test oracle; the SQL is the product)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

import pytest
from sqlalchemy.orm import Session

from fieldcrm.geo import GeoPoint
from fieldcrm.routing.corridor import DETOUR_FLOOR_M, Corridor, build_corridor
from fieldcrm.routing.crowfly import CrowFlyTravelTimes
from fieldcrm.routing.travel import RouteLeg, TravelMatrix
from fieldcrm.services.planning_inputs import gather, ranking
from fieldcrm.store import plans

TUESDAY = dt.date(2026, 4, 21)


def out_and_back_twin(corridor: Corridor, point: GeoPoint) -> float:
    """Python twin of the SQL detour: twice the planar distance to the route's chain."""
    kx, ky = corridor.scale
    x, y = point.lon * kx, point.lat * ky
    route = corridor.route_xy
    best = float("inf")
    for (ax, ay), (bx, by) in itertools.pairwise(route or [(x, y)]):
        dx, dy = bx - ax, by - ay
        t = 0.0 if dx == dy == 0 else ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)
        t = min(1.0, max(0.0, t))
        best = min(best, ((x - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2) ** 0.5)
    return 2 * best


def _corridor(demo: Session, budget_m: float, route: Sequence[GeoPoint] | None = None) -> Corridor:
    rep = plans.get_rep(demo, 4)
    home = GeoPoint(rep.home_lon, rep.home_lat)  # type: ignore[arg-type]
    appts = plans.appointments(
        demo, rep_id=4, first_day=TUESDAY, last_day=TUESDAY, tz="Europe/Paris"
    )
    places = [home, *(GeoPoint(a.lon, a.lat) for a in appts), home]  # type: ignore[arg-type]
    return build_corridor(places, budget_m=budget_m, route=route)


def test_sql_ranks_by_value_per_detour_like_the_twin(demo_db: Session) -> None:
    corridor = _corridor(demo_db, 5_000)
    rows = plans.candidates_in(
        demo_db, rep_id=4, polygon_wkt=corridor.wkt, limit=5000, route=ranking(corridor)
    )
    assert len(rows) > 20
    for r in rows:
        assert r.detour_m == pytest.approx(
            out_and_back_twin(corridor, GeoPoint(r.lon, r.lat)), abs=0.01
        )
    twin = sorted(rows, key=lambda r: (-r.score / (r.detour_m + DETOUR_FLOOR_M), r.id))  # type: ignore[operator]
    assert [r.id for r in rows] == [r.id for r in twin]
    # not the order by score alone: a near account of lower score comes before a far one
    assert [r.id for r in rows] != [r.id for r in sorted(rows, key=lambda r: (-r.score, r.id))]
    # the cut is the head of that order
    cut = plans.candidates_in(
        demo_db, rep_id=4, polygon_wkt=corridor.wkt, limit=7, route=ranking(corridor)
    )
    assert [r.id for r in cut] == [r.id for r in rows[:7]]


class BentRoad:
    """A road provider whose route between two places bends through a far point (a stand-in
    for a road that goes round a mountain), with crow-fly travel times."""

    name = "bent"

    def __init__(self, bend: GeoPoint) -> None:
        self.bend = bend
        self.crow = CrowFlyTravelTimes()

    def matrix(self, points: Sequence[GeoPoint]) -> TravelMatrix:
        return self.crow.matrix(points)

    def route(self, stops: Sequence[GeoPoint]) -> RouteLeg:
        coords = [stops[0].as_tuple()]
        for b in stops[1:]:
            coords += [self.bend.as_tuple(), b.as_tuple()]
        return RouteLeg(coords, 0.0, 0.0)


def test_the_corridor_of_a_plan_follows_the_road_route(demo_db: Session) -> None:
    straight = gather(
        demo_db,
        rep_id=4,
        first_day=TUESDAY,
        last_day=TUESDAY,
        detour_km=2,
        max_candidates=50,
        tz="Europe/Paris",
    )
    home = straight.home
    bend = GeoPoint(home.lon + 0.05, home.lat + 0.08)  # ~9 km north-east: off every straight leg
    assert not straight.corridor.admits(bend)
    road = gather(
        demo_db,
        rep_id=4,
        first_day=TUESDAY,
        last_day=TUESDAY,
        detour_km=2,
        max_candidates=50,
        tz="Europe/Paris",
        roads=BentRoad(bend),
    )
    assert road.corridor.on_roads and road.corridor.admits(bend)
    for c in road.candidates:
        assert road.corridor.admits(GeoPoint(c.lon, c.lat))
        assert c.detour_m == pytest.approx(
            out_and_back_twin(road.corridor, GeoPoint(c.lon, c.lat)), abs=0.01
        )
