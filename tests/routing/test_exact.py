"""The exact search of small days against brute force, and the "proven optimal" flag."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldcrm.routing import exact
from fieldcrm.routing.engine import Budget
from fieldcrm.routing.planner import plan
from fieldcrm.routing.problem import Appointment, Candidate
from tests.routing.scenarios import H, best_net, day, open_all_day, problem

QUICK = Budget(patience=300, time_limit_s=10)
ONE_ITERATION = Budget(patience=0, per_client=0, max_iterations=1, time_limit_s=10)


def crowded_day() -> object:
    """Six accounts around home, a 10:00 appointment, lunch, split hours: not all fit."""
    points = [(0, 0), (6000, 0), (3000, 2000), (9000, 1000), (5000, -3000), (12000, 0)]
    points += [(1000, 9000), (-4000, 2000)]
    return problem(
        points,
        days=[day(lunch=True)],
        appointments=[Appointment("rdv", 1, 0, 10 * H, H, "LAMBDA SARL")],
        candidates=[
            Candidate("a", 2, 90.0, 2 * H, open_all_day(1, service_h=2)),
            Candidate("b", 3, 70.0, H, (((14 * H, 16 * H),),)),
            Candidate("c", 4, 40.0, 2 * H, (((8 * H, 11 * H), (14 * H, 15 * H)),)),
            Candidate("d", 5, 120.0, 2 * H, open_all_day(1, service_h=2)),
            Candidate("e", 6, 60.0, H, open_all_day(1)),
            Candidate("f", 7, 55.0, 2 * H, open_all_day(1, service_h=2)),
        ],
    )


def test_the_exact_search_finds_the_brute_force_best() -> None:
    p = crowded_day()
    found = exact.improve(p, incumbent_eur=-math.inf)
    assert found is not None
    assert found.net_eur == pytest.approx(best_net(p), abs=1e-6)
    assert [r.kind for r in found.refs].count("appointment") == 1


def test_nothing_beats_the_optimum_and_anything_less_is_beaten() -> None:
    p = crowded_day()
    best = best_net(p)
    assert exact.improve(p, incumbent_eur=best) is None  # proof: nothing better
    better = exact.improve(p, incumbent_eur=best - 0.5)
    assert better is not None and better.net_eur == pytest.approx(best, abs=1e-6)


def test_a_small_day_is_proven_optimal_even_after_one_iteration() -> None:
    p = crowded_day()
    result = plan(p, budget=ONE_ITERATION, explain=False)
    assert result.flags == ("proven_optimal",)
    assert result.figures.net_eur == pytest.approx(best_net(p), abs=0.01)
    (d,) = result.days
    assert [s.start_s for s in d.stops if s.kind == "appointment"] == [10 * H]


def test_a_day_with_more_candidates_is_not_claimed_optimal() -> None:
    n = exact.MAX_CANDIDATES + 1
    points = [(0, 0)] + [(1000 * (k + 1), 500 * (k % 3)) for k in range(n)]
    p = problem(
        points,
        days=[day()],
        candidates=[
            Candidate(f"c{k}", k + 1, 10.0 + k, 1800, open_all_day(1, service_h=0.5))
            for k in range(n)
        ],
    )
    assert not exact.applies(p)
    assert plan(p, budget=QUICK, explain=False).flags == ()
    closed = dataclasses.replace(
        p,
        candidates=(*p.candidates[:-1], dataclasses.replace(p.candidates[-1], windows=((),))),
    )
    assert exact.applies(closed)  # only candidates open that day count


def test_a_required_account_is_in_the_exact_answer() -> None:
    p = crowded_day()
    forced = dataclasses.replace(
        p,
        candidates=tuple(dataclasses.replace(c, required=c.key == "f") for c in p.candidates),
    )
    found = exact.improve(forced, incumbent_eur=-math.inf)
    assert found is not None and "f" in {
        forced.candidates[r.index].key for r in found.refs if r.kind == "candidate"
    }
    assert found.net_eur == pytest.approx(best_net(forced), abs=1e-6)


def test_no_room_for_lunch_is_searched_without_it() -> None:
    # appointments 11:00–13:30 and 13:36–15:00 leave no hour for lunch in 12:00–14:00
    p = problem(
        [(0, 0), (3000, 0), (3000, 100), (-3000, 0)],
        days=[day(lunch=True)],
        appointments=[
            Appointment("r1", 1, 0, 11 * H, round(2.5 * H)),
            Appointment("r2", 2, 0, round(13.6 * H), round(1.4 * H)),
        ],
        candidates=[Candidate("a", 3, 50.0, H, open_all_day(1))],
    )
    found = exact.improve(p, incumbent_eur=-math.inf, lunch_skipped=True)
    assert found is not None and len(found.refs) == 3
    result = plan(p, budget=QUICK, explain=False)
    assert result.days[0].flags == ("lunch_skipped",)
    assert result.flags == ("proven_optimal",)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    accounts=st.lists(
        st.tuples(
            st.integers(-9, 9),
            st.integers(-9, 9),
            st.integers(10, 150),
            st.sampled_from([0.5, 1.0, 2.0]),
            st.sampled_from(["all", "morning", "afternoon"]),
        ),
        min_size=1,
        max_size=5,
    ),
    appointment_h=st.sampled_from([None, 9, 10, 15]),
    lunch=st.booleans(),
    cap_h=st.sampled_from([None, 1.0, 2.0]),
    per_hour=st.sampled_from([0.0, 30.0]),
)
def test_exact_equals_brute_force_on_random_days(  # type: ignore[no-untyped-def]
    accounts, appointment_h, lunch, cap_h, per_hour
) -> None:
    hours = {
        "all": lambda s: open_all_day(1, service_h=s),
        "morning": lambda s: (((8 * H, round((12 - s) * H)),),),
        "afternoon": lambda s: (((14 * H, round((18 - s) * H)),),),
    }
    points = [(0, 0), (4000, 3000)] + [(x * 2000, y * 2000) for x, y, *_ in accounts]
    p = problem(
        points,
        days=[day(lunch=lunch, cap_h=cap_h)],
        appointments=[Appointment("rdv", 1, 0, appointment_h * H, H)] if appointment_h else [],
        candidates=[
            Candidate(f"c{k}", k + 2, float(v), round(s * H), hours[w](s))
            for k, (_, _, v, s, w) in enumerate(accounts)
        ],
    )
    p = dataclasses.replace(p, costs=dataclasses.replace(p.costs, eur_per_driving_hour=per_hour))
    brute = best_net(p)
    found = exact.improve(p, incumbent_eur=-math.inf)
    if brute == -math.inf:  # the appointment cannot be kept within the cap
        assert found is None
        return
    assert found is not None and found.net_eur == pytest.approx(brute, abs=1e-6)
    assert exact.improve(p, incumbent_eur=brute) is None
    result = plan(p, budget=ONE_ITERATION, explain=False)
    assert "proven_optimal" in result.flags
    assert result.figures.net_eur == pytest.approx(brute, abs=1e-6)
