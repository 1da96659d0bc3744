"""A fixed appointment of a stored day plan moved to another day since holds no time of its
old day: its neighbours' slots are exactly those of the day with it cancelled (the same
path), every minute they show passes the booking check, a minute gained is booked; the plan's « moved away » says where it went, and where an accepted visit went
(Camille's Tuesday in the demo company, odd-second roads)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from fieldcrm.services import appointment_moves, appointments
from fieldcrm.store import plans
from fieldcrm.store.plans import PARIS, PlanRow
from tests.services.test_day_booking import (
    CAMILLE,
    TUESDAY,
    OddSeconds,
    _day_plan,
    _settings,
    check_every_minute,
)
from tests.services.test_slots_after_booking import _booked_at, _current, _decide

WEDNESDAY = TUESDAY + dt.timedelta(days=1)


def _lambda(plan: PlanRow) -> int:
    """The id of the plan's fixed appointment at LAMBDA SARL (Tuesday 10:00)."""
    (found,) = [
        int(s["appointment_id"])
        for s in plan.result["days"][0]["stops"]
        if s["kind"] == "appointment" and "LAMBDA" in s["name"]
    ]
    return found


def _move(db: Session, appointment_id: int, day: dt.date, at: dt.time) -> None:
    appointments.move_appointment(
        db,
        actor=CAMILLE,
        appointment_id=appointment_id,
        changes=appointments.Changes(day=day, time=at),
        settings=_settings(),
        travel=OddSeconds(),
    )


def _slots(db: Session, plan_id: int) -> dict[int, tuple[dt.datetime, dt.datetime]]:
    now = _current(db, plan_id)
    assert now.unfit == {} and now.booked == {}
    return {i: (b.first, b.last) for i, b in now.bookable.items()}


def test_a_fixed_appointment_moved_to_another_day_gives_its_time_back_as_a_cancellation(
    demo_db: Session,
) -> None:
    plan = _day_plan(demo_db)
    fixed = _lambda(plan)
    before = _slots(demo_db, plan.id)
    assert appointment_moves.moved_away(
        demo_db, actor=CAMILLE, plan=plan, settings=_settings()
    ) == appointment_moves.MovedAway({}, {})

    _move(demo_db, fixed, WEDNESDAY, dt.time(7, 0))
    moved = _slots(demo_db, plan.id)
    away = appointment_moves.moved_away(demo_db, actor=CAMILLE, plan=plan, settings=_settings())
    assert set(away.fixed) == {fixed} and away.visits == {}
    assert away.fixed[fixed].starts_at == dt.datetime.combine(WEDNESDAY, dt.time(7), PARIS)
    # every proposal keeps a slot, none narrower, some wider: the 10:00 is free now
    assert set(moved) == set(before)
    for i, (first, last) in moved.items():
        assert first <= before[i][0] and before[i][1] <= last
    wider = [i for i in moved if moved[i] != before[i]]
    assert wider, "a neighbour of the 10:00 appointment gains minutes"
    # every minute shown passes the booking check (brute force)
    now = _current(demo_db, plan.id)
    for p in plan.proposals:
        assert check_every_minute(demo_db, p, now.bookable[p.id]) > 0
    i = wider[0]
    gained = moved[i][1] if moved[i][1] > before[i][1] else moved[i][0]
    assert not before[i][0] <= gained <= before[i][1]
    _move(demo_db, fixed, TUESDAY, dt.time(10, 0))  # back where the plan had it
    assert _slots(demo_db, plan.id) == before
    # cancelled instead of moved: exactly the same slots, to the minute (one path)
    appointments.cancel_appointment(demo_db, actor=CAMILLE, appointment_id=fixed)
    assert _slots(demo_db, plan.id) == moved
    assert appointment_moves.moved_away(
        demo_db, actor=CAMILLE, plan=plan, settings=_settings()
    ) == appointment_moves.MovedAway({}, {})
    # a minute gained is booked
    p = next(p for p in plan.proposals if p.id == i)
    assert _booked_at(demo_db, _decide(demo_db, p, gained)) == gained


@pytest.mark.parametrize("day", [TUESDAY, WEDNESDAY])
def test_an_accepted_visit_moved_to_another_day_says_where_it_went(
    demo_db: Session, day: dt.date
) -> None:
    plan = _day_plan(demo_db)
    first = min(plan.proposals, key=lambda p: p.slot_start)
    booking = _decide(demo_db, first, None)
    _move(demo_db, booking, day, dt.time(7, 0))
    away = appointment_moves.moved_away(
        demo_db, actor=CAMILLE, plan=plans.get_plan(demo_db, plan.id), settings=_settings()
    )
    assert away.fixed == {}
    if day == TUESDAY:  # moved within its day: it still holds that day's time
        assert away.visits == {}
    else:
        assert set(away.visits) == {first.id} and away.visits[first.id].id == booking
        assert away.visits[first.id].starts_at == dt.datetime.combine(day, dt.time(7), PARIS)
