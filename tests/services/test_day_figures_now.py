"""A planned day's departure, return, km and lunch as it is booked now
(:func:`fieldcrm.services.plan_slots.figures_now`): an unchanged day has its plan's figures;
once visits are booked off their planned minute (one across the planned lunch, the last one
as late as its slot allows) the return is never before the last booking ends and lunch
never overlaps a booking; a booking beyond the working day is timed as booked; a day whose
bookings cannot follow one another has none (Camille's demo Tuesday, on the odd-second
roads of the booking tests)."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.services import plan_slots
from fieldcrm.store import plans
from fieldcrm.store.plans import PARIS, PlanRow, ProposalRow
from tests.services.test_day_booking import TUESDAY, OddSeconds, _day_plan, _settings
from tests.services.test_slots_after_booking import _decide

MINUTE = dt.timedelta(minutes=1)


def _figures(db: Session, plan_id: int) -> plan_slots.DayFigures | None:
    return plan_slots.figures_now(
        db, plans.get_plan(db, plan_id), TUESDAY, settings=_settings(), travel=OddSeconds()
    )


def _slot(db: Session, plan_id: int, p: ProposalRow) -> plan_slots.Bookable:
    return plan_slots.current_slots(
        db, plans.get_plan(db, plan_id), settings=_settings(), travel=OddSeconds()
    ).bookable[p.id]


def _route(plan: PlanRow) -> list[ProposalRow]:
    """The plan's proposals in route order."""
    by_account = {p.account_id: p for p in plan.proposals}
    stops = plan.result["days"][0]["stops"]
    return [by_account[s["account_id"]] for s in stops if s["kind"] == "candidate"]


def _day_bookings(db: Session) -> list[tuple[dt.datetime, dt.datetime]]:
    rows = db.execute(
        text(
            """SELECT starts_at, ends_at FROM appointments
               WHERE rep_id = 4 AND status <> 'cancelled'
                 AND (starts_at AT TIME ZONE 'Europe/Paris')::date = :d ORDER BY starts_at"""
        ),
        {"d": TUESDAY},
    ).all()
    return [(r.starts_at, r.ends_at) for r in rows]


def test_an_unchanged_day_has_its_plans_figures(demo_db: Session) -> None:
    plan = _day_plan(demo_db)
    stored = plan.result["days"][0]
    found = _figures(demo_db, plan.id)
    assert found is not None
    got = found.as_json()
    for key in ("departure", "return", "lunch", "driving_km", "driving_minutes"):
        assert got[key] == stored[key], key
    for key in ("waiting_minutes", "reserve_minutes"):
        assert abs(got[key] - stored[key]) <= 0.1, key
    assert not found.lunch_skipped and not found.overtime


def test_after_bookings_the_return_and_lunch_are_those_of_the_day_booked(
    demo_db: Session,
) -> None:
    plan = _day_plan(demo_db)
    stored = plan.result["days"][0]
    lunch = dt.datetime.fromisoformat(stored["lunch"])
    lunch_end = lunch + dt.timedelta(hours=1)
    planned_return = dt.datetime.fromisoformat(stored["return"])
    # a visit booked across the planned lunch (as « Hôtel Carnot à 12:00 »)
    across = None
    for p in _route(plan):
        slot = _slot(demo_db, plan.id, p)
        at = min(max(lunch, slot.first), slot.last)
        if at < lunch_end and at + p.visit_minutes * MINUTE > lunch:
            across = (p, at)
            break
    assert across is not None, "the demo Tuesday has a slot across its lunch"
    _decide(demo_db, across[0], across[1])
    # the last visit of the route booked as late as its slot of now allows
    last = _route(plan)[-1]
    assert last.id != across[0].id
    latest = _slot(demo_db, plan.id, last).last
    _decide(demo_db, last, latest)
    ends = latest + last.visit_minutes * MINUTE
    assert ends > planned_return, "the plan's return is before the last booking ends"
    assert across[1] < lunch_end and across[1] + across[0].visit_minutes * MINUTE > lunch

    found = _figures(demo_db, plan.id)
    assert found is not None
    booked = _day_bookings(demo_db)
    assert found.return_at >= max(end for _, end in booked) == ends
    assert found.departure <= min(start for start, _ in booked)
    assert found.lunch is not None and not found.lunch_skipped and not found.overtime
    eats = (found.lunch, found.lunch + dt.timedelta(hours=1))
    for start, end in booked:
        assert eats[1] <= start or end <= eats[0], (eats, start, end)
    # the day still takes the same roads: the km are the plan's
    assert round(found.driving_km, 2) == stored["driving_km"]
    assert found.as_json()["return"] == found.return_at.astimezone(PARIS).isoformat()


def _insert(db: Session, title: str, start: str, end: str) -> None:
    """An appointment of Camille's on Tuesday with no place, ``start``–``end`` (``HH:MM``)."""
    db.execute(
        text(
            """INSERT INTO appointments (rep_id, title, starts_at, ends_at, status)
               VALUES (4, :t, CAST(:start AS timestamptz), CAST(:end AS timestamptz),
                       'confirmed')"""
        ),
        {
            "t": title,
            "start": f"{TUESDAY} {start} Europe/Paris",
            "end": f"{TUESDAY} {end} Europe/Paris",
        },
    )


def test_a_booking_beyond_the_working_day_is_timed_as_booked(demo_db: Session) -> None:
    plan = _day_plan(demo_db)
    _insert(demo_db, "Soirée", "20:00", "20:30")
    found = _figures(demo_db, plan.id)
    assert found is not None and found.overtime
    assert found.return_at >= dt.datetime(2026, 4, 21, 20, 30, tzinfo=PARIS)
    assert found.as_json()["overtime"] is True


def test_a_day_whose_bookings_cannot_follow_one_another_has_no_figures(
    demo_db: Session,
) -> None:
    plan = _day_plan(demo_db)
    _insert(demo_db, "Pendant LAMBDA", "10:30", "10:45")  # during the 10:00-11:00 at LAMBDA
    assert _figures(demo_db, plan.id) is None


def test_a_plan_stored_without_its_timing_has_no_figures(demo_db: Session) -> None:
    plan = _day_plan(demo_db)
    days = [d | {"timing": None} for d in plan.result["days"]]
    demo_db.execute(
        text(
            "UPDATE plans SET result = result || jsonb_build_object('days', CAST(:d AS jsonb))"
            " WHERE id = :p"
        ),
        {"d": json.dumps(days), "p": plan.id},
    )
    assert _figures(demo_db, plan.id) is None
