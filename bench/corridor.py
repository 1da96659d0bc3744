"""Bench: candidate accounts near an itinerary among N accounts, PostGIS corridor beside a scan.

    python -m bench.corridor [--accounts 100000] [--repeat 20] [--keep] [--reuse]

``--reuse`` keeps a database left by ``--keep`` when it holds the same number of accounts.

In its own database (``fieldcrm_bench_corridor``, dropped afterwards unless ``--keep``): one rep
(home in Nice) and N accounts generated in SQL over mainland France's bounding box, a quarter
of them densely around the Riviera, half owned by the rep. The itinerary is home → Monaco
(10:00) → Antibes (15:00) → home with a 10 km crow-fly detour budget. Timed, median of
``--repeat`` runs:

* ours: :func:`fieldcrm.routing.corridor.build_corridor` then
  :func:`fieldcrm.store.plans.candidates_in` (the zone's accounts with their owners and
  scores read index-only on the GiST of ``corridor_points``, migration 0023; visibility,
  value per detour along the route,
  ``LIMIT``) then the exact ellipse test, as
  ``plan_day`` does (the cut of a day: ``POOL × planner_max_candidates`` rows);
* peer: what one does without a spatial index: read every visible account's point and apply
  the exact ellipse test in Python (numpy, vectorised), then rank by value per detour (the
  Python twin of the SQL ranking, with the same rule of bands).

Both answers are compared (the peer's best ``limit`` ids must equal ours). Median and p95.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time

import numpy as np
import psycopg
from sqlalchemy import text

from bench.database import drop_db, fresh_db, plain, server_url
from fieldcrm.config import Settings
from fieldcrm.geo import EARTH_RADIUS_M, GeoPoint
from fieldcrm.routing.corridor import DETOUR_FLOOR_M, build_corridor
from fieldcrm.services.planning_inputs import BANDS, POOL, corridor_candidates
from fieldcrm.store.db import make_engine, session_scope

DB_NAME = "fieldcrm_bench_corridor"
HOME = GeoPoint(7.262, 43.703)
PLACES = [HOME, GeoPoint(7.4246, 43.7384), GeoPoint(7.1250, 43.5800), HOME]
BUDGET_M = 10_000.0
LIMIT = int(Settings(_env_file=None).planner_max_candidates * POOL * 1.25) + 5


def seed(session, n: int) -> None:  # type: ignore[no-untyped-def]
    session.execute(
        text(
            """INSERT INTO users (id, email, full_name, role, home)
               VALUES (1, 'rep@bench', 'Rep Bench', 'rep',
                       ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))"""
        ),
        {"lon": HOME.lon, "lat": HOME.lat},
    )
    session.execute(text("SELECT setseed(0.42)"))
    session.execute(
        text(
            """INSERT INTO accounts (name, kind, geom, geocode_status, potential_eur_month)
               SELECT 'A' || g, CASE WHEN g % 3 = 0 THEN 'client' ELSE 'prospect' END,
                      CASE WHEN g % 4 = 0
                        THEN ST_SetSRID(ST_MakePoint(6.9 + random() * 0.7,
                                                     43.45 + random() * 0.4), 4326)
                        ELSE ST_SetSRID(ST_MakePoint(-5.2 + random() * 13.5,
                                                     42.3 + random() * 8.8), 4326)
                      END,
                      'matched', (random() * 5000)::numeric(14, 2)
               FROM generate_series(1::bigint, :n) AS g"""
        ),
        {"n": n},
    )
    session.execute(
        text(
            """INSERT INTO account_assignments (account_id, owner_id)
               SELECT id, 1 FROM accounts WHERE id % 2 = 0"""
        )
    )
    session.execute(
        text(
            """INSERT INTO account_priorities (account_id, score, band)
               SELECT id, random() * 100, 'normal' FROM accounts WHERE id % 5 <> 0"""
        )
    )
    session.commit()


def vacuum(url: str) -> None:
    """What autovacuum does after a bulk load: statistics, and the visibility map that lets
    the corridor's reads be index-only (``corridor_points``, migration 0023)."""
    with psycopg.connect(plain(url), autocommit=True) as conn:
        conn.execute(
            "VACUUM ANALYZE accounts, account_assignments, account_priorities, corridor_points"
        )


def ours(session) -> list[int]:  # type: ignore[no-untyped-def]
    corridor = build_corridor(PLACES, budget_m=BUDGET_M)
    rows = corridor_candidates(session, corridor, rep_id=1, limit=LIMIT)
    return [r.id for r in rows if corridor.admits(GeoPoint(r.lon, r.lat))]


def out_and_back(xy: np.ndarray, route: list[tuple[float, float]]) -> np.ndarray:
    """Twice the planar distance from each point to the polyline (the ranking's detour)."""
    best = np.full(len(xy), np.inf)
    if len(set(route)) == 1:
        return 2 * np.hypot(xy[:, 0] - route[0][0], xy[:, 1] - route[0][1])
    for (ax, ay), (bx, by) in itertools.pairwise(route):
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        t = (
            np.zeros(len(xy))
            if length2 == 0
            else ((xy[:, 0] - ax) * dx + (xy[:, 1] - ay) * dy) / length2
        )
        t = np.clip(t, 0.0, 1.0)
        best = np.minimum(best, np.hypot(xy[:, 0] - ax - t * dx, xy[:, 1] - ay - t * dy))
    return 2 * best


