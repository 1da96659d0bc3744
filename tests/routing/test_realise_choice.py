"""Of the searches' answers, the plan kept is the one worth most once realised (the driving
cap is applied after the engine, so the engine's best may realise to less)."""

from __future__ import annotations

import pytest

from fieldcrm.routing import engine
from fieldcrm.routing.engine import Ref, Solved
from fieldcrm.routing.problem import Candidate
from fieldcrm.routing.realise import realise, solve_realised
from tests.routing.scenarios import day, open_all_day, problem

# home, a near account worth 100 € and a far one worth 40 €
POINTS = [(0.0, 0.0), (3000.0, 0.0), (30000.0, 0.0)]
CANDIDATES = [
    Candidate("near", 1, 100.0, 1800, open_all_day(1, 8, 18, 0.5)),
    Candidate("far", 2, 40.0, 1800, open_all_day(1, 8, 18, 0.5)),
]


def answer(*visits: int, iterations: int) -> Solved:
    return Solved(
        days=(tuple(Ref("candidate", i, 0) for i in visits),),
        nights=(),
        iterations=iterations,
        feasible=True,
    )


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_the_answer_worth_most_is_kept_whatever_its_run(
    monkeypatch: pytest.MonkeyPatch, order: tuple[int, int]
) -> None:
    p = problem(POINTS, days=[day()], candidates=CANDIDATES)
    rich, poor = answer(0, iterations=7), answer(1, iterations=5)
    assert realise(p, rich).objective_eur > realise(p, poor).objective_eur
    answers = (rich, poor)
    monkeypatch.setattr(engine, "solve_each", lambda *a, **k: tuple(answers[i] for i in order))
    kept = solve_realised(p, budget=engine.Budget())
    assert kept.visited() == {0}
    assert kept.solved.iterations == 12  # every search's work is counted


def test_an_answer_without_a_plan_is_skipped_and_its_work_counted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    p = problem(POINTS, days=[day()], candidates=CANDIDATES)
    infeasible = Solved(
        days=((Ref("candidate", 0, 0), Ref("candidate", 1, 0)),),
        nights=(),
        iterations=2,
        feasible=False,
    )
    monkeypatch.setattr(engine, "solve_each", lambda *a, **k: (infeasible, answer(1, iterations=4)))
    kept = solve_realised(p, budget=engine.Budget())
    assert kept.visited() == {1} and kept.solved.iterations == 6
