"""The orienteering model: tiny cases against exhaustive enumeration, seeds, windows."""

from __future__ import annotations

import itertools
import math
import random

from fieldcrm.routing.orienteering import OrienteeringProblem, Visit, check_routes, solve


def _problem(seed: int, n: int = 6, horizon: int = 100) -> OrienteeringProblem:
    rng = random.Random(seed)
    pts = [(50.0, 50.0)] + [(rng.uniform(0, 100), rng.uniform(0, 100)) for _ in range(n)]
    travel = [[int(math.hypot(a[0] - b[0], a[1] - b[1])) for b in pts] for a in pts]
    visits = {}
    for i in range(1, n + 1):
        start = rng.randint(0, horizon - 30)
        visits[i] = Visit(
            service=rng.randint(2, 10),
            windows=((start, start + rng.randint(10, 60)),),
            score=rng.randint(1, 9),
        )
    return OrienteeringProblem(travel=travel, visits=visits, routes=1, horizon=(0, horizon * 3))


def _brute_force(problem: OrienteeringProblem) -> float:
    best = 0.0
    nodes = list(problem.visits)
    for k in range(1, len(nodes) + 1):
        for order in itertools.permutations(nodes, k):
            if not check_routes(problem, [list(order)]):
                best = max(best, sum(problem.visits[i].score for i in order))
    return best


def test_tiny_cases_match_exhaustive_enumeration() -> None:
    for seed in range(6):
        problem = _problem(seed)
        found = solve(problem, time_limit_s=1.0)
        assert found is not None
        assert not check_routes(problem, found.routes)
        assert found.score == _brute_force(problem), f"seed {seed}"


def test_a_seed_is_never_made_worse_and_windows_hold() -> None:
    problem = _problem(42, n=8)
    seed_route = next(
        [list(p)]
        for k in (3, 2, 1)
        for p in itertools.permutations(problem.visits, k)
        if not check_routes(problem, [list(p)])
    )
    seed_score = sum(problem.visits[i].score for i in seed_route[0])
    found = solve(problem, time_limit_s=0.5, initial_routes=seed_route)
    assert found is not None and found.score >= seed_score
    for route, starts in zip(found.routes, found.starts, strict=True):
        for node, start in zip(route, starts, strict=True):
            a, b = problem.visits[node].windows[0]
            assert a <= start <= b


def test_mandatory_visits_are_kept() -> None:
    problem = _problem(7)
    low = min(problem.visits, key=lambda i: problem.visits[i].score)
    visits = dict(problem.visits)
    visits[low] = Visit(visits[low].service, ((0, 300),), visits[low].score, mandatory=True)
    forced = OrienteeringProblem(
        travel=problem.travel, visits=visits, routes=1, horizon=problem.horizon
    )
    found = solve(forced, time_limit_s=0.5)
    assert found is not None and low in found.routes[0]
