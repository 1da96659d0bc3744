"""Bench: assign 1 000 000 accounts to 200 territories, PostGIS beside the pure path and geopandas.

    python -m bench.territories [--accounts 1000000] [--territories 200] [--keep]

In its own database (``fieldcrm_bench_territories``, dropped afterwards unless ``--keep``):
territories are Voronoi cells of seeded points over mainland France clipped to the shipped
département outlines (hundreds of vertices each) plus one disc in ten laid over them with a
higher priority (overlaps decided by the tie-break); accounts are generated in SQL
(``generate_series`` + ``random()``), uniformly over France's bounding box (so some fall in the
sea: gaps). Timed:

* PostGIS: ``preview_assignment`` (the diff, nothing written) and ``assign_all`` (the one
  statement: ``ST_Covers`` join on the GiST index, ``DISTINCT ON`` tie-break, upsert of each
  changed account's row of ``account_assignments``, one history row per change), committed;
  then a second run (nothing changes) and one after redrawing some territories;
* pure path: ``assign_coordinates`` (shapely STRtree ``covered_by`` + the rank rule) on the
  same coordinates, read back from the database;
* peer: geopandas ``sjoin(predicate="covered_by")`` then sort by the tie-break and keep the
  first row per point.

The three answers are compared account by account.
"""

from __future__ import annotations

import argparse
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import text

from bench.database import drop_db, fresh_db
from fieldcrm.config import PACKAGE_DATA
from fieldcrm.store import assignment as assign_store
from fieldcrm.store import territories as store
from fieldcrm.store.db import make_engine, session_scope
from fieldcrm.territories.admin_units import load_boundaries
from fieldcrm.territories.assign import NONE, TerritoryShape, assign_coordinates, tie_break_key

DB_NAME = "fieldcrm_bench_territories"
BBOX = (-5.2, 42.3, 8.3, 51.1)  # mainland France (west, south, east, north)


