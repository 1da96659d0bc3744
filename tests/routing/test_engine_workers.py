"""The independent searches of one solve give the same plan one after the other or in parallel."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from dataclasses import replace

import pytest
from pyvrp import CostEvaluator, Solution

from fieldcrm.routing import engine
from fieldcrm.routing.engine import Budget
from fieldcrm.routing.planner import plan
from fieldcrm.routing.problem import Candidate, Problem
from tests.routing.scenarios import day, open_all_day, problem

FREE_CPUS = engine._free_cpus  # the real one (the fixture replaces it)
# two searches (seeds 0 and 1) of patience 2 000 whatever the size, as a day gets at the
# shipped defaults; the cap is far off (iteration-bound)
SPLIT = Budget(patience=2_000, per_client=0, time_limit_s=120)


@pytest.fixture(autouse=True)
def no_pool_left(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts without a pool and stops the one it started; both CPUs count as free
    (the engine leaves the pool aside while other processes keep them busy)."""
    monkeypatch.setattr(engine, "_free_cpus", lambda: 2)
    engine.shutdown_pool()
    yield
    engine.shutdown_pool()


def crowded_day(n: int = 40, seed: int = 3) -> Problem:
    """One day with lunch and ``n`` accounts around home, more than the day can hold."""
    rng = random.Random(seed)
    points = [(0.0, 0.0)] + [(rng.uniform(-30e3, 30e3), rng.uniform(-30e3, 30e3)) for _ in range(n)]
    candidates = [
        Candidate(
            f"c{i}",
            i,
            float(rng.randint(20, 200)),
            rng.choice((1800, 2700, 3600)),
            open_all_day(1, *rng.choice(((9, 17), (14, 18), (8, 12), (8, 18)))),
        )
        for i in range(1, n + 1)
    ]
    return problem(points, days=[day(8, 18, lunch=True)], candidates=candidates)


def test_parallel_searches_give_the_same_answer_as_one_after_the_other() -> None:
    p = crowded_day()
    one = engine.solve_each(p, budget=SPLIT)
    assert engine._POOL is None  # workers=1: everything in this process
    two = engine.solve_each(p, budget=replace(SPLIT, workers=2))
    assert engine._POOL is not None  # the two searches went to the pool
    assert two == one
    assert len(one) == 2 and sum(len(d) for d in one[0].days) >= 5


def test_the_plan_is_the_same_with_one_or_two_workers() -> None:
    p = crowded_day(seed=8)
    sequential = plan(p, budget=SPLIT, explain=False)
    parallel = plan(p, budget=replace(SPLIT, workers=2), explain=False)
    assert engine._POOL is not None
    assert [s.key for s in parallel.days[0].stops] == [s.key for s in sequential.days[0].stops]
    assert parallel.figures == sequential.figures
    assert parallel.iterations == sequential.iterations
    assert parallel == sequential


def test_a_single_search_starts_no_pool() -> None:
    p = crowded_day(n=12)
    single = Budget(patience=300, time_limit_s=60, restarts=1)
    result = engine.solve_each(p, budget=replace(single, workers=2))
    assert engine._POOL is None  # one search: no process started
    assert result == engine.solve_each(p, budget=single)


