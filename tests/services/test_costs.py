"""Travel-cost reports on the demo company: trips from check-ins and plans, costed at the scale."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import Settings
from fieldcrm.costs.report import half_up
from fieldcrm.costs.scale import annual_allowance, load_scale
from fieldcrm.errors import Forbidden, InvalidInput
from fieldcrm.services import costs, planning
from fieldcrm.store import jobs as job_store
from fieldcrm.store.visits import counted_visit

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
CLAIRE = Actor(1, Role.MANAGER, team=frozenset({4, 5, 6}))


def settings() -> Settings:
    return Settings(_env_file=None, planner_detour_km=5, planner_max_candidates=12)


def test_month_report_of_the_team(demo_db: Session) -> None:
    report = costs.travel_report(
        demo_db, actor=CLAIRE, settings=settings(), start=MARCH[0], end=MARCH[1]
    )
    assert [r.label for r in report.rows] == ["Camille Martin", "Julien Bernard", "Sophie Durand"]
    # A trip belongs to the period it starts in: a year with no trip across its ends holds
    # every visit of that year.
    year = costs.travel_report(
        demo_db,
        actor=CLAIRE,
        settings=settings(),
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
    )
    visits = demo_db.execute(  # the visits that count (a far check-in: with its report)
        text(f"""SELECT count(*) FROM activities v WHERE {counted_visit("v")}
                AND rep_id IN (4, 5, 6)
                AND extract(year FROM occurred_at AT TIME ZONE 'Europe/Paris') = 2025"""),
    ).scalar_one()
    assert year.total.actual.visits == visits > 0
    assert 0 < report.total.actual.visits < visits
    # Totals are the sum of the trips.
    actual = [c for c in report.trips if c.trip.kind == "actual"]
    assert report.total.actual.total_eur == sum(c.total_eur for c in actual)
    # each trip's km as the trips' table writes them (to the tenth)
    assert report.total.actual.km == pytest.approx(
        float(sum(half_up(c.trip.km, 1) for c in actual))
    )
    # Sophie travels France-wide from Antibes: hotel nights on her trips to Paris.
    sophie = report.rows[2].actual
    assert sophie.hotel_nights > 0 and sophie.hotel_eur == sophie.hotel_nights * Decimal("95")
    # Camille stays on the Riviera: no hotel, many visits per km.
    assert report.rows[0].actual.hotel_nights == 0


def test_mileage_is_the_scale_at_the_yearly_distance(demo_db: Session) -> None:
    demo_db.execute(text("UPDATE users SET fiscal_hp = 5, annual_km_estimate = 12000 WHERE id = 4"))
    report = costs.travel_report(
        demo_db, actor=Actor(4, Role.REP), settings=settings(), start=MARCH[0], end=MARCH[1]
    )
    (row,) = report.rows
    rate = annual_allowance(load_scale(2025), 12_000, fiscal_hp=5) / 12_000
    assert rate == Decimal("0.47325")  # (12 000 × 0.357 + 1 395) / 12 000
    for c in report.trips:
        assert c.rate_per_km == Decimal("0.4733")
    assert row.actual.mileage_eur == sum(c.mileage_eur for c in report.trips)


def test_year_report_holds_the_month_and_the_yearly_rate_covers_the_year(demo_db: Session) -> None:
    s = settings()
    month = costs.travel_report(demo_db, actor=CLAIRE, settings=s, start=MARCH[0], end=MARCH[1])
    year = costs.travel_report(
        demo_db,
        actor=CLAIRE,
        settings=s,
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 12, 31),
        group_by="month",
    )
    march = next(r for r in year.rows if r.key == "2026-03")
    assert march.actual.total_eur == month.total.actual.total_eur
    assert sum(r.actual.trips for r in year.rows) == year.total.actual.trips


def test_planned_trip_and_the_savings_of_an_accepted_proposal(demo_db: Session) -> None:
    tuesday = dt.date(2026, 4, 21)
    camille = Actor(4, Role.REP)
    plan = planning.plan_day(
        demo_db, actor=camille, rep_id=4, day=tuesday, time_limit_s=1, settings=settings()
    )
    proposal = plan.proposals[0]
    planning.decide_proposal(demo_db, actor=camille, proposal_id=proposal.id, accept=True)
    queued = (
        demo_db.execute(
            text("SELECT args FROM procrastinate_jobs WHERE task_name = :t AND status = 'todo'"),
            {"t": job_store.DERIVE_TRIPS},
        )
        .scalars()
        .all()
    )
    assert queued == [{"rep_id": 4, "year": 2026}]  # one waiting job for the plan and decision
    costs.derive_trips(demo_db, settings=settings(), year=2026, rep_ids=[4])  # the worker's job
    report = costs.travel_report(
        demo_db, actor=camille, settings=settings(), start=tuesday, end=tuesday
    )
    (planned,) = [c for c in report.trips if c.trip.kind == "planned"]
    doc = planning.plan_json(plan)["result"]
    assert planned.trip.km == pytest.approx(doc["days"][0]["driving_km"], abs=0.01)
    assert planned.trip.visits == len(doc["days"][0]["stops"])
    assert planned.trip.saved_km > 0  # a dedicated round trip to that account avoided
    # the day is over and Camille checked in nowhere: the plan was not followed, nothing saved
    assert (report.total.planned.saved_eur, report.total.planned.expected_saved_eur) == (0, 0)
    account = demo_db.execute(
        text("SELECT account_id FROM plan_proposals WHERE id = :p"), {"p": proposal.id}
    ).scalar_one()
    demo_db.execute(  # she drove that day, home in the evening, as planned: the saving is made
        text("""INSERT INTO activities (account_id, rep_id, kind, occurred_at, report)
                VALUES (:a, 4, 'visit', :at, 'RAS')"""),
        {"a": account, "at": dt.datetime(2026, 4, 21, 8, 30, tzinfo=dt.UTC)},
    )
    costs.derive_trips(demo_db, settings=settings(), year=2026, rep_ids=[4])
    report = costs.travel_report(
        demo_db, actor=camille, settings=settings(), start=tuesday, end=tuesday
    )
    (planned,) = [c for c in report.trips if c.trip.kind == "planned"]
    assert report.total.planned.saved_eur == planned.trip.saved_eur > 0


def test_empty_month_and_rights(demo_db: Session) -> None:
    empty = costs.travel_report(
        demo_db,
        actor=CLAIRE,
        settings=settings(),
        start=dt.date(2030, 1, 1),
        end=dt.date(2030, 1, 31),
    )
    assert empty.empty and empty.rows == () and empty.total.actual.total_eur == 0
    with pytest.raises(Forbidden):
        costs.travel_report(
            demo_db,
            actor=Actor(4, Role.REP),
            settings=settings(),
            start=MARCH[0],
            end=MARCH[1],
            rep_id=5,
        )
    with pytest.raises(InvalidInput) as err:
        costs.travel_report(
            demo_db,
            actor=Actor(3, Role.ADMIN),
            settings=settings(),
            start=MARCH[0],
            end=MARCH[1],
            rep_id=2,
        )  # a dispatcher, not a rep
    assert err.value.field == "rep"


def test_tolls_survive_a_refresh(demo_db: Session) -> None:
    s = settings()
    report = costs.travel_report(demo_db, actor=CLAIRE, settings=s, start=MARCH[0], end=MARCH[1])
    trip = report.trips[0].trip
    assert trip.trip_id is not None
    costs.set_tolls(demo_db, actor=CLAIRE, trip_id=trip.trip_id, tolls_eur=Decimal("23.40"))
    again = costs.travel_report(demo_db, actor=CLAIRE, settings=s, start=MARCH[0], end=MARCH[1])
    assert again.total.actual.tolls_eur - report.total.actual.tolls_eur == Decimal("23.40")
    with pytest.raises(InvalidInput):
        costs.set_tolls(demo_db, actor=CLAIRE, trip_id=trip.trip_id, tolls_eur=Decimal("-1"))