def make_territories(n: int, seed: int = 4) -> list[tuple[BaseGeometry, int]]:
    """``n`` shapes: Voronoi cells clipped to France, one in ten being a priority disc."""
    rng = np.random.default_rng(seed)
    bounds = load_boundaries(PACKAGE_DATA)
    mainland = [g for code, g in bounds.departements.items() if code not in ("2A", "2B")]
    france = shapely.union_all(mainland)
    discs = n // 10
    cells: list[BaseGeometry] = []
    while len(cells) < n - discs:
        xs = rng.uniform(BBOX[0], BBOX[2], 4 * n)
        ys = rng.uniform(BBOX[1], BBOX[3], 4 * n)
        inside = shapely.contains_xy(france, xs, ys)
        seeds = shapely.multipoints(np.column_stack([xs[inside], ys[inside]])[: n - discs])
        voronoi = shapely.voronoi_polygons(seeds, extend_to=shapely.box(*BBOX))
        cells = [c for c in shapely.intersection(list(voronoi.geoms), france) if not c.is_empty]
    out: list[tuple[BaseGeometry, int]] = [(c, 0) for c in cells[: n - discs]]
    centres = rng.choice(len(out), discs, replace=False)
    for i in centres:
        c = out[int(i)][0].representative_point()
        out.append((c.buffer(float(rng.uniform(0.1, 0.3)), quad_segs=16), 1))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--territories", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()

    t0 = time.perf_counter()
    shapes = make_territories(args.territories)
    vertices = sum(shapely.get_num_coordinates(g) for g, _ in shapes)
    print(
        f"{len(shapes)} territories ({vertices:,} vertices) built in {time.perf_counter() - t0:.1f} s"
    )
    url = fresh_db(DB_NAME)
    engine = make_engine(url)
    try:
        with session_scope(engine) as s:
            s.execute(
                text("""INSERT INTO users (email, full_name, role)
                        SELECT 'rep' || i || '@bench.fr', 'Rep ' || i, 'rep'
                        FROM generate_series(1, :n) AS i"""),
                {"n": len(shapes)},
            )
            reps = list(s.execute(text("SELECT id FROM users ORDER BY id")).scalars())
            ids = [
                store.create_territory(s, name=f"T{k}", geometry=g, rep_id=reps[k], priority=p)
                for k, (g, p) in enumerate(shapes)
            ]
            s.commit()
            t0 = time.perf_counter()
            s.execute(text("SELECT setseed(0.42)"))
            s.execute(
                text("""INSERT INTO accounts (name, geom)
                        SELECT 'Compte ' || i, ST_SetSRID(ST_MakePoint(
                               :w + random() * (:e - :w), :s + random() * (:n - :s)), 4326)
                        FROM generate_series(1, :count) AS i"""),
                {"w": BBOX[0], "s": BBOX[1], "e": BBOX[2], "n": BBOX[3], "count": args.accounts},
            )
            s.commit()
            s.execute(text("ANALYZE accounts"))
            s.execute(text("ANALYZE territories"))
            s.commit()
            print(
                f"{args.accounts:,} accounts generated in SQL in {time.perf_counter() - t0:.1f} s"
            )

        with session_scope(engine) as s:
            t0 = time.perf_counter()
            preview = assign_store.preview_assignment(s)
            t_preview = time.perf_counter() - t0
        with session_scope(engine) as s:
            t0 = time.perf_counter()
            moves = assign_store.assign_all(s, actor_id=None, reason="bench")
            s.commit()
            t_assign = time.perf_counter() - t0
        # what autovacuum does after such a mass write (statistics of the filled tables)
        t0 = time.perf_counter()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE) account_assignments, assignment_history"))
        t_vacuum = time.perf_counter() - t0
        with session_scope(engine) as s:
            t0 = time.perf_counter()
            again = assign_store.assign_all(s, actor_id=None, reason="bench again")
            s.commit()
            t_again = time.perf_counter() - t0
            history = s.execute(text("SELECT count(*) FROM assignment_history")).scalar_one()
        # a manager redraws 20 territories: each grows by ~5 km over its neighbours (priority 2)
        redrawn = list(range(0, min(200, len(shapes) - len(shapes) // 10), 9))[:20]
        with session_scope(engine) as s:
            for k in redrawn:
                grown = shapely.buffer(shapes[k][0], 0.05)
                store.update_territory(s, ids[k], geometry=grown, priority=2)
                shapes[k] = (grown, 2)
            s.commit()
        with session_scope(engine) as s:
            t0 = time.perf_counter()
            border = assign_store.assign_all(s, actor_id=None, reason="bench redraw")
            s.commit()
            t_border = time.perf_counter() - t0
            moved = sum(m.accounts for m in border)
            t0 = time.perf_counter()
            rows = s.execute(
                text(
                    "SELECT ST_X(geom), ST_Y(geom), coalesce(territory_id, -1)"
                    " FROM accounts LEFT JOIN account_assignments ON account_id = id"
                )
            ).all()
            t_read = time.perf_counter() - t0
        changed = sum(m.accounts for m in moves)
        assert changed == sum(m.accounts for m in preview) == history
        print(f"redrawing {len(redrawn)} territories moved {moved:,} accounts")
        assert sum(m.accounts for m in again) == 0
        data = np.asarray(rows, dtype=np.float64)
        lon, lat, sql_ids = data[:, 0], data[:, 1], data[:, 2].astype(np.int64)

        terr = [TerritoryShape(i, g, p) for i, (g, p) in zip(ids, shapes, strict=True)]
        t0 = time.perf_counter()
        pure = assign_coordinates(lon, lat, terr)
        t_pure = time.perf_counter() - t0

        t0 = time.perf_counter()
        points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=4326)
        polys = gpd.GeoDataFrame(
            {
                "tid": ids,
                "priority": [p for _, p in shapes],
                "area": [t.rank_area for t in terr],
            },
            geometry=[g for g, _ in shapes],
            crs=4326,
        )
        joined = gpd.sjoin(points, polys, predicate="covered_by", how="left")
        joined = joined.sort_values(["priority", "area", "tid"], ascending=[False, True, True])
        first = joined[~joined.index.duplicated(keep="first")].sort_index()
        peer = first["tid"].fillna(NONE).to_numpy(dtype=np.int64)
        t_sjoin = time.perf_counter() - t0
        assert sorted(terr, key=tie_break_key)[0].priority == 2

        covered = int((sql_ids != NONE).sum())
        print(
            f"accounts covered {covered:,} / {len(sql_ids):,}; changed {changed:,} "
            f"(history rows {history:,}); overlap pairs resolved by priority"
        )
        table = pd.DataFrame(
            [
                ("PostGIS preview_assignment (diff only)", t_preview),
                ("PostGIS assign_all + history + commit", t_assign),
                ("VACUUM ANALYZE of the written tables (autovacuum's job)", t_vacuum),
                ("PostGIS assign_all again (no change)", t_again),
                (f"PostGIS assign_all after redrawing {len(redrawn)} territories", t_border),
                (f"read {len(rows):,} coordinates back (for the peers)", t_read),
                ("pure assign_coordinates (STRtree)", t_pure),
                ("geopandas sjoin covered_by + tie-break", t_sjoin),
            ],
            columns=["step", "seconds"],
        )
        print(table.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
        print(
            f"same answers: PostGIS = pure {bool((sql_ids == pure).all())}, "
            f"pure = geopandas {bool((pure == peer).all())} "
            f"(differences {int((sql_ids != pure).sum())}, {int((pure != peer).sum())})"
        )
    finally:
        engine.dispose()
        if not args.keep:
            drop_db(url)
            print(f"dropped database {DB_NAME}")


if __name__ == "__main__":
    main()
