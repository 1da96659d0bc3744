"""String removal: what it removes, that it is reproducible, and where the engine uses it."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyvrp import RandomNumberGenerator, Solution, SolveParams
from pyvrp import solve as pyvrp_solve
from pyvrp.search import LocalSearch, compute_neighbours
from pyvrp.stop import MaxIterations

from fieldcrm.routing import engine, ruin
from fieldcrm.routing.problem import Candidate
from tests.routing.scenarios import day, open_all_day, problem

# twelve accounts around home, two mornings: neither holds them all, both carry several
POINTS = [(0.0, 0.0)] + [(9000.0 * (i % 4 - 1.5), 6000.0 * (i // 4 - 1)) for i in range(12)]


def _problem(days: int = 2):  # type: ignore[no-untyped-def]
    candidates = [
        Candidate(f"c{i}", i, 50.0 + 7 * i, 1200, open_all_day(days, 8, 12, 1 / 3))
        for i in range(1, len(POINTS))
    ]
    return problem(POINTS, days=[day(8, 12) for _ in range(days)], candidates=candidates)


def _visits(solution: Solution) -> list[list[int]]:
    return [[a.idx for a in r if a.is_client()] for r in solution.routes()]


def _solved() -> tuple[engine.ProblemData, Solution]:
    data, _ = engine.build(_problem())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        best = pyvrp_solve(data, stop=MaxIterations(200), seed=1, collect_stats=False).best
    return data, best


def _removed_string(before: list[int], after: list[int]) -> list[int]:
    """The consecutive visits ``after`` lacks from ``before`` (fails if not one string)."""
    if before == after:
        return []
    head = next(i for i, (a, b) in enumerate(zip(before, [*after, None], strict=False)) if a != b)
    length = len(before) - len(after)
    assert before[:head] + before[head + length :] == after, (before, after)
    return before[head : head + length]


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10_000))
def test_a_removal_takes_one_string_from_at_most_two_routes(seed: int) -> None:
    data, solution = _solved()
    local = LocalSearch(data, RandomNumberGenerator(seed=0), compute_neighbours(data))
    before = _visits(solution)
    assert len(before) == 2 and all(len(r) >= 3 for r in before)
    after_routes = _visits(ruin.StringRemoval(data, local, seed=seed).ruined(solution))
    # empty routes are dropped: pair the routes by their first remaining visit
    by_first = {r[0]: r for r in after_routes}
    removed = []
    for route in before:
        after = next((by_first[v] for v in route if v in by_first), [])
        removed.append(_removed_string(route, after))
    assert 1 <= sum(bool(r) for r in removed) <= ruin.MOST_ROUTES
    assert all(len(r) <= ruin.LONGEST_STRING for r in removed)


def test_the_same_seed_removes_the_same_visits() -> None:
    data, solution = _solved()
    local = LocalSearch(data, RandomNumberGenerator(seed=0), compute_neighbours(data))
    one = ruin.StringRemoval(data, local, seed=7)
    two = ruin.StringRemoval(data, local, seed=7)
    assert [_visits(one.ruined(solution)) for _ in range(5)] == [
        _visits(two.ruined(solution)) for _ in range(5)
    ]


def test_nearest_clients_are_sorted_by_the_return_trip() -> None:
    data, _ = engine.build(_problem())
    near = ruin.nearest_clients(data, 3)
    durations = data.duration_matrix(0)
    place = [c.location for c in data.clients()]
    for i, row in enumerate(near):
        trips = [durations[place[i], place[j]] + durations[place[j], place[i]] for j in row]
        assert i not in row and trips == sorted(trips)
        others = [j for j in range(data.num_clients) if j != i and j not in row]
        assert all(
            durations[place[i], place[j]] + durations[place[j], place[i]] >= trips[-1]
            for j in others
        )


def test_without_removals_the_search_is_pyvrps_own() -> None:
    """The engine assembles PyVRP's solve itself to give it a search method: with the
    removals off, it finds exactly what ``pyvrp.solve`` finds with the same parameters."""
    p = _problem()
    data, _ = engine.build(p)
    search = engine._Search(3, 400, 400, tuned=True, time_warp=None, ruin=False)
    ours, iterations = engine._search(data, search, engine.Budget(), None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = pyvrp_solve(
            data,
            stop=MaxIterations(iterations),
            seed=3,
            params=SolveParams(ils=engine.ILS_PARAMS),
            collect_stats=False,
        )
    assert _visits(ours) == _visits(theirs.best)


def test_only_the_main_searches_remove_strings(monkeypatch: pytest.MonkeyPatch) -> None:
    p = _problem()
    seen: list[bool] = []

    def run(data, searches, *, budget, initial):  # type: ignore[no-untyped-def]
        seen.extend(s.ruin for s in searches)
        return [engine._search(data, s, budget, initial) for s in searches]

    monkeypatch.setattr(engine, "_run_searches", run)
    chosen = engine.solve_each(p, budget=engine.Budget(patience=200))[0]
    assert seen and all(seen)
    seen.clear()
    engine.solve_each(p, budget=engine.Budget(patience=200), required=[0])
    engine.solve_each(p, budget=engine.Budget(patience=200), start=chosen)
    assert seen and not any(seen)
