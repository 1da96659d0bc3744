"""Bench: candidate accounts near an itinerary among N accounts, PostGIS corridor beside a scan.

    python -m bench.corridor [--accounts 100000] [--repeat 20] [--keep]

In its own database (``fieldcrm_bench_corridor``, dropped afterwards unless ``--keep``): one rep
(home in Nice) and N accounts generated in SQL over mainland France's bounding box, a quarter
of them densely around the Riviera, half owned by the rep. The itinerary is home → Monaco
(10:00) → Antibes (15:00) → home with a 10 km crow-fly detour budget. Timed, median of
``--repeat`` runs:

* ours: :func:`fieldcrm.routing.corridor.build_corridor` then
  :func:`fieldcrm.store.plans.candidates_in` (``ST_Intersects`` on the GiST index, visibility,
  score, ``LIMIT``) then the exact ellipse test, as ``plan_day`` does;
* peer: what one does without a spatial index: read every visible account's point and apply
  the exact ellipse test in Python (numpy, vectorised), then sort by score.

Both answers are compared (the peer's best ``limit`` ids must equal ours).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import psycopg
from sqlalchemy import text

from bench.database import drop_db, fresh_db, plain
from fieldcrm.geo import EARTH_RADIUS_M, GeoPoint
from fieldcrm.routing.corridor import build_corridor
from fieldcrm.store import plans as store
from fieldcrm.store.db import make_engine, session_scope

DB_NAME = "fieldcrm_bench_corridor"
HOME = GeoPoint(7.262, 43.703)
PLACES = [HOME, GeoPoint(7.4246, 43.7384), GeoPoint(7.1250, 43.5800), HOME]
BUDGET_M = 10_000.0
LIMIT = 120


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
    with psycopg.connect(plain(url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE accounts")


def ours(session) -> list[int]:  # type: ignore[no-untyped-def]
    corridor = build_corridor(PLACES, budget_m=BUDGET_M)
    rows = store.candidates_in(session, rep_id=1, polygon_wkt=corridor.wkt, limit=LIMIT)
    return [r.id for r in rows if corridor.admits(GeoPoint(r.lon, r.lat))]


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
    chosen = data[inside]
    top_potential = chosen[:, 4].max() if len(chosen) else 0.0
    fallback = 30.0 * chosen[:, 4] / top_potential if top_potential else np.zeros(len(chosen))
    score = np.maximum(1.0, np.where(np.isnan(chosen[:, 3]), fallback, chosen[:, 3]))
    order = np.lexsort((chosen[:, 0], -score))
    return [int(i) for i in chosen[order, 0]]


def timed(fn, engine, repeat: int) -> tuple[float, list[int]]:  # type: ignore[no-untyped-def]
    times, answer = [], []
    for _ in range(repeat):
        with session_scope(engine) as session:
            start = time.perf_counter()
            answer = fn(session)
            times.append(time.perf_counter() - start)
    return statistics.median(times), answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    url = fresh_db(DB_NAME)
    try:
        engine = make_engine(url)
        with session_scope(engine) as session:
            start = time.perf_counter()
            seed(session, args.accounts)
            print(f"seeded {args.accounts} accounts in {time.perf_counter() - start:.1f} s")
        vacuum(url)
        t_ours, a_ours = timed(ours, engine, args.repeat)
        t_peer, a_peer = timed(peer, engine, max(3, args.repeat // 5))
        total_inside = len(a_peer)
        same = a_ours == a_peer[: len(a_ours)]
        print(f"{'':28}{'ours (PostGIS corridor)':>26}{'peer (scan + numpy)':>22}")
        print(f"{'median time per query':28}{t_ours * 1000:>23.1f} ms{t_peer * 1000:>19.1f} ms")
        print(f"{'rows read from the database':28}{'≤ ' + str(LIMIT):>26}{'all visible':>22}")
        print(f"{'accounts in the corridor':28}{'':>26}{total_inside:>22}")
        print(f"{'candidates kept (best first)':28}{len(a_ours):>26}{min(len(a_peer), LIMIT):>22}")
        print(f"same best candidates: {same}; speed-up ×{t_peer / t_ours:.0f}")
    finally:
        if not args.keep:
            drop_db(url)


if __name__ == "__main__":
    main()
