"""String removal: what it removes, that it is reproducible, and where the engine uses it."""

from __future__ import annotations

import datetime as dt
import functools
import warnings
from dataclasses import replace
from typing import ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyvrp import CostEvaluator, ProblemData, RandomNumberGenerator, Solution, SolveParams
from pyvrp import solve as pyvrp_solve
from pyvrp.IteratedLocalSearch import IteratedLocalSearch, IteratedLocalSearchParams
from pyvrp.PenaltyManager import PenaltyParams
from pyvrp.search import LocalSearch, compute_neighbours
from pyvrp.stop import MaxIterations

from fieldcrm.routing import engine, ruin
from fieldcrm.routing.problem import Appointment, Candidate, Hotel, Problem
from tests.routing.scenarios import H, day, open_all_day, problem

# twelve accounts around home, two mornings: neither holds them all, both carry several
POINTS = [(0.0, 0.0)] + [(9000.0 * (i % 4 - 1.5), 6000.0 * (i // 4 - 1)) for i in range(12)]


def _problem(days: int = 2) -> Problem:
    candidates = [
        Candidate(f"c{i}", i, 50.0 + 7 * i, 1200, open_all_day(days, 8, 12, 1 / 3))
        for i in range(1, len(POINTS))
    ]
    return problem(POINTS, days=[day(8, 12) for _ in range(days)], candidates=candidates)


def _visits(solution: Solution) -> list[list[int]]:
    return [[a.idx for a in r if a.is_client()] for r in solution.routes()]


def _best(data: ProblemData) -> Solution:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pyvrp_solve(data, stop=MaxIterations(200), seed=1, collect_stats=False).best


@functools.cache
def _solved(
    frames: tuple[tuple[float, float], ...] = ((8, 12), (8, 12)),
) -> tuple[ProblemData, Solution]:
    """Two mornings' plan (the same frames: one fleet; different ones: a vehicle per day)."""
    p = replace(_problem(), days=tuple(day(a, b) for a, b in frames))
    data, _ = engine.build(p)
    return data, _best(data)


def _local(data: ProblemData) -> LocalSearch:
    return LocalSearch(data, RandomNumberGenerator(seed=0), compute_neighbours(data))


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
    # two vehicle types (the afternoon differs): each route must keep its own
    data, solution = _solved(((8, 12), (8, 12.5)))
    assert data.num_vehicle_types == 2
    before = _visits(solution)
    assert len(before) == 2 and all(len(r) >= 3 for r in before)
    ruined = ruin.StringRemoval(data, _local(data), seed=seed).ruined(solution)
    if ruined is None:  # the random client has no visited client among its nearest
        return
    vehicle_of = {v: r.vehicle_type() for r in solution.routes() for v in _visits_of(r)}
    for route in ruined.routes():
        assert {vehicle_of[v] for v in _visits_of(route)} == {route.vehicle_type()}
    # empty routes are dropped: pair the routes by their first remaining visit
    by_first = {r[0]: r for r in _visits(ruined)}
    removed = []
    for route in before:
        after = next((by_first[v] for v in route if v in by_first), [])
        removed.append(_removed_string(route, after))
    assert 1 <= sum(bool(r) for r in removed) <= ruin.MOST_ROUTES
    assert all(len(r) <= ruin.LONGEST_STRING for r in removed)


def _visits_of(route) -> list[int]:  # type: ignore[no-untyped-def]
    return [a.idx for a in route if a.is_client()]


def test_the_same_seed_removes_the_same_visits() -> None:
    data, solution = _solved()
    one = ruin.StringRemoval(data, _local(data), seed=7)
    two = ruin.StringRemoval(data, _local(data), seed=7)
    first = [one.ruined(solution) for _ in range(5)]
    second = [two.ruined(solution) for _ in range(5)]
    assert [s and _visits(s) for s in first] == [s and _visits(s) for s in second]


class _Recorded:
    """A stand-in for the local search: records what it is asked, returns the solution."""

    def __init__(self) -> None:
        self.calls: list[tuple[list[list[int]], bool]] = []

    def __call__(
        self, solution: Solution, cost_evaluator: CostEvaluator, exhaustive: bool = False
    ) -> Solution:
        self.calls.append((_visits(solution), exhaustive))
        return solution


def test_half_the_calls_rebuild_a_ruined_solution_exhaustively() -> None:
    data, solution = _solved()
    seen = _Recorded()
    method = ruin.StringRemoval(data, seen, seed=3)  # type: ignore[arg-type]
    evaluator = CostEvaluator([], 1.0, 1.0)
    for _ in range(200):
        method(solution, evaluator)
    ruined = [visits for visits, exhaustive in seen.calls if exhaustive]
    plain = [visits for visits, exhaustive in seen.calls if not exhaustive]
    # every exhaustive call got fewer visits; every plain call the solution as it was
    whole = sum(len(r) for r in _visits(solution))
    assert all(sum(len(r) for r in visits) < whole for visits in ruined)
    assert all(visits == _visits(solution) for visits in plain)
    assert 75 <= len(ruined) <= 125  # about half (every client here has a visited one near)
    # an exhaustive search asked for is passed on as it is, never ruined
    seen.calls.clear()
    method(solution, evaluator, exhaustive=True)
    assert seen.calls == [(_visits(solution), True)]


def test_nothing_to_remove_is_a_plain_search() -> None:
    data, _ = _solved()
    seen = _Recorded()
    method = ruin.StringRemoval(data, seen, seed=3)  # type: ignore[arg-type]
    empty = Solution(data, [])
    assert method.ruined(empty) is None
    for _ in range(20):
        method(empty, CostEvaluator([], 1.0, 1.0))
    assert seen.calls == [([], False)] * 20


def test_fixed_appointments_and_required_accounts_come_back_after_a_removal() -> None:
    """Removals take appointments and required accounts out with the rest; PyVRP's
    exhaustive search must put them back: every answer keeps them all."""
    base = _problem(days=1)
    appointments = (
        Appointment("a1", 2, 0, round(9 * H), 1800),
        Appointment("a2", 7, 0, round(11 * H), 1800),
    )
    must = replace(base.candidates[4], required=True)
    p = replace(
        base,
        days=(day(8, 13),),
        appointments=appointments,
        candidates=(*base.candidates[:4], must, *base.candidates[5:]),
    )
    data, refs = engine.build(p)
    required = {i for i, r in enumerate(refs) if r.kind == "appointment" or r.index == 4}
    start = _best(data)
    method = ruin.StringRemoval(data, _local(data), seed=5)
    evaluator = CostEvaluator([], 1_000_000.0, 1.0)
    dropped = 0
    for _ in range(60):
        ruined = method.ruined(start)
        if ruined is not None and not required <= {v for r in _visits(ruined) for v in r}:
            dropped += 1
        answer = method(start, evaluator)
        assert answer.is_complete()
        assert required <= {v for r in _visits(answer) for v in r}
    assert dropped  # the removals did take required visits out


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
    # asked for more than there are: every other client, never itself
    many = ruin.nearest_clients(data, 100)
    assert all(
        sorted(row) == [j for j in range(data.num_clients) if j != i] for i, row in enumerate(many)
    )


def test_without_removals_the_search_is_pyvrps_own() -> None:
    """The engine assembles PyVRP's solve itself to give it a search method: with the
    removals off, it finds exactly what ``pyvrp.solve`` finds with the same parameters
    (on several seeds: a change in the use of the random stream changes the answers)."""
    data, _ = engine.build(_problem())
    for seed in range(4):
        search = engine._Search(seed, 400, 400, tuned=True, time_warp=None, ruin=False)
        ours, iterations = engine._search(data, search, engine.Budget(), None)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = pyvrp_solve(
                data,
                stop=MaxIterations(iterations),
                seed=seed,
                params=SolveParams(ils=engine.ILS_PARAMS),
                collect_stats=False,
            )
        assert _visits(ours) == _visits(theirs.best)


class _Spy(IteratedLocalSearch):
    runs: ClassVar[list[IteratedLocalSearch]] = []

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.first_penalty = self.penalty_manager.penalties()[1]  # before the search moves it
        _Spy.runs.append(self)


def test_the_main_searches_run_the_removals_with_the_tuned_parameters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What each search actually runs: the main searches remove strings with the short
    history and the scaled penalty; the reason checks (a required visit, a warm start) run
    PyVRP's own search and penalty."""
    p = _problem()
    monkeypatch.setattr(engine, "IteratedLocalSearch", _Spy)
    monkeypatch.setattr(engine, "_run_searches", _here)
    _Spy.runs = []
    budget = engine.Budget(patience=200)
    chosen = engine.solve_each(p, budget=budget)[0]
    warp = engine.time_warp_penalty(p, range(len(p.candidates)))
    assert len(_Spy.runs) == engine.RESTARTS
    for ils in _Spy.runs:
        assert isinstance(ils.search, ruin.StringRemoval)
        assert ils.params is engine.ILS_PARAMS
        assert ils.first_penalty == pytest.approx(warp)  # type: ignore[attr-defined]
    _Spy.runs = []
    engine.solve_each(p, budget=budget, required=[0])
    engine.solve_each(p, budget=budget, start=chosen)
    default = PenaltyParams()
    assert _Spy.runs
    for ils in _Spy.runs:
        assert isinstance(ils.search, LocalSearch)
        assert ils.first_penalty == pytest.approx(  # type: ignore[attr-defined]
            (default.min_penalty + default.max_penalty) / 2
        )


def _here(data, searches, *, budget, initial):  # type: ignore[no-untyped-def]
    """The searches one after the other in this process (the spy sees them)."""
    return [engine._search(data, s, budget, initial) for s in searches]


def test_days_with_frames_of_their_own_or_nights_away_keep_pyvrps_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A trip's all-home plan (days with their own hours) and days chained by a night at a
    hotel run PyVRP's own search: removals there won as many euros as they lost in twice
    the time (bench/README.md, sixth session)."""
    p = replace(_problem(), days=(day(8, 12), day(8, 12.5)))
    monkeypatch.setattr(engine, "IteratedLocalSearch", _Spy)
    monkeypatch.setattr(engine, "_run_searches", _here)
    _Spy.runs = []
    engine.solve_each(p, budget=engine.Budget(patience=200))
    assert len(_Spy.runs) == 1  # one search: the days are not interchangeable
    (ils,) = _Spy.runs
    assert isinstance(ils.search, LocalSearch)
    assert ils.params == IteratedLocalSearchParams()
    _Spy.runs = []
    dates = (dt.date(2027, 1, 12), dt.date(2027, 1, 13))
    dated = replace(
        p,
        days=tuple(replace(d, date=when) for d, when in zip(p.days, dates, strict=True)),
        hotels=(Hotel("h", 3, 80.0),),
    )
    assert engine.chained(dated, [0])
    engine.solve_each(dated, budget=engine.Budget(patience=200))
    assert _Spy.runs and all(isinstance(i.search, LocalSearch) for i in _Spy.runs)
