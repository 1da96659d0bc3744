"""A day before today is neither planned nor booked (QA: Camille planned 01/12/2026 and
booked 30/11 08:30 on 06/12/2026): the services refuse it naming the field, in French, and
write nothing; today still plans and books. The API: tests/api/test_past_days.py; « Ma
journée »: tests/pages/test_day_past_days.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import Settings
from fieldcrm.errors import InvalidInput
from fieldcrm.services import plan_dates, plan_slots, planning, planning_jobs
from fieldcrm.store import plans
from fieldcrm.store.plans import PARIS, NewProposal

CAMILLE = Actor(4, Role.REP)
QA_NOW = dt.datetime(2026, 12, 6, 9, 30, tzinfo=PARIS)  # Sunday 06/12/2026, Paris
TUESDAY = dt.date(2026, 4, 21)  # Camille's 10:00 appointment at LAMBDA SARL


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.datetime], None]:
    """Set the planning clock (:func:`fieldcrm.services.plan_dates.now`)."""

    def pin(at: dt.datetime) -> None:
        monkeypatch.setattr(plan_dates, "now", lambda: at)

    return pin


def _settings() -> Settings:
    return Settings(_env_file=None, planner_detour_km=5, planner_max_candidates=12)


def _count(db: Session, sql: str, **params: object) -> int:
    return int(db.execute(text(sql), params).scalar_one())


def _plans_of(db: Session, day: dt.date) -> int:
    return _count(db, "SELECT count(*) FROM plans WHERE rep_id = 4 AND day = :d", d=day)


def _stored_plan(db: Session, day: dt.date) -> int:
    """A plan of Camille's ``day`` with one proposal at 14:00 (no planner run), committed
    (the test's outer transaction still rolls it back); its id."""
    account_id = db.execute(
        text("SELECT account_id FROM account_assignments WHERE owner_id = 4 ORDER BY 1 LIMIT 1")
    ).scalar_one()
    start = dt.datetime.combine(day, dt.time(14, 0), tzinfo=PARIS)
    plan_id = plans.save_plan(
        db,
        rep_id=4,
        kind="day",
        day=day,
        end_day=None,
        request={"rep_id": 4},
        result={"score": 3.0},
        created_by=4,
        proposals=[NewProposal(account_id, start, start + dt.timedelta(minutes=30), 7.0, 4.0)],
    )
    db.commit()  # kept when a refused request rolls its session back (the test's ends it)
    return plan_id


def _appointments_of(db: Session, proposal_id: int) -> int:
    return _count(db, "SELECT count(*) FROM appointments WHERE proposal_id = :p", p=proposal_id)


def test_the_rule_reads_the_day_in_paris() -> None:
    # 23:30 UTC on 05/12 is already 06/12 in Paris: the 5th is past, the 6th is today
    late = dt.datetime(2026, 12, 5, 23, 30, tzinfo=dt.UTC)
    assert plan_dates.today(late) == dt.date(2026, 12, 6)
    plan_dates.check_not_past(dt.date(2026, 12, 6), field="day", at=late)
    with pytest.raises(InvalidInput) as err:
        plan_dates.check_not_past(dt.date(2026, 12, 5), field="day", at=late)
    assert err.value.field == "day"
    assert err.value.problems[0].message == (
        "le 05/12/2026 est passé : on ne planifie ni ne réserve un jour passé"
    )
    assert err.value.problems[0].allowed == "aujourd’hui (06/12/2026) ou un jour à venir"


def test_a_past_day_or_trip_is_refused_and_nothing_stored(
    demo_db: Session, clock: Callable[[dt.datetime], None]
) -> None:
    clock(QA_NOW)
    before = _count(demo_db, "SELECT count(*) FROM plans")
    jobs = _count(demo_db, "SELECT count(*) FROM jobs")
    with pytest.raises(InvalidInput, match="01/12/2026 est passé") as day:
        planning.plan_day(
            demo_db, actor=CAMILLE, rep_id=4, day=dt.date(2026, 12, 1), settings=_settings()
        )
    assert day.value.field == "day"
    with pytest.raises(InvalidInput) as picked:
        planning.plan_picked(
            demo_db,
            actor=CAMILLE,
            rep_id=4,
            day=dt.date(2026, 11, 30),
            account_ids=[1],
            settings=_settings(),
        )
    assert picked.value.field == "day"
    with pytest.raises(InvalidInput) as trip:  # a trip starting yesterday, ending later
        planning.plan_trip(
            demo_db,
            actor=CAMILLE,
            rep_id=4,
            start_day=dt.date(2026, 12, 5),
            end_day=dt.date(2026, 12, 8),
            settings=_settings(),
        )
    assert trip.value.field == "start_day"
    with pytest.raises(InvalidInput) as queued:
        planning_jobs.start_trip_planning(
            demo_db,
            actor=CAMILLE,
            rep_id=4,
            start_day=dt.date(2026, 12, 4),
            end_day=dt.date(2026, 12, 8),
        )
    assert queued.value.field == "start_day"
    assert _count(demo_db, "SELECT count(*) FROM plans") == before
    assert _count(demo_db, "SELECT count(*) FROM jobs") == jobs


def test_today_plans_and_books_then_the_day_past_books_nothing(
    demo_db: Session, clock: Callable[[dt.datetime], None]
) -> None:
    clock(dt.datetime.combine(TUESDAY, dt.time(7, 0), tzinfo=PARIS))  # today, early
    plan = planning.plan_day(
        demo_db, actor=CAMILLE, rep_id=4, day=TUESDAY, time_limit_s=1, settings=_settings()
    )
    open_ = [p for p in plan.proposals if p.status == "proposed"]
    assert open_, "Camille's Tuesday has visits to propose"
    today = plan_slots.current_slots(demo_db, plan, settings=_settings())
    assert set(today.bookable) == {p.id for p in open_} and not today.unfit
    # the next morning the day is past: nothing bookable, accepting is refused, nothing booked
    wednesday = dt.datetime.combine(TUESDAY + dt.timedelta(days=1), dt.time(8), tzinfo=PARIS)
    clock(wednesday)
    past = plan_slots.current_slots(demo_db, plan, settings=_settings())
    assert past.bookable == {}
    assert {k: u.sentence() for k, u in past.unfit.items()} == {
        p.id: plan_slots.PAST_DAY for p in open_
    }
    first = open_[0]
    with pytest.raises(InvalidInput, match="21/04/2026 est passé") as err:
        planning.decide_proposal(
            demo_db, actor=CAMILLE, proposal_id=first.id, accept=True, settings=_settings()
        )
    assert err.value.field == "day"
    assert _appointments_of(demo_db, first.id) == 0
    assert plans.get_proposal(demo_db, first.id).status == "proposed"


def test_accepting_a_time_on_a_past_day_is_refused(demo_db: Session) -> None:
    proposal = plans.get_plan(demo_db, _stored_plan(demo_db, TUESDAY)).proposals[0]
    tuesday_noon = dt.datetime.combine(TUESDAY, dt.time(12), tzinfo=PARIS)
    # the proposal's day is today, but the minute asked is the day before: « start » named
    with pytest.raises(InvalidInput) as err:
        planning.decide_proposal(
            demo_db,
            actor=CAMILLE,
            proposal_id=proposal.id,
            accept=True,
            start=dt.datetime.combine(TUESDAY - dt.timedelta(days=1), dt.time(14)),
            now=tuesday_noon,
        )
    assert err.value.field == "start"
    assert _appointments_of(demo_db, proposal.id) == 0
    # the same proposal, on its own day, is booked
    done = planning.decide_proposal(
        demo_db, actor=CAMILLE, proposal_id=proposal.id, accept=True, now=tuesday_noon
    )
    assert done.appointment_id is not None and _appointments_of(demo_db, proposal.id) == 1
