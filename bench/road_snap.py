"""Snapping benchmark: road figures between the demo accounts, previous rule against the foot rule.

The previous rule joined each point to the nearer end node of its nearest edge (and drove
backwards along one-way streets to get there); the product now joins it at its foot on the
edge (``fieldcrm.routing.snap``). Both on the Monaco network the demo loads, between the demo
company's Riviera accounts (``services.demo_data.generate``, fixed date and seed):

- road metres / crow-fly metres by crow-fly band, before and after;
- the pair the QA walker reported (290 m apart, 1 038 m and 53 s before);
- the product against the brute-force reference (edges split at the feet, networkx);
- the time of a whole matrix, both rules, interleaved.

Run: ``.venv/bin/python -m bench.road_snap [--sample 60]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import numpy as np

from fieldcrm.config import PACKAGE_DATA, PROJECT_DIR
from fieldcrm.geo import GeoPoint
from fieldcrm.routing.crowfly import crow_metres
from fieldcrm.routing.matrix import GraphTravelTimes
from fieldcrm.routing.network import load_network
from fieldcrm.services.demo_data import generate
from tests.routing.split_oracle import exact_matrix, old_rule

PBF = PACKAGE_DATA / "osm" / "monaco.osm.pbf"
QA_PAIR = ("Restauration collective des Pins EURL", "Hôtel Carnot SASU")
BANDS = ((0, 500), (500, 2000), (2000, np.inf))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", type=int, default=60, help="points checked by brute force")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    network = load_network(PBF, cache_dir=PROJECT_DIR / "var" / "cache" / "roads")
    tt = GraphTravelTimes(network)
    accounts = [
        a
        for a in generate(dt.date(2026, 12, 7)).accounts
        if a["area"] == "riviera" and a["lon"] is not None
    ]
    points = [GeoPoint(lon=a["lon"], lat=a["lat"]) for a in accounts]
    k = len(points)
    snapped = tt.snapper.snap(points)
    new = tt.matrix(points)
    old_s, old_m, legal = old_rule(tt, snapped)
    crow = crow_metres(np.array([p.lon for p in points]), np.array([p.lat for p in points]))
    pair = ~np.eye(k, dtype=bool) & np.isfinite(new.seconds) & (crow > 0)
    print(f"{k} Riviera demo accounts, {k - len(new.off_network)} on the Monaco network")
    print(f"snap distance: median {np.median(snapped.snap_m):.1f} m, p99 "
          f"{np.quantile(snapped.snap_m[np.isfinite(snapped.snap_m)], 0.99):.1f} m")  # fmt: skip
    print()
    print(f"{'crow-fly band':<16}{'pairs':>10}{'road/crow before':>24}{'after':>24}")
    for lo, hi in BANDS:
        sel = pair & (crow >= lo) & (crow < hi)
        before = old_m[sel] / crow[sel]
        after = new.metres[sel] / crow[sel]
        print(
            f"{f'{lo}–{hi} m':<16}{sel.sum():>10}"
            f"{f'{np.median(before):.3f} (p90 {np.quantile(before, 0.9):.2f})':>24}"
            f"{f'{np.median(after):.3f} (p90 {np.quantile(after, 0.9):.2f})':>24}"
        )
    allb, alla = old_m[pair] / crow[pair], new.metres[pair] / crow[pair]
    print(f"{'all':<16}{pair.sum():>10}{np.median(allb):>24.3f}{np.median(alla):>24.3f}")
    gain = old_s[pair] - new.seconds[pair]
    worse = gain < -1e-6
    print(
        f"seconds saved per pair: median {np.median(gain):.1f} s, p90 {np.quantile(gain, 0.9):.1f} s,"
        f" max {gain.max():.0f} s; longer than before: {worse.sum()} pairs "
        f"({worse.mean():.1%}), of which the previous rule drove against a one-way street: "
        f"{(worse & ~legal[pair]).sum()}"
    )
    names = [a["name"] for a in accounts]
    i, j = names.index(QA_PAIR[0]), names.index(QA_PAIR[1])
    print(
        f"QA pair {QA_PAIR[0]} → {QA_PAIR[1]}: crow-fly {crow[i, j]:.0f} m; before "
        f"{old_m[i, j]:.0f} m {old_s[i, j]:.0f} s; after {new.metres[i, j]:.0f} m "
        f"{new.seconds[i, j]:.0f} s"
    )

    rng = np.random.default_rng(1)
    on = np.setdiff1d(np.arange(k), new.off_network)
    sample = np.sort(rng.choice(on, size=min(args.sample, on.size), replace=False))
    sub = [points[s] for s in sample]
    m = tt.matrix(sub)
    t0 = time.perf_counter()
    ref_s, ref_m = exact_matrix(network, tt.snapper.snap(sub))
    t_ref = time.perf_counter() - t0
    print(
        f"brute-force reference on {len(sub)} points ({t_ref:.1f} s): max |difference| "
        f"{np.abs(m.seconds - ref_s).max():.2e} s, {np.abs(m.metres - ref_m).max():.2e} m"
    )

    print()
    print(f"{'points':<10}{'previous rule':>16}{'foot rule (product)':>22}")
    for size in (500, 200, 40):
        pts = [points[s] for s in np.random.default_rng(42).choice(on, size=size, replace=False)]
        times: dict[str, list[float]] = {"old": [], "new": []}
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            old_rule(tt, tt.snapper.snap(pts))
            times["old"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            tt.matrix(pts)
            times["new"].append(time.perf_counter() - t0)
        print(f"{size:<10}{min(times['old']) * 1000:>13.0f} ms{min(times['new']) * 1000:>19.0f} ms")


if __name__ == "__main__":
    main()
