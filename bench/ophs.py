"""Benchmark: OPHS instances (orienteering with hotel selection) through the product's planner.

``python -m bench.ophs FILE --time-limit SECONDS`` reads an instance of Divsalar et al. (2013)
(format in ``/work/shared/data/bench/ophs/README.md``) and solves it with
:func:`fieldcrm.routing.planner.plan`, the entry point of the web app and of
``fieldcrm plan solve``: each trip is a working day whose length limit is its latest return,
the start hotel is home, the end hotel is where the last day finishes, every hotel (the start
and end ones included) is a free hotel, vertices are candidates worth their score with no
service time. An independent checker replays the trips in floating point. The last line is
``{"instance", "trips", "score", "seconds", ...}`` with 0-based row ids of the file, both end
hotels of each trip included.

``python -m bench.ophs --all DIR --time-limit 5`` runs every instance below ``DIR`` that
``bks.csv`` lists and prints the Markdown table for bench/README.md.

Conventions: travel = Euclidean distance (scaled by 1000 to integers, rounded); a trip may
exceed its printed limit by the 0.01 tolerance of the README (optimal tours do by up to 0.003).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from fieldcrm.config import get_settings
from fieldcrm.routing.engine import Budget
from fieldcrm.routing.planner import plan
from fieldcrm.routing.problem import Candidate, Hotel, Problem, WorkDay

SCALE = 1000
TOLERANCE = 0.01


@dataclass(frozen=True)
class Instance:
    """A parsed instance: coordinates, scores, hotels and trip limits."""

    name: str
    xy: list[tuple[float, float]]
    score: list[float]
    extra_hotels: int
    limits: list[float]

    def length(self, i: int, j: int) -> float:
        """Euclidean distance between rows ``i`` and ``j``."""
        return math.dist(self.xy[i], self.xy[j])

    @property
    def hotels(self) -> range:
        """Rows of every hotel: start (0), end (1) and the extra ones."""
        return range(self.extra_hotels + 2)


def parse(path: Path) -> Instance:
    """Read an ``.ophs`` file (tabs or spaces; the trailing line of dashes ignored)."""
    lines = [ln.split() for ln in path.read_text().splitlines()]
    lines = [ln for ln in lines if ln and set(ln[0]) != {"-"}]
    n, h, d = (int(x) for x in lines[0][:3])
    limits = [float(x) for x in lines[2][:d]]
    rows = lines[3 : 3 + n + h]
    return Instance(
        name=path.stem,
        xy=[(float(r[0]), float(r[1])) for r in rows],
        score=[float(r[2]) for r in rows],
        extra_hotels=h,
        limits=limits,
    )


def to_problem(instance: Instance) -> Problem:
    """The instance as the planner's problem (rows are places)."""
    n = len(instance.xy)
    travel = [[round(instance.length(i, j) * SCALE) for j in range(n)] for i in range(n)]
    days = tuple(WorkDay(0, round(t * SCALE) + round(TOLERANCE * SCALE)) for t in instance.limits)
    first = len(instance.hotels)
    return Problem(
        home=0,
        finish=1,
        days=days,
        durations_s=travel,
        distances_m=travel,
        candidates=tuple(
            Candidate(str(i), i, instance.score[i], 0, tuple(((0, d.return_s),) for d in days))
            for i in range(first, n)
        ),
        hotels=tuple(Hotel(f"h{i}", i, 0.0) for i in instance.hotels),
    )


