"""Benchmark: OPTW/TOPTW instances solved through the product's planner, VROOM beside it.

``python -m bench.optw INSTANCE_FILE --routes M --time-limit SECONDS`` reads an instance in the
KU Leuven format (``/work/shared/data/bench/optw/FORMAT.txt``), turns it into the planner's
:class:`~fieldcrm.routing.problem.Problem` (``m`` routes are ``m`` working days from home with
the same opening hours, no lunch, no cost but the engine's tie-break) and solves it with
:func:`fieldcrm.routing.planner.plan`, the function the web app and ``fieldcrm plan solve``
call, with nothing else as a start. VROOM (pyvroom) solves the same instance for comparison
only. An independent checker replays every route in the instance's own arithmetic. The last
line printed is ``{"instance", "routes", "score", "seconds", ...}``.

``python -m bench.optw --all DIR --routes 1 --time-limit 2`` runs every instance of a folder
and prints the Markdown table for bench/README.md (with the best-known scores of
``bks.csv`` where the folder has one).

Conventions: travel = Euclidean distance rounded down to 0.1 (Solomon-based) or 0.01
(Cordeau ``pr``), times scaled by 100 to integers; service starts within the window; each
route leaves the depot at its opening time and is back by its closing time.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from fieldcrm.config import get_settings
from fieldcrm.routing.engine import Budget
from fieldcrm.routing.planner import plan
from fieldcrm.routing.problem import Candidate, Problem, WorkDay

SCALE = 100


@dataclass(frozen=True)
class Instance:
    """A parsed instance in integer hundredths."""

    name: str
    travel: list[list[int]]
    service: list[int]
    score: list[float]
    window: list[tuple[int, int]]

    @property
    def customers(self) -> int:
        """Number of customers (the depot excluded)."""
        return len(self.travel) - 1


def parse(path: Path) -> Instance:
    """Read an instance file; travel rounded down as the literature does."""
    lines = [ln.split() for ln in path.read_text().splitlines() if ln.strip()]
    n = int(lines[0][2])
    rows = [ln for ln in lines[2:] if len(ln) >= 9][: n + 1]
    factor = 10 ** (2 if path.name.startswith("pr") else 1)
    xs = [float(r[1]) for r in rows]
    ys = [float(r[2]) for r in rows]

    def rounded(i: int, j: int) -> int:
        d = math.floor(math.hypot(xs[i] - xs[j], ys[i] - ys[j]) * factor + 1e-9) / factor
        return round(d * SCALE)

    return Instance(
        name=path.stem,
        travel=[[rounded(i, j) for j in range(len(rows))] for i in range(len(rows))],
        service=[round(float(r[3]) * SCALE) for r in rows],
        score=[float(r[4]) for r in rows],
        window=[(round(float(r[-2]) * SCALE), round(float(r[-1]) * SCALE)) for r in rows],
    )


def to_problem(instance: Instance, routes: int) -> Problem:
    """The instance as the planner's problem: ``routes`` days from the depot (place 0)."""
    lo, hi = instance.window[0]
    days = tuple(WorkDay(depart_s=lo, return_s=hi) for _ in range(routes))
    candidates = tuple(
        Candidate(
            key=str(i),
            place=i,
            value_eur=instance.score[i],
            service_s=instance.service[i],
            windows=tuple((instance.window[i],) for _ in range(routes)),
        )
        for i in range(1, len(instance.travel))
    )
    return Problem(
        home=0,
        days=days,
        durations_s=instance.travel,
        distances_m=instance.travel,
        candidates=candidates,
    )


def check(instance: Instance, routes: list[list[int]]) -> list[str]:
    """Every violation of ``routes`` (windows, end of day, repeated visits); empty when feasible."""
    errors: list[str] = []
    seen: set[int] = set()
    lo, hi = instance.window[0]
    for r, route in enumerate(routes):
        now, here = lo, 0
        for node in route:
            if node in seen or node == 0:
                errors.append(f"route {r}: node {node} visited twice or depot")
            seen.add(node)
            arrive = now + instance.travel[here][node]
            a, b = instance.window[node]
            if max(arrive, a) > b:
                errors.append(f"route {r}: node {node} reached at {arrive}, after {b}")
                break
            now, here = max(arrive, a) + instance.service[node], node
        if now + instance.travel[here][0] > hi:
            errors.append(f"route {r}: back at {now + instance.travel[here][0]}, after {hi}")
    return errors


