"""Appointments a little beyond the working hours, when planning: a booked appointment is a
fact, and the day's frame stretches to what it alone needs, by at most the problem's
tolerance (:attr:`Problem.overtime_s`, :mod:`fieldcrm.routing.overtime`), with the rule the
booked days are shown by (:func:`fieldcrm.routing.reslot.day_frame`). The open visits stay
inside the working hours; beyond the tolerance nothing changes. Tiny cases, exact answers."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fieldcrm.errors import Infeasible, InvalidInput
from fieldcrm.routing.engine import Budget
from fieldcrm.routing.overtime import stretched
from fieldcrm.routing.planner import plan
from fieldcrm.routing.problem import (
    Appointment,
    Candidate,
    Costs,
    Hotel,
    Lunch,
    Problem,
    WorkDay,
)
from fieldcrm.routing.problem_json import problem_from_json
from fieldcrm.routing.realise import OutOfReach
from fieldcrm.routing.reslot import DayStop, ReslotDay, beyond_hours, booked_day
from fieldcrm.routing.schedule import Leg
from tests.routing.scenarios import problem as scenario

QUICK = Budget(patience=300, time_limit_s=10)
H, M = 3600, 60
DEPART, RETURN = 8 * H, 18 * H + 30 * M
"""Camille's working day: 08:00–18:30."""
LUNCH = Lunch(12 * H, 14 * H, H)
TOLERANCE = 60 * M
TUESDAY, WEDNESDAY = dt.date(2026, 4, 21), dt.date(2026, 4, 22)
# places: 0 home (near Nice), 1 the booked client, 2 and 3 open accounts near home
SECONDS = (
    (0, 16 * M, 10 * M, 12 * M),
    (16 * M, 0, 14 * M, 15 * M),
    (10 * M, 14 * M, 0, 8 * M),
    (12 * M, 15 * M, 8 * M, 0),
)
METRES = tuple(tuple(s * 12 for s in row) for row in SECONDS)
"""12 m a second: about 43 km/h."""
ALL_DAY = ((DEPART, RETURN - H),)
"""An hour's visit open whenever the rep works."""


def nice(
    start_s: int = 17 * H + 45 * M,
    minutes: int = 40,
    *,
    overtime_s: int = TOLERANCE,
    days: tuple[dt.date, ...] = (TUESDAY,),
    hotel: bool = False,
    away_s: int | None = None,
) -> Problem:
    """Camille's day: the booked appointment at ``start_s`` 16 min from home (17:45–18:25:
    home at 18:41, 11 min after her latest return), two open accounts near home worth
    visiting; a 95 € hotel next to the booking when ``hotel``; the booking ``away_s`` from
    every other place if given."""
    seconds = SECONDS if away_s is None else _away(away_s)
    return Problem(
        home=0,
        days=tuple(WorkDay(DEPART, RETURN, LUNCH, date=d) for d in days),
        durations_s=seconds,
        distances_m=tuple(tuple(v * 12 for v in row) for row in seconds),
        appointments=(Appointment("rdv", 1, 0, start_s, minutes * M, "Boulangerie du Port"),),
        candidates=tuple(
            Candidate(key, place, 150.0, H, tuple(ALL_DAY for _ in days), name=key)
            for key, place in (("a", 2), ("b", 3))
        ),
        hotels=(Hotel("h", 1, 95.0, name="Hôtel du Port"),) if hotel else (),
        costs=Costs(eur_per_km=0.5, meal_eur=20.0),
        overtime_s=overtime_s,
    )


def _away(away_s: int) -> tuple[tuple[int, ...], ...]:
    """:data:`SECONDS` with the booked client (place 1) ``away_s`` from every other place."""
    return tuple(
        tuple(away_s if (i == 1) != (j == 1) else v for j, v in enumerate(row))
        for i, row in enumerate(SECONDS)
    )


def test_a_booking_that_brings_her_home_eleven_minutes_late_is_a_day_from_home() -> None:
    result = plan(nice(), budget=QUICK)
    (day,) = result.days
    assert (day.start_place, day.end_place) == (0, 0) and not result.nights
    assert result.figures.nights_away == 0 and result.figures.hotel_eur == 0
    # home after the booking, timed as booked: 18:25 + 16 min, no later
    assert day.return_s == 18 * H + 41 * M
    assert "overtime" in day.flags
    booked = [s for s in day.stops if s.kind == "appointment"]
    assert [(s.key, s.start_s) for s in booked] == [("rdv", 17 * H + 45 * M)]
    # the open visits and the lunch stay inside the working hours
    visits = [s for s in day.stops if s.kind == "visit"]
    assert sorted(s.key for s in visits) == ["a", "b"]
    for s in visits:
        assert s.start_s >= DEPART and s.departure_s <= RETURN
        assert DEPART <= s.slot[0] <= s.slot[1] and s.slot[1] + H <= RETURN
    assert day.lunch_start_s is not None and 12 * H <= day.lunch_start_s <= 13 * H
    assert day.departure_s >= DEPART


