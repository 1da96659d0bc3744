"""« Planifier » on « Ma journée » for a day whose booking brings the rep home a little after
her working hours (Camille, 08:00–18:30, home near Nice): the day is planned from home,
stretched to the booking by at most ``FIELDCRM_PLANNER_OVERTIME_MINUTES`` (the planner's
:mod:`fieldcrm.routing.overtime`), not queued as a trip with a hotel night next to her own
home; the « Hors de vos horaires » figures say the plan's return. Beyond the tolerance, the
trip instead, as before."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.services import plan_slots, planning, trip_instead
from fieldcrm.services.planning_build import drive_seconds, travel_matrix
from fieldcrm.services.planning_inputs import gather
from fieldcrm.store import plans
from fieldcrm.store.plans import PARIS
from tests.services.test_day_booking import CAMILLE, TUESDAY, OddSeconds, _settings

H, M = 3600, 60
RETURN = 18 * H + 30 * M
"""Camille's latest return."""


def _jobs(db: Session) -> int:
    return int(db.execute(text("SELECT count(*) FROM jobs")).scalar_one())


NICE = (7.2619, 43.7031)
"""A booking in Nice: Camille's home in Beausoleil is about a quarter of an hour away."""
MARSEILLE = (5.3698, 43.2965)
"""Far enough from Camille's home near Nice that a booking there may end inside her hours
and still bring her home 90 min after them."""


def _home_after_booking(
    db: Session, late_s: int, where: tuple[float, float] | None = None
) -> tuple[int, int]:
    """Camille's Tuesday booking (moved to ``where``, lon and lat, if given) moved so that,
    timed as the planner times it (the tests' odd-second roads), she is home ``late_s`` after
    18:30, to the whole minute below: its end and her return, in seconds since midnight."""
    if where is not None:
        db.execute(
            text(
                """UPDATE appointments SET geom = ST_SetSRID(ST_MakePoint(:x, :y), 4326)
                   WHERE rep_id = 4 AND (starts_at AT TIME ZONE 'Europe/Paris')::date = :d"""
            ),
            {"x": where[0], "y": where[1], "d": TUESDAY},
        )
    inputs = gather(
        db,
        rep_id=4,
        first_day=TUESDAY,
        last_day=TUESDAY,
        detour_km=5,
        max_candidates=12,
        tz="Europe/Paris",
    )
    (booked,) = inputs.appointments
    points = [inputs.home, inputs.appointment_point(booked)]
    back = drive_seconds(travel_matrix(points, OddSeconds())[0])[1][0]
    ends = (RETURN + late_s - back) // M * M
    length = booked.ends_at - booked.starts_at
    at = dt.datetime.combine(TUESDAY, dt.time(0), tzinfo=PARIS) + dt.timedelta(seconds=ends)
    db.execute(
        text("UPDATE appointments SET starts_at = :s, ends_at = :e WHERE id = :i"),
        {"s": at - length, "e": at, "i": booked.id},
    )
    return ends, ends + back


def _plan_or_trip(db: Session) -> trip_instead.DayOrTrip:
    return trip_instead.plan_day_or_queue_trip(
        db,
        actor=CAMILLE,
        rep_id=4,
        day=TUESDAY,
        time_limit_s=1,
        settings=_settings(),
        travel=OddSeconds(),
    )


def _seconds(at: str) -> int:
    t = dt.datetime.fromisoformat(at).astimezone(PARIS)
    return t.hour * H + t.minute * M + t.second


def test_a_booking_eleven_minutes_beyond_the_day_plans_the_day(demo_db: Session) -> None:
    ends, back = _home_after_booking(demo_db, 11 * M, NICE)
    # the booking ends inside her hours (17:45–18:25 in the QA's case): only her way home
    # is late — the day alone was refused, and a trip with a hotel night near home queued
    assert ends <= RETURN and RETURN + 10 * M < back <= RETURN + 11 * M
    jobs = _jobs(demo_db)
    found = _plan_or_trip(demo_db)
    assert found.trip_job_id is None and _jobs(demo_db) == jobs
    plan = found.plan
    assert plan is not None and plan.kind == "day"
    assert plan.result.get("instead_of") is None
    (day,) = plan.result["days"]
    assert "overtime" in day["flags"] and "lunch_skipped" not in day["flags"]
    assert day["lunch"] is not None
    assert _seconds(day["return"]) == back
    # its frame as stored is her working day: the day as booked stretches it again
    assert (day["timing"]["depart_s"], day["timing"]["return_s"]) == (8 * H, RETURN)
    visits = [s for s in day["stops"] if s["kind"] == "candidate"]
    assert visits, "the day keeps its proposals"
    for s in visits:  # inside the working hours
        assert _seconds(s["start"]) >= 8 * H and _seconds(s["departure"]) <= RETURN
    booked = [s for s in day["stops"] if s["kind"] == "appointment"]
    assert [_seconds(s["departure"]) for s in booked] == [ends]
    # « Hors de vos horaires » says the plan's return
    figures = plan_slots.figures_now(
        demo_db,
        plans.get_plan(demo_db, plan.id),
        TUESDAY,
        settings=_settings(),
        travel=OddSeconds(),
    )
    assert figures is not None and figures.overtime
    shown = figures.return_at.astimezone(PARIS)
    assert shown.hour * H + shown.minute * M + shown.second == back


def test_a_booking_ninety_minutes_beyond_the_day_still_queues_the_trip(demo_db: Session) -> None:
    ends, back = _home_after_booking(demo_db, 90 * M, MARSEILLE)
    assert ends <= RETURN and RETURN + 89 * M < back <= RETURN + 90 * M
    jobs = _jobs(demo_db)
    found = _plan_or_trip(demo_db)
    assert found.plan is None and found.trip_job_id is not None
    assert _jobs(demo_db) == jobs + 1


def test_a_trip_holds_a_booking_at_half_past_six_within_the_tolerance(demo_db: Session) -> None:
    """« Tournée » with a booking 18:30–19:00 a few minutes from home (the day ends at 18:30)
    was refused as outside the working hours: it is held, the day back home after it."""
    demo_db.execute(
        text(
            """UPDATE appointments SET starts_at = :s, ends_at = :e
               WHERE rep_id = 4 AND (starts_at AT TIME ZONE 'Europe/Paris')::date = :d"""
        ),
        {
            "s": dt.datetime.combine(TUESDAY, dt.time(18, 30), tzinfo=PARIS),
            "e": dt.datetime.combine(TUESDAY, dt.time(19, 0), tzinfo=PARIS),
            "d": TUESDAY,
        },
    )
    plan = planning.plan_trip(
        demo_db,
        actor=CAMILLE,
        rep_id=4,
        start_day=TUESDAY,
        end_day=TUESDAY + dt.timedelta(days=1),
        time_limit_s=1,
        settings=_settings(),
        travel=OddSeconds(),
    )
    first = plan.result["days"][0]
    booked = [s for s in first["stops"] if s["kind"] == "appointment"]
    assert [_seconds(s["start"]) for s in booked] == [18 * H + 30 * M]
    assert 19 * H < _seconds(first["return"]) <= 19 * H + 30 * M
    assert "overtime" in first["flags"]
    for s in first["stops"]:
        if s["kind"] == "candidate":
            assert _seconds(s["departure"]) <= RETURN
