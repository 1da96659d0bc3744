"""Benchmark: planner latency and determinism on product-sized problems, as reps get them.

``python -m bench.planner_latency`` builds reproducible problems around Nice (a rep's home,
fixed appointments, accounts with split opening hours, lunch, a driving cap; trips with
hotels), 40 and 150 candidates, one day and a four-day trip, and plans each through
:func:`fieldcrm.routing.planner.plan` with its explanations (slots, re-optimised detours,
checked reasons), as the web app does, with its ``planner_workers`` processes started
beforehand as the web app and the worker start them (``FIELDCRM_PLANNER_WORKERS``). Each
problem is planned twice: once on a quiet machine and once while two busy processes load both
cores; the two plans must be equal. The process's first plan (imports, first uses) is timed
apart beforehand, on another problem, as a running server has already paid it. Prints a
Markdown table for bench/README.md.
"""

from __future__ import annotations

import math
import multiprocessing as mp
import random
import time
from dataclasses import dataclass

from fieldcrm.config import get_settings
from fieldcrm.routing.engine import Budget, start_pool
from fieldcrm.routing.planner import plan
from fieldcrm.routing.problem import Appointment, Candidate, Costs, Hotel, Lunch, Problem, WorkDay

H = 3600
SPEED_MS = 12.0  # 43 km/h door to door, with a 1.3 road detour on the crow-fly distance


@dataclass(frozen=True)
class Case:
    """A named problem size."""

    name: str
    candidates: int
    days: int


def build(case: Case, *, seed: int = 7) -> Problem:
    """A reproducible problem: home in Nice, accounts within ~60 km, appointments each day."""
    rng = random.Random(seed)
    n = 1 + case.days + case.candidates + (2 if case.days > 1 else 0)
    xy = [(0.0, 0.0)] + [
        (rng.uniform(-60000, 60000), rng.uniform(-40000, 40000)) for _ in range(n - 1)
    ]
    metres = [[round(math.dist(a, b) * 1.3) for b in xy] for a in xy]
    seconds = [[round(m / SPEED_MS) for m in row] for row in metres]
    days = tuple(
        WorkDay(8 * H, 18 * H + 1800, Lunch(12 * H, 14 * H, H), 5 * H) for _ in range(case.days)
    )
    appointments = tuple(
        Appointment(f"rdv{k}", 1 + k, k, rng.choice([10, 11, 14, 15]) * H, H, f"RDV {k}")
        for k in range(case.days)
    )
    first = 1 + case.days
    candidates = []
    for i in range(case.candidates):
        service = rng.choice([30, 45, 60]) * 60
        split = rng.random() < 0.5
        day_windows = (
            ((8 * H + 1800, 12 * H - service), (14 * H, 18 * H + 1800 - service))
            if split
            else ((8 * H, 18 * H + 1800 - service),)
        )
        closed = rng.randrange(7)
        candidates.append(
            Candidate(
                f"c{i}",
                first + i,
                round(rng.uniform(20, 300), 2),
                service,
                tuple(() if k % 7 == closed else day_windows for k in range(case.days)),
            )
        )
    hotels = tuple(Hotel(f"h{j}", n - 2 + j, 95.0) for j in range(2)) if case.days > 1 else ()
    return Problem(
        home=0,
        days=days,
        durations_s=seconds,
        distances_m=metres,
        appointments=appointments,
        candidates=tuple(candidates),
        hotels=hotels,
        costs=Costs(eur_per_km=0.603, meal_eur=20.0),
    )


def _burn(stop: float) -> None:
    while time.monotonic() < stop:
        sum(i * i for i in range(10_000))


def timed(problem: Problem) -> tuple[float, object]:
    """Seconds for one plan, and the plan."""
    clock = time.perf_counter()
    result = plan(problem, budget=Budget(time_limit_s=60, workers=get_settings().planner_workers))
    return time.perf_counter() - clock, result


def main() -> None:
    cases = [
        Case("day, 40 candidates", 40, 1),
        Case("day, 150 candidates", 150, 1),
        Case("4-day trip, 40 candidates", 40, 4),
        Case("4-day trip, 150 candidates", 150, 4),
    ]
    start_pool(get_settings().planner_workers)  # as the web app and the worker do as they start
    # a running server has planned before: its first plan (imports, the exact solver's and
    # the pool's first use) is timed apart, on another problem
    cold, _ = timed(build(Case("warm-up", 40, 1), seed=1))
    print(f"first plan of the process (another 40-candidate day, cold): {cold:.2f} s")
    print("| problem | quiet s | under load s | visits | net € | same plan |")
    print("|---|---:|---:|---:|---:|---|")
    for case in cases:
        problem = build(case)
        quiet, first = timed(problem)
        busy = [mp.Process(target=_burn, args=(time.monotonic() + 120,)) for _ in range(2)]
        for p in busy:
            p.start()
        try:
            loaded, second = timed(problem)
        finally:
            for p in busy:
                p.terminate()
        print(
            f"| {case.name} | {quiet:.2f} | {loaded:.2f} | {len(first.visits)} | "  # type: ignore[attr-defined]
            f"{first.figures.net_eur:.0f} | {'yes' if first == second else 'NO'} |",  # type: ignore[attr-defined]
            flush=True,
        )


if __name__ == "__main__":
    main()