def solve_vroom(instance: Instance, routes: int, *, threads: int = 2) -> list[list[int]]:
    """VROOM's routes (customer ids in order), for comparison only."""
    import vroom

    problem = vroom.Input()
    problem.set_durations_matrix(profile="car", matrix_input=instance.travel)
    for k in range(routes):
        problem.add_vehicle(
            vroom.Vehicle(id=k, start=0, end=0, time_window=vroom.TimeWindow(*instance.window[0]))
        )
    top = max(instance.score) or 1
    for node in range(1, len(instance.travel)):
        problem.add_job(
            vroom.Job(
                id=node,
                location=node,
                default_service=instance.service[node],
                priority=max(0, min(100, round(instance.score[node] * 100 / top))),
                time_windows=[vroom.TimeWindow(*instance.window[node])],
            )
        )
    solution = problem.solve(exploration_level=5, nb_threads=threads)
    frame = solution.routes
    jobs = frame[frame["type"] == "job"]
    return [[int(i) for i in jobs[jobs["vehicle_id"] == k]["id"]] for k in range(routes)]


def run(path: Path, *, routes: int, time_limit: float) -> dict[str, object]:
    """Solve one instance both ways; the JSON-ready result."""
    instance = parse(path)
    problem = to_problem(instance, routes)
    clock = time.perf_counter()
    # the product's processes for the independent searches (FIELDCRM_PLANNER_WORKERS)
    budget = Budget(time_limit_s=time_limit, workers=get_settings().planner_workers)
    result = plan(problem, budget=budget, explain=False)
    seconds = time.perf_counter() - clock
    ours = [[int(s.key) for s in day.stops] for day in result.days]
    clock = time.perf_counter()
    peer = solve_vroom(instance, routes)
    vroom_s = time.perf_counter() - clock
    errors = check(instance, ours) + [f"vroom: {e}" for e in check(instance, peer)]
    return {
        "instance": instance.name,
        "routes": ours,
        "score": sum(instance.score[i] for r in ours for i in r),
        "seconds": round(seconds, 2),
        "vroom_score": sum(instance.score[i] for r in peer for i in r),
        "vroom_seconds": round(vroom_s, 3),
        "feasible": not errors,
        "errors": errors,
        "m": routes,
        "customers": instance.customers,
    }


def best_known(folder: Path, routes: int) -> dict[str, float]:
    """Best-known scores of a folder's ``bks.csv`` for ``routes`` (empty without one)."""
    file = folder / "bks.csv"
    if not file.exists():
        return {}
    with file.open() as fh:
        return {r["instance"]: float(r["bks"]) for r in csv.DictReader(fh) if int(r["m"]) == routes}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="OPTW/TOPTW: the product's planner beside VROOM")
    parser.add_argument("instance", nargs="?", type=Path)
    parser.add_argument("--all", type=Path, help="solve every instance file in this folder")
    parser.add_argument("--only", default="", help="with --all: file names starting with this")
    parser.add_argument("--routes", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=2.0)
    args = parser.parse_args(argv)
    if args.all:
        bks = best_known(args.all, args.routes)
        files = sorted(
            p
            for p in args.all.glob(f"{args.only}*.txt")
            if p.name != "FORMAT.txt" and (not bks or p.stem in bks)
        )
        print("| instance | m | best known | ours | ours/best | s | VROOM | VROOM s | feasible |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
        ratios: list[float] = []
        below_vroom = 0
        for path in files:
            r = run(path, routes=args.routes, time_limit=args.time_limit)
            best = bks.get(str(r["instance"]), float("nan"))
            ratio = float(r["score"]) / best if best == best else float("nan")  # type: ignore[arg-type]
            ratios.append(ratio)
            below_vroom += float(r["score"]) < float(r["vroom_score"])  # type: ignore[arg-type]
            print(
                f"| {r['instance']} | {r['m']} | {best:.0f} | {r['score']:.0f} | {ratio:.4f} | "
                f"{r['seconds']} | {r['vroom_score']:.0f} | {r['vroom_seconds']} | "
                f"{'yes' if r['feasible'] else 'NO'} |",
                flush=True,
            )
        known = [x for x in ratios if x == x]
        if known:
            print(
                f"| mean | | | | {sum(known) / len(known):.4f} (worst {min(known):.4f}) | | "
                f"below VROOM on {below_vroom} | | |"
            )
        return
    if args.instance is None:
        parser.error("give an instance file or --all DIR")
    result = run(args.instance, routes=args.routes, time_limit=args.time_limit)
    print(
        f"{result['instance']} m={result['m']}: ours {result['score']:.0f} in {result['seconds']} s, "
        f"VROOM {result['vroom_score']:.0f} in {result['vroom_seconds']} s, "
        f"feasible={result['feasible']}",
        file=sys.stderr,
    )
    print(json.dumps({k: result[k] for k in ("instance", "routes", "score", "seconds")} | result))


if __name__ == "__main__":
    main()
