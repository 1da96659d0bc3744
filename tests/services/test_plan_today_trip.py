"""Plans made while the rep's day is under way (:mod:`fieldcrm.services.plan_today`): a trip
started during a booking starts there on its first day only, home staying its home; a trip
asked on a day off starts its first working day at the working hours, not at today's
clock; the booking under way is left when it is over, not earlier; « Itinéraire » and the
service's « la journée … est finie » read the rep's own hours by one rule. Pure: the
problem as built for the planner, at a clock given."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from shapely.geometry import Point

from fieldcrm.config import Settings
from fieldcrm.errors import InvalidInput
from fieldcrm.geo import GeoPoint
from fieldcrm.routing.corridor import Corridor
from fieldcrm.routing.engine import Budget, day_places
from fieldcrm.routing.planner import plan
from fieldcrm.routing.problem import Problem
from fieldcrm.routing.realise import OutOfReach
from fieldcrm.services import plan_today
from fieldcrm.services import planning_build as build
from fieldcrm.services.planning_inputs import PlanningInputs
from fieldcrm.store.plans import AppointmentRow, RepRow

PARIS = ZoneInfo("Europe/Paris")
CFG = Settings(database_url="postgresql+psycopg://unused/unused", _env_file=None)
SATURDAY, MONDAY = dt.date(2026, 12, 12), dt.date(2026, 12, 14)
HOME, VERSAILLES, PARIS_CLIENT = (2.35, 48.85), (2.13, 48.80), (2.36, 48.86)
H, M = 3600, 60


def _rep(end: dt.time = dt.time(18, 0), lunch: int = 0) -> RepRow:
    return RepRow(
        1, "Camille", "rep", *HOME, "x", dt.time(8, 30), end, lunch, None, None, False, "car", None
    )


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)


def _booking(
    key: int, where: tuple[float, float], starts: dt.datetime, minutes: int
) -> AppointmentRow:
    ends = starts + dt.timedelta(minutes=minutes)
    return AppointmentRow(key, None, f"Client {key}", starts, ends, None, *where, "confirmed")


def _inputs(
    first: dt.date, last: dt.date, bookings: list[AppointmentRow], rep: RepRow | None = None
) -> PlanningInputs:
    return PlanningInputs(
        rep=rep or _rep(),
        home=GeoPoint(*HOME),
        first_day=first,
        last_day=last,
        appointments=bookings,
        corridor=Corridor((), 1000.0, Point(*HOME).buffer(0.1)),
        candidates=[],
        in_polygon=0,
    )


def _today(inputs: PlanningInputs, now: dt.datetime, *, trip: bool = False) -> Problem:
    """The problem the services build for ``inputs`` planned at ``now`` (planning._solve)."""
    b = plan_today.from_now(inputs, now=now, zone=PARIS)
    problem, _, _ = build.problem_for(
        b.inputs,
        cfg=CFG,
        graph=None,
        eur_per_km=0.5,
        trip=trip,
        start=b.start,
        depart_s=b.depart_s,
        not_before_s=b.not_before_s,
    )
    return problem


def test_a_trip_started_during_a_booking_starts_there_on_its_first_day_only() -> None:
    """Monday 10:20, at a booking 10:00–11:00 in Versailles, a trip Monday–Wednesday with a
    booking in Paris on Wednesday: Monday leaves Versailles at 11:00 and ends at home;
    Tuesday and Wednesday start and end at home (not in Versailles, 0 km)."""
    wednesday = MONDAY + dt.timedelta(days=2)
    inputs = _inputs(
        MONDAY,
        wednesday,
        [
            _booking(1, VERSAILLES, _at(MONDAY, 10), 60),
            _booking(2, PARIS_CLIENT, _at(wednesday, 10), 60),
        ],
    )
    problem = _today(inputs, _at(MONDAY, 10, 20), trip=True)
    assert problem.places[problem.home] == HOME and problem.places[problem.last_place] == HOME
    assert problem.places[problem.first_place] == VERSAILLES
    starts_ends = [day_places(problem, k, hotels=[]) for k in range(3)]
    places = [
        ([problem.places[i] for i in s], [problem.places[i] for i in e]) for s, e in starts_ends
    ]
    assert places == [([VERSAILLES], [HOME]), ([HOME], [HOME]), ([HOME], [HOME])]
    assert problem.days[0].depart_s == 11 * H and problem.days[1].depart_s == 8 * H + 30 * M
    result = plan(problem, budget=Budget(patience=200, time_limit_s=2.0), explain=False)
    monday, _, wed = result.days
    assert problem.places[monday.end_place] == HOME and monday.driving_m > 0
    paris_back_and_forth = 2 * problem.distances_m[problem.home][problem.appointments[0].place]
    assert wed.driving_m == paris_back_and_forth  # from home, not from Versailles


@pytest.mark.parametrize("hour, minute", [(10, 0), (18, 30)])
def test_a_trip_asked_on_a_saturday_starts_monday_at_the_working_hours(
    hour: int, minute: int
) -> None:
    """Saturday 10:00 (or 18:30), a trip Saturday–Wednesday: Monday, its first working day,
    leaves at 08:30 from home, not at 10:05; at 18:30 it is planned, not refused as « la
    journée de travail du 14/12/2026 est finie »."""
    inputs = _inputs(SATURDAY, SATURDAY + dt.timedelta(days=4), [])
    problem = _today(inputs, _at(SATURDAY, hour, minute), trip=True)
    first = problem.days[0]
    assert first.date == MONDAY
    assert (first.depart_s, first.not_before_s) == (8 * H + 30 * M, None)
    assert problem.first_place == problem.home


def test_the_booking_under_way_is_left_when_it_is_over_never_earlier() -> None:
    """10:20, booked 10:00–11:00 in Versailles and 11:10 in Paris (21 min away): the hard
    earliest departure is 11:00, so the 11:10 is out of reach — not planned by leaving
    Versailles at 10:48 « overtime » while the client is still there."""
    inputs = _inputs(
        MONDAY,
        MONDAY,
        [
            _booking(1, VERSAILLES, _at(MONDAY, 10), 60),
            _booking(2, PARIS_CLIENT, _at(MONDAY, 11, 10), 50),
        ],
    )
    today = plan_today.from_now(inputs, now=_at(MONDAY, 10, 20), zone=PARIS)
    assert (today.depart_s, today.not_before_s) == (11 * H, 11 * H)
    problem = _today(inputs, _at(MONDAY, 10, 20))
    assert problem.durations_s[problem.first_place][problem.appointments[0].place] > 10 * M
    with pytest.raises(OutOfReach):
        plan(problem, budget=Budget(patience=200, time_limit_s=2.0), explain=False)


@pytest.mark.parametrize(
    "end, hour, minute, over",
    [
        (dt.time(16, 30), 16, 45, True),  # was planned today at 16:45 (before 17:00): refused
        (dt.time(16, 30), 16, 24, False),
        (dt.time(16, 30), 16, 25, True),  # leaving at 16:30: nothing left of the day
        (dt.time(19, 0), 17, 30, False),  # was moved to tomorrow at 17:30 (after 17:00)
    ],
)
def test_the_day_is_over_by_the_reps_own_return(
    end: dt.time, hour: int, minute: int, over: bool
) -> None:
    """One rule for « Itinéraire »'s day and the service's refusal: the rep's working day is
    over when today's earliest departure (now + 5 min) is at or after their return."""
    rep, now = _rep(end), _at(MONDAY, hour, minute)
    assert build.day_over(rep, plan_today.earliest_s(now, PARIS)) is over
    inputs = _inputs(MONDAY, MONDAY, [], rep)
    if over:
        with pytest.raises(InvalidInput, match="est finie"):
            _today(inputs, now)
    else:
        assert _today(inputs, now).days[0].depart_s == plan_today.earliest_s(now, PARIS)