def test_the_plan_returns_when_the_day_as_shown_says() -> None:
    """The planned day and its « Hors de vos horaires » note (reslot, from the working hours
    and the plan's stops) say the same return."""
    p = nice()
    (day,) = plan(p, budget=QUICK).days
    stops = [
        DayStop(s.place, s.departure_s - s.start_s, fixed_s=s.start_s)
        if s.kind == "appointment"
        else DayStop(s.place, s.departure_s - s.start_s, windows=(s.slot,))
        for s in day.stops
    ]
    booked = [k for k, s in enumerate(day.stops) if s.kind == "appointment"]
    shown = beyond_hours(ReslotDay(Leg(DEPART, RETURN, LUNCH), 0, 0, stops, SECONDS))
    assert {k: b.back_s for k, b in shown.items()} == {booked[0]: day.return_s}


def test_without_a_tolerance_the_working_hours_stay_hard() -> None:
    with pytest.raises(OutOfReach) as refused:
        plan(nice(overtime_s=0), budget=QUICK)
    (found,) = refused.value.found
    assert (found.side, found.limit_s, found.earliest_s) == ("after", RETURN, 18 * H + 41 * M)
    assert Problem(0, nice().days, SECONDS, METRES).overtime_s == 0


def test_a_booking_ninety_minutes_beyond_is_refused_as_before() -> None:
    # 19:05–19:45, home at 20:01: 91 min after 18:30, beyond the hour's tolerance (said:
    # QA saw 18:00–18:40 accepted and 18:45–19:25 refused as outside 08:00–18:30 alone)
    with pytest.raises(InvalidInput, match="outside working hours, even 60 min beyond them"):
        plan(nice(19 * H + 5 * M), budget=QUICK)
    # 16:00–18:20, 1 h 40 from home: back at 20:00, 90 min late
    far = nice(16 * H, 140, away_s=100 * M)
    with pytest.raises(OutOfReach) as refused:
        plan(far, budget=QUICK)
    (found,) = refused.value.found
    assert (found.side, found.limit_s, found.earliest_s) == ("after", RETURN, 20 * H)
    assert stretched(far) == far
    # 06:20–07:00: she would leave at 04:40
    with pytest.raises(InvalidInput, match="outside working hours"):
        plan(nice(6 * H + 20 * M, 40, away_s=100 * M), budget=QUICK)


def test_beyond_the_tolerance_the_day_is_still_planned_as_a_trip() -> None:
    """The two-day plan beside it (the trip the services plan instead) keeps its hotel."""
    p = nice(16 * H, 140, days=(TUESDAY, WEDNESDAY), hotel=True, away_s=100 * M)
    result = plan(p, budget=QUICK)
    assert [n.hotel for n in result.nights] == ["h"]
    assert result.days[0].return_s == 18 * H + 20 * M and "overtime" not in result.days[0].flags


def test_within_the_tolerance_the_trip_sleeps_at_home() -> None:
    """Camille's case as a trip (the day before the fix was planned as one, with a 95 €
    night next to her own home): the night at home is worth more."""
    result = plan(nice(days=(TUESDAY, WEDNESDAY), hotel=True), budget=QUICK)
    assert [n.hotel for n in result.nights] == [None]
    assert result.days[0].return_s == 18 * H + 41 * M
    assert "overtime" in result.days[0].flags and "overtime" not in result.days[1].flags


def test_an_early_booking_leaves_earlier_and_adds_no_work_before_the_hours() -> None:
    # 07:30–08:10 16 min from home: she leaves at 07:14, 46 min before 08:00
    result = plan(nice(7 * H + 30 * M), budget=QUICK)
    (day,) = result.days
    assert day.departure_s == 7 * H + 14 * M and "overtime" in day.flags
    assert day.stops[0].key == "rdv"
    assert all(s.start_s >= 8 * H + 10 * M for s in day.stops[1:])
    assert day.return_s <= RETURN


