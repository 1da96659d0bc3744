"""What "Ma journée" shows is what a rep can book: every minute of a slot, at the planned
time, and a stored plan no longer proposes an account booked since (demo company)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import numpy as np
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import Settings
from fieldcrm.errors import Conflict
from fieldcrm.geo import GeoPoint
from fieldcrm.routing.crowfly import CrowFlyTravelTimes
from fieldcrm.routing.travel import RouteLeg, TravelMatrix
from fieldcrm.services import appointments, plan_slots, planning
from fieldcrm.store import plans
from fieldcrm.store.plans import PARIS, NewProposal, ProposalRow

TUESDAY = dt.date(2026, 4, 21)  # Camille's 10:00 appointment at LAMBDA SARL
CAMILLE = Actor(4, Role.REP)


class OddSeconds:
    """Crow-fly times in whole seconds plus 0.4 s: the planner counts each drive 0.4 s short."""

    name = "odd"

    def __init__(self) -> None:
        self.crow = CrowFlyTravelTimes()

    def matrix(self, points: Sequence[GeoPoint]) -> TravelMatrix:
        m = self.crow.matrix(points)
        seconds = np.floor(m.seconds) + 0.4
        for i in range(len(points)):
            seconds[i][i] = 0.0
        return TravelMatrix(seconds, m.metres, m.snap_m)

    def route(self, stops: Sequence[GeoPoint]) -> RouteLeg:
        return self.crow.route(stops)


def _settings() -> Settings:
    return Settings(_env_file=None, planner_detour_km=5, planner_max_candidates=12)


def _day_plan(db: Session) -> plans.PlanRow:
    return planning.plan_day(
        db,
        actor=CAMILLE,
        rep_id=4,
        day=TUESDAY,
        time_limit_s=1,
        settings=_settings(),
        travel=OddSeconds(),
    )


def test_every_minute_of_every_slot_passes_the_booking_check(demo_db: Session) -> None:
    plan = _day_plan(demo_db)
    slots = plan_slots.bookable_slots(plan)
    assert slots and len(slots) == len(plan.proposals)
    checked = 0
    for p in plan.proposals:
        slot = slots[p.id]
        assert slot.first.second == 0 and slot.last.second == 0
        assert p.slot_start <= slot.first <= slot.at <= slot.last <= p.slot_end
        checked += check_every_minute(demo_db, p, slot)
    assert checked > len(plan.proposals)


def check_every_minute(db: Session, p: ProposalRow, slot: plan_slots.Bookable) -> int:
    """Pass every whole minute of ``slot`` through the booking check (it raises ``Conflict``
    on a refusal) as Camille's booking of ``p``; the number of minutes checked."""
    account = plans.located_account(db, p.account_id)
    assert account is not None
    minute, checked = slot.first, 0
    while minute <= slot.last:
        appointments.check_booking(
            db,
            rep_id=4,
            title=p.account_name,
            starts_at=minute,
            ends_at=minute + dt.timedelta(minutes=p.visit_minutes),
            place=GeoPoint(account.lon, account.lat),
            settings=_settings(),
            travel=OddSeconds(),
        )
        minute += dt.timedelta(minutes=1)
        checked += 1
    return checked


def test_accepting_books_the_planned_start_to_the_minute(demo_db: Session) -> None:
    plan = _day_plan(demo_db)
    planned = plan_slots.planned_starts(plan)
    (first, *_) = sorted(plan.proposals, key=lambda p: p.slot_start)
    start = planned[first.id]
    decision = planning.decide_proposal(
        demo_db,
        actor=CAMILLE,
        proposal_id=first.id,
        accept=True,
        settings=_settings(),
        travel=OddSeconds(),
    )
    booked = demo_db.execute(
        text("SELECT starts_at, ends_at FROM appointments WHERE id = :i"),
        {"i": decision.appointment_id},
    ).one()
    minute = dt.datetime.fromtimestamp(math.ceil(start.timestamp() / 60) * 60, PARIS)
    expected = min(max(minute, plan_slots.bookable_slots(plan)[first.id].first), first.slot_end)
    assert booked.starts_at == expected
    assert booked.ends_at - booked.starts_at == dt.timedelta(minutes=first.visit_minutes)


def _stored(db: Session, day: dt.date, hour: int, account_id: int) -> int:
    start = dt.datetime.combine(day, dt.time(hour), tzinfo=PARIS)
    return plans.save_plan(
        db,
        rep_id=4,
        kind="day",
        day=day,
        end_day=None,
        request={},
        result={},
        created_by=4,
        proposals=[
            NewProposal(
                account_id,
                start + dt.timedelta(seconds=20),
                start + dt.timedelta(minutes=30),
                4.5,
                3.0,
            )
        ],
    )


