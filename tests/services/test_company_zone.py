"""The company's time zone is one setting (``scoring_timezone``), not a Paris fixed in the
planning store: the store reads the days of the zone it is given, and the planning services
give it the setting's. With another zone, an appointment late in the Paris evening falls on
the next day, and a wall-clock booking time is that zone's."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import Settings
from fieldcrm.errors import Conflict
from fieldcrm.services import planning
from fieldcrm.services.planning_inputs import gather
from fieldcrm.store import plans
from fieldcrm.store.plans import NewProposal

TUESDAY = dt.date(2026, 4, 21)
WEDNESDAY = TUESDAY + dt.timedelta(days=1)
PARIS = ZoneInfo("Europe/Paris")
CAMILLE = Actor(4, Role.REP)


def _late_appointment(db: Session) -> int:
    """Camille's appointment at 23:30 on Tuesday in Paris: 06:30 on Wednesday in Tokyo."""
    starts = dt.datetime.combine(TUESDAY, dt.time(23, 30), tzinfo=PARIS)
    return db.execute(
        text(
            """INSERT INTO appointments (rep_id, title, starts_at, ends_at, status, geom)
               VALUES (4, 'Dîner tardif', :s, :e, 'confirmed',
                       ST_SetSRID(ST_MakePoint(7.27, 43.70), 4326))
               RETURNING id"""
        ),
        {"s": starts, "e": starts + dt.timedelta(minutes=30)},
    ).scalar_one()


def _ids(db: Session, day: dt.date, tz: str) -> set[int]:
    return {a.id for a in plans.appointments(db, rep_id=4, first_day=day, last_day=day, tz=tz)}


def test_the_store_reads_the_days_of_the_zone_it_is_given(demo_db: Session) -> None:
    late = _late_appointment(demo_db)
    assert late in _ids(demo_db, TUESDAY, "Europe/Paris")
    assert late not in _ids(demo_db, WEDNESDAY, "Europe/Paris")
    assert late not in _ids(demo_db, TUESDAY, "Asia/Tokyo")
    assert late in _ids(demo_db, WEDNESDAY, "Asia/Tokyo")
    # the demo's 10:00 Tuesday appointment stays on Tuesday in both
    ten = next(iter(_ids(demo_db, TUESDAY, "Europe/Paris") - {late}))
    assert ten in _ids(demo_db, TUESDAY, "Asia/Tokyo")


def test_the_planning_inputs_are_the_days_of_the_setting(demo_db: Session) -> None:
    late = _late_appointment(demo_db)
    for tz, day, held in (
        ("Europe/Paris", TUESDAY, True),
        ("Asia/Tokyo", TUESDAY, False),
        ("Asia/Tokyo", WEDNESDAY, True),
    ):
        inputs = gather(
            demo_db,
            rep_id=4,
            first_day=day,
            last_day=day,
            detour_km=5,
            max_candidates=10,
            tz=tz,
        )
        assert (late in {a.id for a in inputs.appointments}) is held, (tz, day)


def test_the_store_takes_no_wall_clock_without_its_zone(demo_db: Session) -> None:
    plan_id = _plan_at_three(demo_db)
    proposal = plans.get_plan(demo_db, plan_id).proposals[0]
    with pytest.raises(ValueError, match="no time zone"):
        plans.decide_proposal(demo_db, proposal.id, accept=True, start=dt.datetime(2026, 4, 21, 15))


def _plan_at_three(db: Session) -> int:
    """A stored Tuesday plan proposing a visit at 15:00–15:20 Paris (14:00–14:20 London)."""
    account_id = db.execute(
        text("SELECT account_id FROM account_assignments WHERE owner_id = 4 ORDER BY 1 LIMIT 1")
    ).scalar_one()
    start = dt.datetime.combine(TUESDAY, dt.time(15), tzinfo=PARIS)
    return plans.save_plan(
        db,
        rep_id=4,
        kind="day",
        day=TUESDAY,
        end_day=None,
        request={},
        result={},
        created_by=4,
        proposals=[NewProposal(account_id, start, start + dt.timedelta(minutes=20), 5.0, 3.0)],
    )


@pytest.mark.parametrize(("tz", "booked"), [("Europe/London", True), ("Europe/Paris", False)])
def test_a_wall_clock_booking_time_is_the_settings_zone(
    demo_db: Session, tz: str, booked: bool
) -> None:
    """14:10 is inside the slot in London (15:10 in Paris), before it in Paris."""
    plan_id = _plan_at_three(demo_db)
    proposal = plans.get_plan(demo_db, plan_id).proposals[0]
    settings = Settings(_env_file=None, scoring_timezone=tz)
    decide = lambda: planning.decide_proposal(  # noqa: E731
        demo_db,
        actor=CAMILLE,
        proposal_id=proposal.id,
        accept=True,
        start=dt.datetime(2026, 4, 21, 14, 10),
        settings=settings,
    )
    if not booked:
        with pytest.raises(Conflict, match="hors du créneau"):
            decide()
        return
    decision = decide()
    starts = demo_db.execute(
        text("SELECT starts_at FROM appointments WHERE id = :i"), {"i": decision.appointment_id}
    ).scalar_one()
    assert starts == dt.datetime.combine(TUESDAY, dt.time(15, 10), tzinfo=PARIS)


def test_today_is_the_company_days_date() -> None:
    """At 23:30 in London on Tuesday it is already Wednesday in Paris (the setting's default)."""
    from fieldcrm.services import plan_dates

    late = dt.datetime(2026, 4, 21, 22, 30, tzinfo=dt.UTC)
    assert plan_dates.today(late) == WEDNESDAY
    assert plan_dates.today(late, zone=ZoneInfo("Europe/London")) == TUESDAY
    plan_dates.check_not_past(TUESDAY, field="day", at=late, zone=ZoneInfo("Europe/London"))
