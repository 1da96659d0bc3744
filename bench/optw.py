"""Benchmark: OPTW/TOPTW instances solved by our OR-Tools model, VROOM side by side.

``python -m bench.optw INSTANCE_FILE --routes M --time-limit SECONDS`` reads any instance in the
KU Leuven format (see ``/work/shared/data/bench/optw/FORMAT.txt``), solves it with VROOM
(pyvroom: optional jobs with priorities and time windows) and with our model
(:mod:`fieldcrm.routing.orienteering`, the model of the planner), seeded with VROOM's routes so
it never scores less, checks every route against the instance, and prints a table line then,
as its last line, one JSON object ``{"instance", "routes", "score", "seconds", ...}``.

``python -m bench.optw --all DIR --routes 1 --time-limit 10`` runs every instance of a folder
and prints the Markdown table for bench/README.md.

Conventions: travel time = Euclidean distance rounded down to 0.1 (Solomon-based) or 0.01
(Cordeau ``pr`` instances); times are scaled by 100 to integers; service starts within the
window; each route leaves the depot at its opening time and is back by its closing time.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from fieldcrm.routing.orienteering import OrienteeringProblem, Visit, check_routes, solve

SCALE = 100


@dataclass(frozen=True)
class Instance:
    """A parsed instance: the problem in integer hundredths, and the raw scores."""

    name: str
    problem: OrienteeringProblem
    customers: int


def parse(path: Path, routes: int) -> Instance:
    """Read an instance file; travel rounded down as the literature does."""
    lines = [ln.split() for ln in path.read_text().splitlines() if ln.strip()]
    n = int(lines[0][2])
    rows = [ln for ln in lines[2:] if len(ln) >= 9][: n + 1]
    decimals = 2 if path.name.startswith("pr") else 1
    xs = [float(r[1]) for r in rows]
    ys = [float(r[2]) for r in rows]
    factor = 10**decimals

    def rounded(i: int, j: int) -> int:
        d = math.floor(math.hypot(xs[i] - xs[j], ys[i] - ys[j]) * factor + 1e-9) / factor
        return round(d * SCALE)

    travel = [[rounded(i, j) for j in range(len(rows))] for i in range(len(rows))]
    visits = {
        i: Visit(
            service=round(float(r[3]) * SCALE),
            windows=((round(float(r[-2]) * SCALE), round(float(r[-1]) * SCALE)),),
            score=float(r[4]),
        )
        for i, r in enumerate(rows)
        if i > 0
    }
    depot = rows[0]
    horizon = (round(float(depot[-2]) * SCALE), round(float(depot[-1]) * SCALE))
    problem = OrienteeringProblem(travel=travel, visits=visits, routes=routes, horizon=horizon)
    return Instance(path.stem, problem, len(rows) - 1)


def solve_vroom(instance: Instance, *, threads: int = 2) -> tuple[list[list[int]], float]:
    """VROOM's routes (customer ids in order) and their score."""
    import vroom

    p = instance.problem
    problem = vroom.Input()
    problem.set_durations_matrix(profile="car", matrix_input=[list(row) for row in p.travel])
    for k in range(p.routes):
        problem.add_vehicle(
            vroom.Vehicle(id=k, start=0, end=0, time_window=vroom.TimeWindow(*p.horizon))
        )
    top = max(v.score for v in p.visits.values()) or 1
    for node, visit in p.visits.items():
        problem.add_job(
            vroom.Job(
                id=node,
                location=node,
                default_service=visit.service,
                priority=max(0, min(100, round(visit.score * 100 / top))),
                time_windows=[vroom.TimeWindow(a, b) for a, b in visit.windows],
            )
        )
    solution = problem.solve(exploration_level=5, nb_threads=threads)
    frame = solution.routes
    jobs = frame[frame["type"] == "job"]
    routes = [[int(i) for i in jobs[jobs["vehicle_id"] == k]["id"]] for k in range(p.routes)]
    return routes, sum(p.visits[i].score for r in routes for i in r)


def run(path: Path, *, routes: int, time_limit: float) -> dict[str, object]:
    """Solve one instance both ways; the JSON-ready result."""
    instance = parse(path, routes)
    clock = time.perf_counter()
    vroom_routes, vroom_score = solve_vroom(instance)
    vroom_s = time.perf_counter() - clock
    clock = time.perf_counter()
    ours = solve(
        instance.problem, time_limit_s=max(0.1, time_limit - vroom_s), initial_routes=vroom_routes
    )
    seconds = vroom_s + (time.perf_counter() - clock)
    our_routes = ours.routes if ours else [[] for _ in range(routes)]
    errors = check_routes(instance.problem, our_routes) + [
        f"vroom: {e}" for e in check_routes(instance.problem, vroom_routes)
    ]
    return {
        "instance": instance.name,
        "routes": our_routes,
        "score": ours.score if ours else 0.0,
        "seconds": round(seconds, 2),
        "vroom_score": vroom_score,
        "vroom_seconds": round(vroom_s, 3),
        "feasible": not errors,
        "errors": errors,
        "m": routes,
        "customers": instance.customers,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="OPTW/TOPTW benchmark: our OR-Tools model beside VROOM"
    )
    parser.add_argument("instance", nargs="?", type=Path)
    parser.add_argument("--all", type=Path, help="solve every instance file in this folder")
    parser.add_argument("--routes", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=10.0)
    args = parser.parse_args(argv)
    if args.all:
        files = sorted(p for p in args.all.glob("*.txt") if p.name != "FORMAT.txt")
        print(
            "| instance | m | VROOM score | VROOM s | our score | our s | ours/VROOM | feasible |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---|")
        totals = [0.0, 0.0]
        for path in files:
            r = run(path, routes=args.routes, time_limit=args.time_limit)
            totals[0] += float(r["vroom_score"])  # type: ignore[arg-type]
            totals[1] += float(r["score"])  # type: ignore[arg-type]
            ratio = float(r["score"]) / float(r["vroom_score"]) if r["vroom_score"] else 1.0  # type: ignore[arg-type]
            print(
                f"| {r['instance']} | {r['m']} | {r['vroom_score']:.0f} | {r['vroom_seconds']} | {r['score']:.0f} | "
                f"{r['seconds']} | {ratio:.3f} | {'yes' if r['feasible'] else 'NO'} |",
                flush=True,
            )
        print(
            f"| total | | {totals[0]:.0f} | | {totals[1]:.0f} | | {totals[1] / max(totals[0], 1):.4f} | |"
        )
        return
    if args.instance is None:
        parser.error("give an instance file or --all DIR")
    result = run(args.instance, routes=args.routes, time_limit=args.time_limit)
    print(
        f"{result['instance']} m={result['m']}: ours {result['score']:.0f} in {result['seconds']} s, "
        f"VROOM {result['vroom_score']:.0f} in {result['vroom_seconds']} s, feasible={result['feasible']}",
        file=sys.stderr,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