def test_a_trip_booking_at_half_past_six_is_held_within_the_tolerance() -> None:
    """A trip's booking 18:30–19:00 (the day ends at 18:30) was refused as « outside
    working hours »; its hotel is next to it: the day ends there at 19:00."""
    p = nice(18 * H + 30 * M, 30, days=(TUESDAY, WEDNESDAY), hotel=True, away_s=3 * H)
    result = plan(p, budget=QUICK)
    assert [n.hotel for n in result.nights] == ["h"]
    first = result.days[0]
    assert [s.key for s in first.stops if s.kind == "appointment"] == ["rdv"]
    assert first.return_s == 19 * H and "overtime" in first.flags
    assert all(s.departure_s <= RETURN for s in first.stops if s.kind == "visit")
    # 20:00–20:30: 2 h beyond, refused with its reason as before
    late = nice(20 * H, 30, days=(TUESDAY, WEDNESDAY), hotel=True, away_s=3 * H)
    with pytest.raises(InvalidInput, match="outside working hours"):
        plan(late, budget=QUICK)


def test_the_driving_cap_rises_to_what_the_booking_alone_drives() -> None:
    """Home → booking → home drives 32 min over a 30 min cap: the cap rises to 32 min, no
    further, so no visit that adds driving joins the day; 2 min beyond a 1 min tolerance:
    refused as before."""
    capped = dataclasses.replace(
        nice(10 * H),
        days=(WorkDay(DEPART, RETURN, LUNCH, max_driving_s=30 * M, date=TUESDAY),),
    )
    (day,) = plan(capped, budget=QUICK).days
    assert day.driving_s == 32 * M and "overtime" in day.flags
    assert [s.key for s in day.stops] == ["rdv"]
    with pytest.raises(Infeasible, match="maximum"):
        plan(dataclasses.replace(capped, overtime_s=M), budget=QUICK)


def test_a_stretched_day_keeps_the_open_windows_inside_the_hours() -> None:
    wide = dataclasses.replace(
        nice(),
        candidates=(Candidate("wide", 2, 150.0, H, (((6 * H, 20 * H),),), name="Large"),),
    )
    found = stretched(wide)
    assert (found.days[0].depart_s, found.days[0].return_s) == (DEPART, 18 * H + 41 * M)
    assert found.candidates[0].windows == (((DEPART, RETURN - H),),)
    assert stretched(found) == found


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, 40_000),  # the booking's distance from home, metres
    st.integers(6 * H, 19 * H).map(lambda s: s // 300 * 300),  # its start, to 5 min
    st.sampled_from([20 * M, 40 * M, H]),
    st.sampled_from([0, 30 * M, 60 * M]),
    st.lists(
        st.tuples(st.integers(-20_000, 20_000), st.integers(-20_000, 20_000), st.integers(5, 200)),
        min_size=1,
        max_size=4,
    ),
)
# 16 min from home (at 15 m/s): 17:45–18:25 brings her home at 18:41; 07:30–08:10 makes
# her leave at 07:14; 18:00–19:00 is back at 19:16, beyond half an hour
@example(14_400, 17 * H + 45 * M, 40 * M, 60 * M, [(1000, 1000, 100), (-5000, 2000, 150)])
@example(14_400, 7 * H + 30 * M, 40 * M, 60 * M, [(1000, 1000, 100)])
@example(14_400, 18 * H, H, 30 * M, [(1000, 1000, 100)])
def test_invariants_of_a_day_stretched_to_its_booking(  # type: ignore[no-untyped-def]
    away_m, start_s, length_s, tolerance_s, accounts
) -> None:
    """Planned iff the booking alone needs no more than the tolerance beyond the hours; then
    the day goes beyond them only as far as the booking needs, says so, and keeps every
    open visit inside them (windows wider than the hours included)."""
    points = [(0, 0), (away_m, 0)] + [(x, y) for x, y, _ in accounts]
    p = dataclasses.replace(
        scenario(
            points,
            days=[WorkDay(DEPART, RETURN, LUNCH)],
            appointments=[Appointment("rdv", 1, 0, start_s, length_s, "RDV")],
            candidates=[
                Candidate(f"c{i}", i + 2, float(v), 1800, (((6 * H, 20 * H),),))
                for i, (_, _, v) in enumerate(accounts)
            ],
        ),
        overtime_s=tolerance_s,
    )
    way = p.durations_s[0][1]
    leave, back = start_s - way, start_s + length_s + p.durations_s[1][0]
    beyond = max(DEPART - leave, back - RETURN, 0)
    if beyond > tolerance_s:
        with pytest.raises((InvalidInput, Infeasible)):
            plan(p, budget=QUICK, explain=False)
        return
    (d,) = plan(p, budget=QUICK, explain=False).days
    assert [s.start_s for s in d.stops if s.kind == "appointment"] == [start_s]
    assert d.departure_s >= min(DEPART, leave) and d.return_s <= max(RETURN, back)
    assert ("overtime" in d.flags) == (d.departure_s < DEPART or d.return_s > RETURN)
    assert ("overtime" in d.flags) == (beyond > 0)
    for s in d.stops:
        if s.kind == "visit":
            assert s.start_s >= DEPART and s.departure_s <= RETURN
            assert s.slot[0] >= DEPART and s.slot[1] + 1800 <= RETURN
    # the day as « Ma journée » times it once booked (reslot, from the working hours and the
    # visits' windows inside them) keeps every stop and says the overtime the plan has
    inside = ((DEPART, RETURN - 1800),)
    stops = [
        DayStop(s.place, length_s, fixed_s=s.start_s)
        if s.kind == "appointment"
        else DayStop(s.place, 1800, windows=inside)
        for s in d.stops
    ]
    day = ReslotDay(Leg(DEPART, RETURN, LUNCH), 0, 0, stops, p.durations_s)
    shown = booked_day(day)
    assert shown is not None and shown.keep == tuple(range(len(stops)))
    assert shown.overtime == ("overtime" in d.flags)
    if shown.overtime:
        assert abs(shown.table.return_s - d.return_s) < M


