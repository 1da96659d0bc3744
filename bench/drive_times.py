"""Drive times: median speeds of road legs, free-flow at the legal limit against the drive-time model.

The free-flow figures are the same build with the model neutralised (share 1, no urban class
speeds, no delays), which is exactly the previous behaviour. Monaco: ordered pairs of the
1 245 Riviera demo accounts (``services.demo_data.generate``, fixed date and seed) by crow-fly
band; any other OSM file given: ordered pairs of 400 random graph nodes by band, and legs of
15–25 km by road.

Run: ``.venv/bin/python -m bench.drive_times [/work/shared/data/osm/andorra-latest.osm.pbf]``
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from fieldcrm.config import PACKAGE_DATA
from fieldcrm.geo import GeoPoint
from fieldcrm.routing import drive_time
from fieldcrm.routing.crowfly import crow_metres
from fieldcrm.routing.matrix import GraphTravelTimes
from fieldcrm.routing.network import RoadNetwork, build_network
from fieldcrm.services.demo_data import generate

MONACO = PACKAGE_DATA / "osm" / "monaco.osm.pbf"


@contextlib.contextmanager
def free_flow() -> Iterator[None]:
    """Neutralise the drive-time model: legal limits, no delays (the previous build)."""
    saved = {
        name: getattr(drive_time, name)
        for name in ("URBAN_SPEED_SHARE", "URBAN_CLASS_KMH", "TRAFFIC_SIGNAL_DELAY_S",
                     "JUNCTION_DELAY_S")
    }  # fmt: skip
    drive_time.URBAN_SPEED_SHARE = 1.0
    drive_time.URBAN_CLASS_KMH = {}
    drive_time.TRAFFIC_SIGNAL_DELAY_S = 0.0
    drive_time.JUNCTION_DELAY_S = 0.0
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(drive_time, name, value)


def legs(network: RoadNetwork, points: list[GeoPoint]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Seconds, metres and crow-fly metres of the ordered pairs that have a road leg."""
    m = GraphTravelTimes(network).matrix(points)
    crow = crow_metres(np.array([p.lon for p in points]), np.array([p.lat for p in points]))
    ok = ~np.eye(len(points), dtype=bool) & np.isfinite(m.seconds) & (m.metres > 0)
    return m.seconds[ok], m.metres[ok], crow[ok]


def report(name: str, built: dict[str, RoadNetwork], points: list[GeoPoint]) -> None:
    """Median km/h by crow-fly band, and of 15–25 km road legs, for each build."""
    bands = ((0, 500), (500, 2000), (2000, 10_000), (10_000, 50_000))
    print(f"\n{name}: {len(points)} points")
    print(f"{'crow-fly band':<16}{'pairs':>9}" + "".join(f"{k:>22}" for k in built))
    res = {k: legs(net, points) for k, net in built.items()}
    for lo, hi in [*bands, (-1, -1)]:
        cells, n = [], 0
        for s, m, crow in res.values():
            sel = (m >= 15_000) & (m <= 25_000) if lo < 0 else (crow >= lo) & (crow < hi)
            n = int(sel.sum())
            kmh = m[sel] / s[sel] * 3.6
            cells.append(
                f"{np.median(kmh):.1f} km/h (p90 {np.quantile(kmh, 0.9):.0f})" if n else "–"
            )
        label = "road 15–25 km" if lo < 0 else f"{lo / 1000:g}–{hi / 1000:g} km"
        if n:
            print(f"{label:<16}{n:>9}" + "".join(f"{c:>22}" for c in cells))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("extracts", nargs="*", type=Path, help="other .osm.pbf files")
    args = parser.parse_args()
    with free_flow():
        before = build_network(MONACO)
    built = {"free-flow (before)": before, "drive-time model": build_network(MONACO)}
    accounts = [
        a
        for a in generate(dt.date(2026, 12, 7)).accounts
        if a["area"] == "riviera" and a["lon"] is not None
    ]
    report(
        "Monaco, Riviera demo accounts",
        built,
        [GeoPoint(lon=a["lon"], lat=a["lat"]) for a in accounts],
    )
    for path in args.extracts:
        with free_flow():
            before = build_network(path)
        after = build_network(path)
        idx = np.random.default_rng(7).choice(after.n_nodes, 400, replace=False)
        points = [GeoPoint(lon=float(after.lon[i]), lat=float(after.lat[i])) for i in idx]
        report(path.name, {"free-flow (before)": before, "drive-time model": after}, points)


if __name__ == "__main__":
    main()
