"""A day planned the same day never leaves before now: the stretch of the working hours to
the day's appointments (:mod:`fieldcrm.routing.overtime`) stops at the day's hard earliest
departure (:attr:`WorkDay.not_before_s`); and refusals on a stretched day quote the working
hours and the tolerance, never the stretched frame as if it were the hours. Tiny cases,
exact answers (Camille's day of :mod:`tests.routing.test_overtime`)."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fieldcrm.errors import Infeasible, InvalidInput
from fieldcrm.http.error_text import describe, reach_text
from fieldcrm.routing.overtime import day_of, stretched
from fieldcrm.routing.planner import plan
from fieldcrm.routing.problem import Candidate, Problem, WorkDay
from fieldcrm.routing.problem_json import problem_from_json
from fieldcrm.routing.realise import OutOfReach, Reach
from tests.routing.test_overtime import (
    DEPART,
    LUNCH,
    QUICK,
    RETURN,
    TUESDAY,
    WEDNESDAY,
    H,
    M,
    nice,
)


def _from(p: Problem, not_before_s: int) -> Problem:
    """``p`` planned at ``not_before_s`` the same day: its first day leaves at the later of
    its departure and that, never before it (as the services build today's day)."""
    first = p.days[0]
    day = dataclasses.replace(
        first, depart_s=max(first.depart_s, not_before_s), not_before_s=not_before_s
    )
    return dataclasses.replace(p, days=(day, *p.days[1:]))


def test_an_early_booking_is_held_by_leaving_earlier_only_from_now_on() -> None:
    """Planned at 07:20 (earliest departure 07:25), a 07:45 booking 16 min from home: she
    leaves at 07:29, after now — the stretch holds it. A 07:30 one would need her to leave
    at 07:14, before now: refused, not planned with a departure in the past."""
    held = plan(_from(nice(7 * H + 45 * M), 7 * H + 25 * M), budget=QUICK)
    (day,) = held.days
    assert day.departure_s == 7 * H + 29 * M and "overtime" in day.flags
    assert plan(nice(7 * H + 30 * M), budget=QUICK).days[0].departure_s == 7 * H + 14 * M
    early = _from(nice(7 * H + 30 * M), 7 * H + 25 * M)
    assert stretched(early) == early  # no stretch before now
    with pytest.raises(InvalidInput, match="outside working hours, even 60 min beyond them"):
        plan(early, budget=QUICK)


def test_at_twenty_past_ten_a_booking_at_half_past_is_out_of_reach_not_planned_at_ten_fourteen() -> (
    None
):
    """10:20, earliest departure 10:25: a 10:30 booking 16 min away cannot be reached (the
    stretch would leave at 10:14, in the past); one at 10:00 starts before the earliest
    departure and is said so (it cannot be driven to)."""
    late = _from(nice(10 * H + 30 * M), 10 * H + 25 * M)
    assert stretched(late) == late
    assert day_of(stretched(late), 0, 0, 0).depart_s == 10 * H + 25 * M
    with pytest.raises(OutOfReach) as refused:
        plan(late, budget=QUICK)
    (found,) = refused.value.found
    assert (found.side, found.earliest_s) == ("before", 10 * H + 41 * M)
    begun = _from(nice(10 * H, 60), 10 * H + 25 * M)
    with pytest.raises(InvalidInput) as err:
        plan(begun, budget=QUICK)
    assert "commence avant l’heure de départ au plus tôt" in describe(err.value)
    assert "10:25" in describe(err.value)


def test_without_an_earliest_departure_nothing_changes() -> None:
    p = nice(7 * H + 30 * M)
    assert p.days[0].not_before_s is None
    assert stretched(p).days[0].depart_s == 7 * H + 14 * M


def test_the_earliest_departure_is_validated_and_read_from_json() -> None:
    with pytest.raises(InvalidInput) as err:
        dataclasses.replace(nice(), days=(WorkDay(DEPART, RETURN, LUNCH, not_before_s=9 * H),))
    assert {p.field for p in err.value.problems} == {"days[0].not_before_s"}
    doc = {
        "places": [[7.0, 43.0], [7.1, 43.1]],
        "days": [{"depart": "08:00", "return": "18:30"}],
        "overtime_minutes": 60,
    }
    (plain,) = problem_from_json(doc).days
    assert (plain.depart_s, plain.not_before_s) == (DEPART, None)
    now = doc | {"days": [{"depart": "08:00", "return": "18:30", "not_before": "10:25"}]}
    (day,) = problem_from_json(now).days
    assert (day.depart_s, day.not_before_s) == (10 * H + 25 * M, 10 * H + 25 * M)
    early = doc | {"days": [{"depart": "08:00", "return": "18:30", "not_before": "07:00"}]}
    (day,) = problem_from_json(early).days
    assert (day.depart_s, day.not_before_s) == (DEPART, 7 * H)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(6 * H, 12 * H).map(lambda s: s // 300 * 300),  # the booking's start
    st.integers(0, 90).map(lambda m: m * M),  # its drive from home
    st.integers(6 * H, 12 * H).map(lambda s: s // 300 * 300),  # now (+ 5 min)
)
@example(10 * H, 16 * M, 10 * H + 25 * M)
@example(7 * H + 45 * M, 16 * M, 7 * H + 25 * M)
def test_a_day_stretched_to_its_booking_never_leaves_before_the_earliest_departure(
    start_s: int, away_s: int, now_s: int
) -> None:
    """Whatever the booking and the hour: planned iff she can leave at or after both now
    and an hour before the working day to reach it; then never before now."""
    p = _from(nice(start_s, 40, away_s=away_s), now_s)
    leave = start_s - away_s
    holds = start_s >= now_s and leave >= now_s and DEPART - leave <= H
    holds = holds and start_s + 40 * M + away_s <= RETURN
    found = stretched(p)
    assert found.days[0].depart_s >= now_s
    if not holds:
        with pytest.raises((InvalidInput, Infeasible)):
            plan(p, budget=QUICK, explain=False)
        return
    (day,) = plan(p, budget=QUICK, explain=False).days
    assert day.departure_s >= now_s
    assert [s.start_s for s in day.stops if s.kind == "appointment"] == [start_s]


def test_a_stretched_trip_day_quotes_the_working_return_and_the_tolerance() -> None:
    """A 18:00–18:40 booking an hour from home with a hotel next to it: the day ending at
    the hotel is stretched to 18:40. Its all-home alternative is refused: back at 19:40, 70
    min after the working return (18:30) — said as 18:30 with the tolerance, not « by
    18:40 », the stretched frame's return, as if it were her hours."""
    p = nice(18 * H, 40, days=(TUESDAY, WEDNESDAY), hotel=True, away_s=H)
    assert stretched(p).days[0].return_s == 18 * H + 40 * M  # the frame the solver searches
    result = plan(p, budget=QUICK)
    assert [n.hotel for n in result.nights] == ["h"]
    home = result.all_home_reach
    assert home is not None and (home.side, home.earliest_s) == ("after", 19 * H + 40 * M)
    assert (home.limit_s, home.overtime_s) == (RETURN, H)
    said = reach_text(home)
    assert said.startswith("Après le rendez-vous « Boulangerie du Port »")
    assert (
        "impossible d’être de retour à la maison pour 18:30, même avec 60 min de dépassement"
        " permis (retour au plus tôt 19:40). Pour rentrer, prolongez la tournée d’un jour"
    ) in said
    assert "18:40" not in said and "even 60 min beyond it" in home.sentence()
    english = reach_text(home, "en")
    assert "by 18:30, even 60 min beyond the working hours (earliest return 19:40)" in english
    assert Reach.from_doc(home.as_doc()) == home
    # without a tolerance, stored as before
    plain = dataclasses.replace(home, overtime_s=0)
    assert "overtime_s" not in plain.as_doc() and Reach.from_doc(plain.as_doc()) == plain


def test_a_required_route_refused_on_a_stretched_day_quotes_the_working_hours() -> None:
    """The booking 17:45–18:25 stretches the day to 18:41; a required ten-hour visit from
    08:00 cannot be held with it: the refusal says « between 08:00 and 18:30 », the hours,
    not 18:41."""
    p = dataclasses.replace(
        nice(),
        candidates=(
            Candidate("long", 2, 150.0, 10 * H, (((DEPART, DEPART + 30 * M),),), True, "Long"),
        ),
    )
    assert stretched(p).days[0].return_s == 18 * H + 41 * M
    with pytest.raises(Infeasible) as refused:
        plan(p, budget=QUICK)
    assert str(refused.value) == "no plan visits every required account between 08:00 and 18:30"