def test_the_json_problem_takes_the_tolerance_in_minutes() -> None:
    doc = {
        "places": [[7.0, 43.0], [7.1, 43.1]],
        "days": [{"depart": "08:00", "return": "18:30"}],
        "appointments": [{"key": "r", "place": 1, "day": 0, "start": "18:00", "minutes": 20}],
    }
    assert problem_from_json(doc).overtime_s == 0
    assert problem_from_json(doc | {"overtime_minutes": 45}).overtime_s == 45 * M
    with pytest.raises(InvalidInput) as err:
        problem_from_json(doc | {"overtime_minutes": -5})
    assert {p.field for p in err.value.problems} == {"overtime_s"}
    # 18:00–18:20 some 15 km away: back after 18:30 — a day only within the tolerance
    with pytest.raises(OutOfReach):
        plan(problem_from_json(doc), budget=QUICK)
    (day,) = plan(problem_from_json(doc | {"overtime_minutes": 45}), budget=QUICK).days
    assert day.return_s > RETURN and "overtime" in day.flags


def test_a_hotel_night_lends_no_overtime_of_the_way_home_to_open_work() -> None:
    """Home is 50 min from a 17:00–17:50 booking (back at 18:40, within the tolerance); the
    rep sleeps at the hotel next to it (a 09:00 booking there the next morning). The day is
    timed to the hotel, where it ends at 17:50: an account 15 min away open only after the
    booking (18:05–18:25, at the hotel at 18:40) would take overtime only the way home
    needs — it is not proposed, as the day as booked would not keep it."""
    seconds = ((0, 50 * M, 60 * M), (50 * M, 0, 15 * M), (60 * M, 15 * M, 0))
    p = Problem(
        home=0,
        days=(WorkDay(DEPART, RETURN, date=TUESDAY), WorkDay(DEPART, RETURN, date=WEDNESDAY)),
        durations_s=seconds,
        distances_m=tuple(tuple(v * 12 for v in row) for row in seconds),
        appointments=(
            Appointment("rdv", 1, 0, 17 * H, 50 * M, "Soir"),
            Appointment("rdv2", 1, 1, 9 * H, H, "Matin"),
        ),
        candidates=(
            Candidate("late", 2, 300.0, 20 * M, (((17 * H + 50 * M, 18 * H + 10 * M),), ())),
        ),
        hotels=(Hotel("h", 1, 20.0, name="Hôtel"),),
        costs=Costs(eur_per_km=0.5),
        overtime_s=TOLERANCE,
    )
    result = plan(p, budget=QUICK)
    assert [n.hotel for n in result.nights] == ["h"]
    first = result.days[0]
    assert [s.key for s in first.stops] == ["rdv"]
    assert first.return_s == 17 * H + 50 * M and "overtime" not in first.flags
    assert "late" not in {v.key for v in result.visits}
