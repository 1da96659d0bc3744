"""The search's time-warp penalty starts on the problem's scale, and PyVRP takes it."""

from __future__ import annotations

import warnings
from dataclasses import replace

import pytest
from pyvrp import SolveParams
from pyvrp import solve as pyvrp_solve
from pyvrp.IteratedLocalSearch import (
    IteratedLocalSearch,
    IteratedLocalSearchCallbacks,
    IteratedLocalSearchParams,
)
from pyvrp.stop import MaxIterations

from fieldcrm.routing import engine
from fieldcrm.routing.problem import Candidate
from tests.routing.scenarios import day, open_all_day, problem

POINTS = [(0.0, 0.0), (3000.0, 0.0), (0.0, 9000.0), (6000.0, 6000.0)]


def values(*eur: float) -> list[Candidate]:
    """Accounts at places 1, 2, 3… worth ``eur``, open 8:00–18:00, half an hour each."""
    return [Candidate(f"c{i}", i, v, 1800, open_all_day(1, 8, 18)) for i, v in enumerate(eur, 1)]


def test_the_penalty_is_the_mean_prize_per_second_of_the_mean_drive() -> None:
    p = problem(POINTS, days=[day()], candidates=values(40.0, 80.0, 120.0))
    drives = [s for row in p.durations_s for s in row if s > 0]
    expected = engine.TIME_WARP_WEIGHT * 80.0 * engine.MONEY / (sum(drives) / len(drives))
    assert engine.time_warp_penalty(p, [0, 1, 2]) == pytest.approx(expected)
    # only the candidates offered count: the 120 € one alone doubles the 40 € + 80 € mean
    assert engine.time_warp_penalty(p, [2]) == pytest.approx(2 * expected * 120 / 160)


def test_no_candidate_or_no_value_keeps_pyvrps_penalty() -> None:
    p = problem(POINTS, days=[day()], candidates=values(0.0, 0.0, 0.0))
    assert engine.time_warp_penalty(p, [0, 1, 2]) is None
    assert engine.time_warp_penalty(replace(p, candidates=()), []) is None
    search = engine._Search(0, 10, 10, tuned=True, time_warp=None)
    assert engine._params(search).penalty == SolveParams().penalty


class _Started(IteratedLocalSearchCallbacks):
    penalties: tuple[list[float], float, float] | None = None

    def on_start(self, ils: IteratedLocalSearch) -> None:
        self.penalties = ils.penalty_manager.penalties()


def test_pyvrp_starts_from_the_given_penalty() -> None:
    p = problem(POINTS, days=[day()], candidates=values(40.0, 80.0, 120.0))
    warp = engine.time_warp_penalty(p, [0, 1, 2])
    assert warp is not None
    params = engine._params(engine._Search(0, 10, 10, tuned=True, time_warp=warp))
    started = _Started()
    data, _ = engine.build(p)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pyvrp_solve(
            data,
            stop=MaxIterations(1),
            params=SolveParams(
                ils=IteratedLocalSearchParams(callbacks=started), penalty=params.penalty
            ),
            collect_stats=False,
        )
    assert started.penalties is not None
    assert started.penalties[1] == pytest.approx(warp)  # not PyVRP's 50 000 a second
    assert params.penalty.min_penalty < warp < params.penalty.max_penalty


def test_forced_and_warm_started_solves_keep_pyvrps_penalty(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The checks of a reason force a visit into the chosen plan: they start late and have a
    short patience, which PyVRP's high penalty gets back in time and the scaled one may not."""
    p = problem(POINTS, days=[day()], candidates=values(40.0, 80.0, 120.0))
    seen: list[float | None] = []

    def run(data, searches, *, budget, initial):  # type: ignore[no-untyped-def]
        seen.extend(s.time_warp for s in searches)
        return [engine._search(data, s, budget, initial) for s in searches]

    monkeypatch.setattr(engine, "_run_searches", run)
    chosen = engine.solve_each(p)[0]
    assert seen and all(w == engine.time_warp_penalty(p, [0, 1, 2]) for w in seen)
    seen.clear()
    engine.solve_each(p, required=[2])
    engine.solve_each(p, start=chosen)
    assert seen and all(w is None for w in seen)