def check(instance: Instance, trips: list[list[int]]) -> list[str]:
    """Every violation of ``trips`` (ends, limits, repeated vertices); empty when feasible."""
    errors: list[str] = []
    hotels = set(instance.hotels)
    if len(trips) != len(instance.limits):
        errors.append(f"{len(trips)} trips for {len(instance.limits)} days")
    seen: set[int] = set()
    for d, trip in enumerate(trips):
        if trip[0] not in hotels or trip[-1] not in hotels:
            errors.append(f"trip {d} does not start and end at hotels")
        if d == 0 and trip[0] != 0:
            errors.append("the first trip does not start at the start hotel")
        if d == len(trips) - 1 and trip[-1] != 1:
            errors.append("the last trip does not end at the end hotel")
        if d > 0 and trip[0] != trips[d - 1][-1]:
            errors.append(f"trip {d} does not start where trip {d - 1} ended")
        length = sum(instance.length(a, b) for a, b in itertools.pairwise(trip))
        if length > instance.limits[d] + TOLERANCE:
            errors.append(f"trip {d}: length {length:.4f} over {instance.limits[d]}")
        for v in trip[1:-1]:
            if v in seen or v in hotels:
                errors.append(f"trip {d}: vertex {v} repeated or a hotel")
            seen.add(v)
    return errors


def run(path: Path, *, time_limit: float) -> dict[str, object]:
    """Solve one instance; the JSON-ready result."""
    instance = parse(path)
    problem = to_problem(instance)
    clock = time.perf_counter()
    # the product's processes for the independent searches (FIELDCRM_PLANNER_WORKERS)
    budget = Budget(time_limit_s=time_limit, workers=get_settings().planner_workers)
    result = plan(problem, budget=budget, explain=False)
    seconds = time.perf_counter() - clock
    trips = [
        [day.start_place, *(int(s.key) for s in day.stops), day.end_place] for day in result.days
    ]
    errors = check(instance, trips)
    return {
        "instance": instance.name,
        "trips": trips,
        "score": sum(instance.score[v] for t in trips for v in t[1:-1]),
        "seconds": round(seconds, 2),
        "feasible": not errors,
        "errors": errors,
    }


def best_known(folder: Path) -> dict[str, tuple[str, float, str]]:
    """``instance → (set, best score, status)`` from ``bks.csv``."""
    with (folder / "bks.csv").open() as fh:
        return {r["instance"]: (r["set"], float(r["bks"]), r["status"]) for r in csv.DictReader(fh)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="OPHS: the product's planner against optima")
    parser.add_argument("instance", nargs="?", type=Path)
    parser.add_argument("--all", type=Path, help="the folder holding bks.csv and the sets")
    parser.add_argument("--time-limit", type=float, default=5.0)
    args = parser.parse_args(argv)
    if args.all:
        bks = best_known(args.all)
        print("| set | instance | optimum | ours | ours/optimum | s | feasible |")
        print("|---|---|---:|---:|---:|---:|---|")
        ratios, slowest = [], 0.0
        for name, (folder, best, status) in sorted(bks.items(), key=lambda kv: (kv[1][0], kv[0])):
            r = run(args.all / folder / f"{name}.ophs", time_limit=args.time_limit)
            ratio = float(r["score"]) / best  # type: ignore[arg-type]
            ratios.append(ratio)
            slowest = max(slowest, float(r["seconds"]))  # type: ignore[arg-type]
            mark = "" if status == "optimal" else " (best known)"
            print(
                f"| {folder} | {name} | {best:.0f}{mark} | {r['score']:.0f} | {ratio:.4f} | "
                f"{r['seconds']} | {'yes' if r['feasible'] else 'NO'} |",
                flush=True,
            )
        print(
            f"| all | {len(ratios)} | | | mean {sum(ratios) / len(ratios):.4f}, "
            f"worst {min(ratios):.4f} | max {slowest:.2f} | |"
        )
        return
    if args.instance is None:
        parser.error("give an instance file or --all DIR")
    result = run(args.instance, time_limit=args.time_limit)
    print(
        f"{result['instance']}: {result['score']:.0f} in {result['seconds']} s, "
        f"feasible={result['feasible']} {result['errors']}",
        file=sys.stderr,
    )
    print(json.dumps({k: result[k] for k in ("instance", "trips", "score", "seconds")} | result))


if __name__ == "__main__":
    main()