def test_a_busy_machine_runs_the_searches_one_after_the_other(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    p = crowded_day(n=20)
    monkeypatch.setattr(engine, "_free_cpus", lambda: 1)
    busy = engine.solve_each(p, budget=replace(SPLIT, workers=2))
    assert engine._POOL is None
    assert busy == engine.solve_each(p, budget=SPLIT)


def test_free_cpus_counts_this_machine() -> None:
    assert 1 <= FREE_CPUS() <= (os.cpu_count() or 1)


def test_the_pool_is_reused_and_can_be_stopped() -> None:
    p = crowded_day(n=20)
    budget = replace(SPLIT, workers=2)
    first = engine.solve_each(p, budget=budget)
    pool = engine._POOL
    assert pool is not None
    assert engine.solve_each(p, budget=budget) == first
    assert engine._POOL is pool
    engine.shutdown_pool()
    assert engine._POOL is None
    assert engine.solve_each(p, budget=budget) == first  # a new pool, the same answer


def test_one_search_per_seed_whatever_the_workers() -> None:
    """The searches are run in seed order, each giving what it gives alone."""
    p = crowded_day(n=30, seed=5)
    data, _ = engine.build(p)
    searches = [engine._Search(s, 500, 50_000, True) for s in (0, 1, 2)]
    alone = [engine._search(data, s, SPLIT, None) for s in searches]
    found = engine._run_searches(
        data, searches, budget=Budget(time_limit_s=120, workers=2), initial=None
    )
    assert [n for _, n in found] == [n for _, n in alone]

    def seen(s: Solution) -> tuple[bool, int, int]:
        return s.is_feasible(), s.prizes(), s.distance()

    assert [seen(s) for s, _ in found] == [seen(s) for s, _ in alone]


def test_searches_the_cap_would_cut_go_on_from_the_best_found() -> None:
    """Halfway through the time left, parallel searches still going pool their best: each
    goes on, with a seed of its own, from the best solution either has found, so none ends
    worse than it; searches that converge before then are left alone."""
    p = crowded_day(n=120, seed=11)
    data, _ = engine.build(p)
    warp = engine.time_warp_penalty(p, range(len(p.candidates)))
    endless = [engine._Search(s, 10**9, 10**9, True, warp, ruin=True) for s in (0, 1)]
    pool = engine._pool(2)
    assert pool is not None
    # a cap long enough that a loaded machine's delay in starting a pool's task (which
    # shortens a search's run to the deadline: not the cut this is about) stays small
    found = engine._shared(pool, data, endless, Budget(time_limit_s=4.0))
    assert len(found) == 4  # both halves: the cap would have cut them
    exact = CostEvaluator([0.0] * data.num_load_dimensions, 0.0, 0.0)
    best_first = min(exact.cost(s) for s, _ in found[:2])
    assert all(s.is_feasible() and exact.cost(s) <= best_first for s, _ in found[2:])
    converging = [engine._Search(s, 50, 10**9, True, warp, ruin=True) for s in (0, 1)]
    quick = engine._shared(pool, data, converging, Budget(time_limit_s=60.0))
    assert len(quick) == 2  # stopped on their budget long before half the cap
    alone = [engine._search(data, s, Budget(time_limit_s=60.0), None) for s in converging]
    assert [n for _, n in quick] == [n for _, n in alone]
    # the planner's own solves go that way: four answers when the cap cuts the searches
    cut = Budget(patience=10**9, max_iterations=10**9, time_limit_s=4.0, workers=2)
    assert len(engine.solve_each(p, budget=cut)) == 4


def test_the_reasons_checked_side_by_side_are_those_checked_one_after_the_other(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    p = crowded_day(seed=5)
    sequential = plan(p, budget=SPLIT, explain=True)
    submitted: list[object] = []
    real_pooled = engine._pooled

    def pooled(count, workers, on_pool, here):  # type: ignore[no-untyped-def]
        def spied(pool):  # type: ignore[no-untyped-def]
            submitted.append((on_pool.__qualname__.split(".")[0], count))
            return on_pool(pool)

        return real_pooled(count, workers, spied, here)

    monkeypatch.setattr(engine, "_pooled", pooled)
    parallel = plan(p, budget=replace(SPLIT, workers=2), explain=True)
    checked = [o for o in sequential.omissions if o.reason in ("displaces", "no_plan_found")]
    assert len(checked) >= 2
    # the forced solves went to the pool, all at once
    assert ("in_parallel", len(checked)) in submitted, submitted
    assert parallel.omissions == sequential.omissions
    assert parallel == sequential


def test_in_parallel_keeps_the_order_of_its_arguments() -> None:
    assert engine.in_parallel(abs, [-3, 1, -2, 5], workers=2) == [3, 1, 2, 5]
    assert engine._POOL is not None
    assert engine.in_parallel(abs, [-3, 1], workers=1) == [3, 1]