def _account(db: Session) -> int:
    return int(
        db.execute(
            text(
                "SELECT s.account_id FROM account_assignments s JOIN accounts a"
                " ON a.id = s.account_id WHERE s.owner_id = 4 AND a.geom IS NOT NULL"
                " AND NOT EXISTS (SELECT 1 FROM appointments p WHERE p.account_id = s.account_id)"
                " ORDER BY 1 LIMIT 1"
            )
        ).scalar_one()
    )


def test_a_chosen_minute_outside_the_slot_is_refused_in_french(demo_db: Session) -> None:
    account = _account(demo_db)
    plan = plans.get_plan(demo_db, _stored(demo_db, TUESDAY, 15, account))
    (p,) = plan.proposals
    slot = plan_slots.bookable(p)
    assert slot is not None
    assert (slot.first.hour, slot.first.minute) == (15, 1), "15:00:20 rounds up to 15:01"
    with pytest.raises(Conflict, match="entre 15:01 et 15:30"):
        planning.decide_proposal(
            demo_db,
            actor=CAMILLE,
            proposal_id=p.id,
            accept=True,
            start=dt.datetime(2026, 4, 21, 15, 0),
        )
    assert plans.get_proposal(demo_db, p.id).status == "proposed"


def test_a_stored_plan_no_longer_proposes_an_account_booked_since(demo_db: Session) -> None:
    """The planner's own rule: an appointment made since the plan, at most
    ``planner_booked_days`` from the proposal's day, makes the proposal stale; one the
    planner already knew of, or farther away, does not."""
    account = _account(demo_db)
    days = _settings().planner_booked_days
    later = TUESDAY + dt.timedelta(days=2)
    far = TUESDAY + dt.timedelta(days=days + 1)
    near_plan = plans.get_plan(demo_db, _stored(demo_db, later, 15, account))
    far_plan = plans.get_plan(demo_db, _stored(demo_db, far, 15, account))
    assert plan_slots.booked_elsewhere(demo_db, near_plan) == {}
    today = plans.get_plan(demo_db, _stored(demo_db, TUESDAY, 16, account))
    decision = planning.decide_proposal(
        demo_db,
        actor=CAMILLE,
        proposal_id=today.proposals[0].id,
        accept=True,
        settings=_settings(),
    )
    # the accepted proposal's own appointment does not make its plan stale
    assert plan_slots.booked_elsewhere(demo_db, today) == {}
    stale = plan_slots.booked_elsewhere(demo_db, near_plan)
    assert list(stale) == [near_plan.proposals[0].id]
    assert stale[near_plan.proposals[0].id].appointment_id == decision.appointment_id
    # more than planner_booked_days away, the planner would propose it again: still proposed
    assert plan_slots.booked_elsewhere(demo_db, far_plan) == {}
    # an appointment made and last changed before the plan (the planner knew of it as it
    # is) does not make it stale
    demo_db.execute(
        text(
            "UPDATE appointments SET created_at = created_at - interval '1 day',"
            " updated_at = updated_at - interval '1 day' WHERE id = :id"
        ),
        {"id": decision.appointment_id},
    )
    assert plan_slots.booked_elsewhere(demo_db, near_plan) == {}
    # moved since the plan, it does again (a move is a booking made since)
    appointments.move_appointment(
        demo_db,
        actor=CAMILLE,
        appointment_id=decision.appointment_id or 0,
        changes=appointments.Changes(time=dt.time(16, 30)),
        settings=_settings(),
        travel=OddSeconds(),
    )
    assert list(plan_slots.booked_elsewhere(demo_db, near_plan)) == [near_plan.proposals[0].id]


def test_the_booking_check_counts_driving_seconds_as_the_planner(demo_db: Session) -> None:
    """An arrival exactly at the planner's earliest start (its drive in whole seconds) is
    accepted, although the provider's drive is 0.4 s longer; a second earlier is refused."""
    before = demo_db.execute(
        text(
            "SELECT ends_at, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM appointments"
            " WHERE rep_id = 4 AND starts_at::date = :d AND status <> 'cancelled'"
            " ORDER BY starts_at LIMIT 1"
        ),
        {"d": TUESDAY},
    ).one()
    there = GeoPoint(before.lon + 0.03, before.lat)
    odd = OddSeconds()
    drive = odd.matrix([GeoPoint(before.lon, before.lat), there]).seconds[0][1]
    assert drive % 1 == pytest.approx(0.4)
    earliest = before.ends_at + dt.timedelta(seconds=round(drive))

    def book(at: dt.datetime) -> None:
        appointments.check_booking(
            demo_db,
            rep_id=4,
            title="Visite",
            starts_at=at,
            ends_at=at + dt.timedelta(minutes=20),
            place=there,
            settings=_settings(),
            travel=odd,
        )

    book(earliest)
    with pytest.raises(Conflict, match="Impossible d’arriver"):
        book(earliest - dt.timedelta(seconds=1))
