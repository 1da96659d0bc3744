"""The corridor cut on a dense generated scene, checked against a full ranking.

The SQL (``store.plans.candidates_in``, index-only reads of migration 0020, narrow ranking
then the kept rows read whole) is the product; the ranking here, of every account of the
scene in Python, is the test oracle. The scene has ties (accounts at the same place with the
same score, where the id decides, cut between the two), accounts just inside and just
outside a band's bound, accounts exactly on the lines between the tiles the zone is read
by (found by two tiles, kept once), unscored accounts (score from the largest potential of
the band), other reps' accounts and unconfirmed locations.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pytest
import shapely
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.geo import GeoPoint
from fieldcrm.routing.corridor import DETOUR_FLOOR_M, Corridor, build_corridor, tiles
from fieldcrm.services.planning_inputs import BANDS, _cell, corridor_candidates, ranking
from fieldcrm.store import plans
from fieldcrm.store.plans import FALLBACK_SCORE_MAX, FALLBACK_SCORE_MIN, RouteForRanking

HOME = GeoPoint(7.250, 43.700)
PLACES = [HOME, GeoPoint(7.290, 43.715), GeoPoint(7.270, 43.690), HOME]
BUDGET_M = 4_000.0
EVERYONE = 100_000


@dataclass(frozen=True)
class Account:
    """An account of the scene as the oracle sees it."""

    id: int
    lon: float
    lat: float
    visible: bool
    score: float | None
    potential: float


@dataclass(frozen=True)
class Scene:
    rep: int
    corridor: Corridor
    accounts: list[Account]
    inside: set[int]
    outside: set[int]
    on_tile_lines: set[int]


def out_and_back(corridor: Corridor, lon: float, lat: float) -> float:
    """Twin of the SQL detour: twice the planar distance to the route's chain."""
    kx, ky = corridor.scale
    x, y = lon * kx, lat * ky
    best = math.inf
    for (ax, ay), (bx, by) in itertools.pairwise(corridor.route_xy):
        dx, dy = bx - ax, by - ay
        t = min(1.0, max(0.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
        best = min(best, math.hypot(x - ax - t * dx, y - ay - t * dy))
    return 2 * best


def oracle(scene: Scene, band_m: float | None) -> list[tuple[int, float]]:
    """Every visible account of the band (or of the whole corridor), best value per detour
    first, with its value."""
    corridor = scene.corridor
    shapely.prepare(corridor.polygon)

    def within(a: Account) -> bool:
        if band_m is not None:
            return out_and_back(corridor, a.lon, a.lat) <= band_m
        return bool(corridor.polygon.intersects(shapely.Point(a.lon, a.lat)))

    chosen = [a for a in scene.accounts if a.visible and within(a)]
    top = max((a.potential for a in chosen), default=0.0)

    def value(a: Account) -> float:
        fallback = FALLBACK_SCORE_MAX * a.potential / top if top else 0.0
        score = max(FALLBACK_SCORE_MIN, a.score if a.score is not None else fallback)
        return score / (out_and_back(corridor, a.lon, a.lat) + DETOUR_FLOOR_M)

    ranked = sorted(((a.id, value(a)) for a in chosen), key=lambda r: (-r[1], r[0]))
    return ranked


def on_route(corridor: Corridor, leg: int, t: float, offset_m: float) -> tuple[float, float]:
    """The point at fraction ``t`` of a leg, ``offset_m`` metres to its left (ranking plane)."""
    kx, ky = corridor.scale
    (ax, ay), (bx, by) = corridor.route_xy[leg], corridor.route_xy[leg + 1]
    length = math.hypot(bx - ax, by - ay)
    x = ax + t * (bx - ax) - offset_m * (by - ay) / length
    y = ay + t * (by - ay) + offset_m * (bx - ax) / length
    return x / kx, y / ky


def tile_lines(corridor: Corridor, band_m: float) -> list[tuple[float, float]]:
    """Points near the route (5 to 104 m) whose longitude is exactly a line between two tiles
    of the band."""
    kx, ky = corridor.scale
    cell = _cell(band_m)
    minx, _, maxx, _ = corridor.band(band_m).bounds
    points = []
    for lon in np.arange(math.floor(minx / cell) * cell, maxx, cell).tolist()[1:]:
        for (ax, ay), (bx, by) in itertools.pairwise(corridor.route_xy):
            if min(ax, bx) < lon * kx < max(ax, bx):
                t = (lon * kx - ax) / (bx - ax)
                off = 5 + 9 * len(points) % 100  # metres off the route, inside the band
                points.append((lon, (ay + t * (by - ay) + off) / ky))
    return points


@pytest.fixture
def scene(db: Session) -> Scene:
    rep, other = (
        db.execute(
            text(
                "INSERT INTO users (email, full_name, role) VALUES (:e, 'Rep', 'rep') RETURNING id"
            ),
            {"e": email},
        ).scalar_one()
        for email in ("cut-rep@t.fr", "cut-other@t.fr")
    )
    corridor = build_corridor(PLACES, budget_m=BUDGET_M)
    rnd = random.Random(17)
    legs = len(corridor.route_xy) - 1
    near = BUDGET_M * BANDS[0] / 2  # half the first band's detour: its bound, in distance
    points: list[tuple[float, float]] = []
    points += [
        on_route(corridor, rnd.randrange(legs), rnd.random(), rnd.uniform(-900, 900))
        for _ in range(1500)
    ]
    minx, miny, maxx, maxy = corridor.polygon.bounds
    points += [(rnd.uniform(minx, maxx), rnd.uniform(miny, maxy)) for _ in range(700)]
    inside = [on_route(corridor, k % legs, rnd.uniform(0.2, 0.8), near - 0.05) for k in range(12)]
    outside = [
        on_route(corridor, k % legs, rnd.uniform(0.2, 0.8), -(near + 0.05)) for k in range(12)
    ]
    lines = tile_lines(corridor, BUDGET_M * BANDS[0])
    points += inside + outside + lines
    rows = []
    for lon, lat in points:
        owner = rnd.choices([rep, other, None], [50, 15, 35])[0]
        rows.append(
            {
                "lon": lon,
                "lat": lat,
                "kind": rnd.choice(["prospect", "client"]),
                "status": rnd.choices(["matched", "manual", "pending"], [85, 5, 10])[0],
                "owner": owner,
                "score": rnd.choice([None, None, None, *range(0, 41, 2)]),
                "potential": None if rnd.random() < 0.1 else Decimal(rnd.randrange(500_000)) / 100,
            }
        )
    # Ties: the same place, the same score, visible (the id decides between them).
    for k in range(0, 1500, 25):
        rows[k] |= {"owner": rep, "status": "matched", "score": rows[k]["score"] or 30}
        rows.append(dict(rows[k]))
    # Visible, with scores far apart: their order does not hang on the last bits of a detour.
    marked = {p: 20 + 0.37 * j for j, p in enumerate(inside + outside + lines)}
    for r in rows:
        if (r["lon"], r["lat"]) in marked:
            r |= {"owner": rep, "status": "matched", "score": marked[r["lon"], r["lat"]]}
    ids = list(
        db.execute(
            text(
                """INSERT INTO accounts (name, kind, geom, geocode_status, potential_eur_month)
                   SELECT 'Cut ' || k, kind, ST_SetSRID(ST_MakePoint(lon, lat), 4326), status,
                          potential
                   FROM unnest(CAST(:kind AS text[]), CAST(:lon AS float8[]),
                               CAST(:lat AS float8[]), CAST(:status AS text[]),
                               CAST(:potential AS numeric[]))
                        WITH ORDINALITY AS r(kind, lon, lat, status, potential, k)
                   ORDER BY k
                   RETURNING id"""
            ),
            {f: [r[f] for r in rows] for f in ("kind", "lon", "lat", "status", "potential")},
        ).scalars()
    )
    assert ids == sorted(ids)  # in the order of ``rows``
    owned = [(i, r["owner"]) for i, r in zip(ids, rows, strict=True) if r["owner"] is not None]
    scored = [(i, r["score"]) for i, r in zip(ids, rows, strict=True) if r["score"] is not None]
    db.execute(
        text(
            """INSERT INTO account_assignments (account_id, owner_id)
               SELECT * FROM unnest(CAST(:a AS int[]), CAST(:o AS int[]))"""
        ),
        {"a": [a for a, _ in owned], "o": [o for _, o in owned]},
    )
    db.execute(
        text(
            """INSERT INTO account_priorities (account_id, score, band)
               SELECT a, s, 'normal' FROM unnest(CAST(:a AS int[]), CAST(:s AS float8[])) AS t(a, s)"""
        ),
        {"a": [a for a, _ in scored], "s": [float(s) for _, s in scored]},
    )
    accounts = [
        Account(
            i,
            r["lon"],
            r["lat"],
            r["status"] != "pending"
            and (r["owner"] == rep or (r["owner"] is None and r["kind"] == "prospect")),
            None if r["score"] is None else float(r["score"]),
            float(r["potential"] or 0),
        )
        for i, r in zip(ids, rows, strict=True)
    ]
    where = {(r["lon"], r["lat"]): i for i, r in zip(ids, rows, strict=True)}
    return Scene(
        rep,
        corridor,
        accounts,
        {where[p] for p in inside},
        {where[p] for p in outside},
        {where[p] for p in lines},
    )


def _cut(db: Session, scene: Scene, band_m: float | None, limit: int) -> list[int]:
    zone = scene.corridor.polygon if band_m is None else scene.corridor.band(band_m)
    rows = plans.candidates_in(
        db,
        rep_id=scene.rep,
        polygon_wkt=tiles(zone, cell_deg=_cell(band_m or BUDGET_M)),
        limit=limit,
        route=ranking(scene.corridor, band_m),
    )
    return [r.id for r in rows]


@pytest.mark.parametrize("fraction", [*BANDS[:2], None])
def test_the_cut_is_the_head_of_the_full_ranking(db: Session, scene: Scene, fraction) -> None:  # type: ignore[no-untyped-def]
    band = None if fraction is None else BUDGET_M * fraction
    full = oracle(scene, band)
    assert len(full) > 40
    everyone = _cut(db, scene, band, EVERYONE)
    assert everyone == [i for i, _ in full]
    # cuts between two accounts of the same value (same place, same score): the id decides
    ties = [k for k in range(1, len(full)) if full[k - 1][1] == full[k][1]]
    assert ties, "the scene has ties inside the ranking"
    for limit in {1, 7, len(full) // 2, *ties[:5]}:
        assert _cut(db, scene, band, limit) == [i for i, _ in full[:limit]]


def test_accounts_at_the_bound_and_on_tile_lines(db: Session, scene: Scene) -> None:
    band = BUDGET_M * BANDS[0]
    kept = _cut(db, scene, band, EVERYONE)
    assert len(kept) == len(set(kept))  # an account on two tiles is kept once
    assert scene.inside <= set(kept)  # 5 cm inside the band's bound
    assert not scene.outside & set(kept)  # 5 cm outside it
    assert len(scene.on_tile_lines) >= 3 and scene.on_tile_lines <= set(kept)
    # the bound itself: an account exactly at it is in, one float below it leaves it out
    rows = plans.candidates_in(
        db,
        rep_id=scene.rep,
        polygon_wkt=tiles(scene.corridor.polygon, cell_deg=_cell(BUDGET_M)),
        limit=EVERYONE,
        route=ranking(scene.corridor),
    )
    at = sorted(rows, key=lambda r: r.detour_m)[len(rows) // 3]  # type: ignore[arg-type,return-value]
    kx, ky = scene.corridor.scale
    wkt = scene.corridor.route_wkt
    polygon = tiles(scene.corridor.band(at.detour_m), cell_deg=_cell(at.detour_m))  # type: ignore[arg-type]
    for bound, present in ((at.detour_m, True), (math.nextafter(at.detour_m, 0), False)):  # type: ignore[arg-type]
        route = RouteForRanking(wkt, kx, ky, DETOUR_FLOOR_M, bound)
        banded = plans.candidates_in(
            db, rep_id=scene.rep, polygon_wkt=polygon, limit=EVERYONE, route=route
        )
        assert (at.id in {r.id for r in banded}) is present
        assert {r.id for r in banded} == {r.id for r in rows if r.detour_m <= bound}  # type: ignore[operator]


@pytest.mark.parametrize("limit", [5, 60, 400, 5000])
def test_the_bands_give_the_first_band_holding_the_cut(
    db: Session, scene: Scene, limit: int
) -> None:
    expected = None
    for fraction in BANDS:
        full = oracle(scene, BUDGET_M * fraction)
        if len(full) >= limit:
            expected = [i for i, _ in full[:limit]]
            break
    if expected is None:
        expected = [i for i, _ in oracle(scene, None)[:limit]]
    rows = corridor_candidates(db, scene.corridor, rep_id=scene.rep, limit=limit)
    assert [r.id for r in rows] == expected