def peer(session) -> list[int]:  # type: ignore[no-untyped-def]
    rows = session.execute(
        text(
            """SELECT id, ST_X(geom), ST_Y(geom), ap.score,
                      coalesce(potential_eur_month, 0)::float8
               FROM accounts a LEFT JOIN account_priorities ap ON ap.account_id = a.id
               LEFT JOIN account_assignments s ON s.account_id = a.id
               WHERE geom IS NOT NULL
                 AND (owner_id = 1 OR (owner_id IS NULL AND kind = 'prospect'))"""
        )
    ).all()
    data = np.array(
        [(r[0], r[1], r[2], np.nan if r[3] is None else r[3], r[4]) for r in rows], dtype=float
    )
    lon, lat = np.radians(data[:, 1]), np.radians(data[:, 2])

    def dist(p: GeoPoint) -> np.ndarray:
        plon, plat = np.radians(p.lon), np.radians(p.lat)
        h = (
            np.sin((lat - plat) / 2) ** 2
            + np.cos(lat) * np.cos(plat) * np.sin((lon - plon) / 2) ** 2
        )
        return 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(h)))

    corridor = build_corridor(PLACES, budget_m=BUDGET_M)
    inside = np.zeros(len(data), dtype=bool)
    for leg in corridor.legs:
        inside |= dist(leg.start) + dist(leg.end) - leg.length_m <= BUDGET_M + 1e-6
    kx, ky = corridor.scale
    detour = out_and_back(np.column_stack([data[:, 1] * kx, data[:, 2] * ky]), corridor.route_xy)

    def ranked(mask: np.ndarray) -> list[int]:
        chosen, far = data[mask], detour[mask]
        top_potential = chosen[:, 4].max() if len(chosen) else 0.0
        fallback = 30.0 * chosen[:, 4] / top_potential if top_potential else np.zeros(len(chosen))
        score = np.maximum(1.0, np.where(np.isnan(chosen[:, 3]), fallback, chosen[:, 3]))
        order = np.lexsort((chosen[:, 0], -score / (far + DETOUR_FLOOR_M)))
        return [int(i) for i in chosen[order, 0]]

    WHOLE[:] = ranked(inside)
    for fraction in BANDS:
        band = detour <= BUDGET_M * fraction
        if band.sum() >= LIMIT:  # the first band holding the cut (as corridor_candidates)
            near = ranked(band)[:LIMIT]
            where = {int(i): k for k, i in enumerate(data[:, 0])}
            return [
                i for i in near if corridor.admits(GeoPoint(data[where[i], 1], data[where[i], 2]))
            ]
    return WHOLE[:LIMIT]


WHOLE: list[int] = []
"""The peer's ranking of the whole corridor by value per detour (how close the bands come)."""


def timed(fn, engine, repeat: int) -> tuple[float, float, list[int]]:  # type: ignore[no-untyped-def]
    """Median and p95 seconds of ``repeat`` runs (after one warm-up), and the answer."""
    times, answer = [], []
    for k in range(repeat + 1):
        with session_scope(engine) as session:
            start = time.perf_counter()
            answer = fn(session)
            if k:
                times.append(time.perf_counter() - start)
    p95 = float(np.percentile(times, 95, method="higher"))
    return statistics.median(times), p95, answer


def existing(name: str, n: int) -> str | None:
    """The URL of a kept bench database holding ``n`` accounts, if there is one."""
    base = server_url().rsplit("/", 1)[0]
    try:
        with psycopg.connect(plain(f"{base}/{name}")) as conn:
            (count,) = conn.execute("SELECT count(*) FROM accounts").fetchone()  # type: ignore[misc]
    except psycopg.Error:
        return None
    return f"{base}/{name}" if count == n else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    url = existing(DB_NAME, args.accounts) if args.reuse else None
    try:
        if url is None:
            url = fresh_db(DB_NAME)
            engine = make_engine(url)
            with session_scope(engine) as session:
                start = time.perf_counter()
                seed(session, args.accounts)
                print(f"seeded {args.accounts} accounts in {time.perf_counter() - start:.1f} s")
            vacuum(url)
        engine = make_engine(url)
        t_ours, p95_ours, a_ours = timed(ours, engine, args.repeat)
        t_peer, p95_peer, a_peer = timed(peer, engine, max(3, args.repeat // 5))
        total_inside = len(WHOLE)
        same = a_ours == a_peer[: len(a_ours)]
        shared = len(set(a_ours) & set(WHOLE[: len(a_ours)]))
        print(
            f"against the whole corridor ranked: {shared} of {len(a_ours)} shared; "
            f"the best 150 identical: {a_ours[:150] == WHOLE[:150]}"
        )
        print(f"{'':28}{'ours (PostGIS corridor)':>26}{'peer (scan + numpy)':>22}")
        print(f"{'median time per query':28}{t_ours * 1000:>23.1f} ms{t_peer * 1000:>19.1f} ms")
        print(f"{'p95 time per query':28}{p95_ours * 1000:>23.1f} ms{p95_peer * 1000:>19.1f} ms")
        print(f"{'rows read from the database':28}{'≤ ' + str(LIMIT):>26}{'all visible':>22}")
        print(f"{'accounts in the corridor':28}{'':>26}{total_inside:>22}")
        print(f"{'candidates kept (best first)':28}{len(a_ours):>26}{min(len(a_peer), LIMIT):>22}")
        print(f"same best candidates: {same}; speed-up ×{t_peer / t_ours:.0f}")
    finally:
        if not args.keep and url is not None:
            drop_db(url)


if __name__ == "__main__":
    main()
