"""Bench: rebalancing proposals, the steepest-descent heuristic beside CP-SAT.

    python -m bench.rebalance [--keep] [--max-moves 30]

Cases (same units, adjacency and rules for both methods; ``max_moves`` communes at most):

* **demo**: the demo company seeded as of 2026-04-15 in its own database
  (``fieldcrm_bench_rebalance``, dropped afterwards unless ``--keep``); its 3 territories over
  the shipped communes, each criterion of the territories screen
  (:func:`fieldcrm.services.territories.rebalance_input`, as the screen computes it);
* **communes-8**: the 440 shipped communes split into 8 territories (nearest of 8 seeded
  commune centres, so territories follow the real adjacency), seeded weights per commune
  (accounts ~ Poisson, potential ~ accounts × log-normal, workload ~ accounts × U(0.5, 1.5));
* **grid-1600**: a 40 × 40 grid of square "communes" in 12 territories (nearest of 12 seeded
  centres), with three seeded hot spots (cities) in the weights.

For each case and criterion: the coefficient of variation of the territories' totals before
and after, the number of communes moved, and the wall time of the proposal (units built).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Callable

import numpy as np
from shapely.geometry import box
from sqlalchemy.orm import Session

from bench.database import drop_db, fresh_db
from fieldcrm.services import territories as svc
from fieldcrm.store import territories as store
from fieldcrm.store.db import make_engine
from fieldcrm.territories.rebalance import Proposal, Unit, adjacency, propose
from fieldcrm.territories.rebalance_cpsat import propose_best, propose_cpsat

DB_NAME = "fieldcrm_bench_rebalance"
DEMO_TODAY = dt.date(2026, 4, 15)
METHODS: dict[str, Callable[..., Proposal]] = {
    "heuristic": propose,
    "cp-sat": propose_cpsat,
    "shipped (better of both)": propose_best,
}

Instance = tuple[list[Unit], list[tuple[str, str]]]


def demo_instances(keep: bool) -> dict[str, Instance]:
    """Units and pairs of the seeded demo, per criterion."""
    from fieldcrm.services.demo import seed_demo

    url = fresh_db(DB_NAME)
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            seed_demo(session, today=DEMO_TODAY, reset=True)
        with Session(engine) as session:
            rows = store.list_territories(session)
            return {
                m: svc.rebalance_input(session, rows, metric=m, as_of=DEMO_TODAY)
                for m in svc.METRICS
            }
    finally:
        engine.dispose()
        if not keep:
            drop_db(url)


def _weights(counts: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    return {
        "accounts": counts.astype(float),
        "potential_eur_month": counts * rng.lognormal(7.0, 0.6, counts.size),
        "workload_hours_month": counts * rng.uniform(0.5, 1.5, counts.size),
    }


def _split(centres: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    seeds = centres[rng.choice(len(centres), size=k, replace=False)]
    d = ((centres[:, None, :] - seeds[None, :, :]) ** 2).sum(axis=2)
    return np.asarray(d.argmin(axis=1) + 1)


def commune_instances(seed: int = 8) -> dict[str, Instance]:
    """The shipped communes in 8 territories with seeded weights."""
    rng = np.random.default_rng(seed)
    communes = dict(svc.boundaries().communes)
    codes = sorted(communes)
    centres = np.array([[communes[c].centroid.x, communes[c].centroid.y] for c in codes])
    owner = _split(centres, 8, rng)
    counts = rng.poisson(6, len(codes))
    pairs = [tuple(p) for p in svc._commune_pairs()]  # the cached adjacency
    return {
        m: (
            [Unit(c, int(o), float(w), c) for c, o, w in zip(codes, owner, ws, strict=True)],
            pairs,  # type: ignore[misc]
        )
        for m, ws in _weights(counts, rng).items()
    }


def grid_instances(side: int = 40, k: int = 12, seed: int = 12) -> dict[str, Instance]:
    """A ``side`` × ``side`` grid in ``k`` territories with three hot spots."""
    rng = np.random.default_rng(seed)
    cells = {f"{r:02d}{c:02d}": box(c, r, c + 1, r + 1) for r in range(side) for c in range(side)}
    codes = sorted(cells)
    centres = np.array([[int(c[2:]), int(c[:2])] for c in codes], dtype=float)
    owner = _split(centres, k, rng)
    hot = rng.uniform(0, side, (3, 2))
    dist = np.sqrt(((centres[:, None, :] - hot[None, :, :]) ** 2).sum(axis=2)).min(axis=1)
    counts = rng.poisson(2 + 30 * np.exp(-dist / 3))
    pairs = adjacency(cells)
    return {
        m: ([Unit(c, int(o), float(w), c) for c, o, w in zip(codes, owner, ws, strict=True)], pairs)
        for m, ws in _weights(counts, rng).items()
    }


def main() -> None:
    """Print one line per case, criterion and method."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep", action="store_true", help="keep the demo database")
    parser.add_argument("--max-moves", type=int, default=30)
    args = parser.parse_args()
    cases = {
        "demo": demo_instances(args.keep),
        "communes-8": commune_instances(),
        "grid-1600": grid_instances(),
    }
    print("| case | criterion | method | CV before | CV after | moves | seconds |")
    print("|---|---|---|---:|---:|---:|---:|")
    for case, instances in cases.items():
        for metric, (units, pairs) in instances.items():
            for name, solve in METHODS.items():
                start = time.perf_counter()
                p = solve(units, pairs, metric=metric, max_moves=args.max_moves)
                took = time.perf_counter() - start
                codes = [m.code for m in p.moves]
                assert len(codes) == len(set(codes)), "a commune moved twice"
                print(
                    f"| {case} | {metric} | {name} | {p.spread_before.cv:.3f} | "
                    f"{p.spread_after.cv:.3f} | {len(p.moves)} | {took:.2f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
