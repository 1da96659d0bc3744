"""The cost report counts visits by the product's one rule (a far check-in is a visit only
once its report is written: ``store.visits.counted_visit``), says how many check-ins it left
out and why, and states the barème basis of the euros (QA: « Visites » and « coût par visite »
counted a check-in made 11 km from LAMBDA SARL, without report; /frais did not say which
scale, band and yearly km the 0,427 €/km came from)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import Settings
from fieldcrm.geo import GeoPoint
from fieldcrm.services import costs, roads, visits

CAMILLE = Actor(4, Role.REP)
DAY = dt.date(2026, 3, 10)
PARIS = ZoneInfo("Europe/Paris")


def settings() -> Settings:
    return Settings(_env_file=None, planner_detour_km=5, planner_max_candidates=12)


def _at(hour: int) -> dt.datetime:
    return dt.datetime.combine(DAY, dt.time(hour), tzinfo=PARIS)


def _day_with_a_far_check_in(db: Session) -> tuple[int, GeoPoint, GeoPoint, GeoPoint]:
    """Camille's 10/03: a visit at one account (10:00), then a check-in in Nice 11 km from
    LAMBDA SARL (14:00), without report; her trips of 2026 derived (the worker's job).
    (LAMBDA's id, the other account's place, the Nice point, Camille's home)."""
    db.execute(
        text("""DELETE FROM activities WHERE rep_id = 4
                AND (occurred_at AT TIME ZONE 'Europe/Paris')::date = :day"""),
        {"day": DAY},
    )
    lam, lon, lat = db.execute(
        text("SELECT id, ST_X(geom), ST_Y(geom) FROM accounts WHERE name = 'LAMBDA SARL'")
    ).one()
    other, olon, olat = db.execute(
        text("""SELECT a.id, ST_X(a.geom), ST_Y(a.geom) FROM accounts a
                JOIN account_assignments s ON s.account_id = a.id AND s.owner_id = 4
                WHERE a.geom IS NOT NULL AND a.id <> :lam
                  AND a.geocode_status IN ('matched', 'manual')
                ORDER BY a.geom <-> (SELECT geom FROM accounts WHERE id = :lam), a.id
                LIMIT 1"""),
        {"lam": lam},
    ).one()
    home = db.execute(text("SELECT ST_X(home), ST_Y(home) FROM users WHERE id = 4")).one()
    near = GeoPoint(olon, olat)
    nice = GeoPoint(lon - 0.14, lat)  # about 11 km west, as the QA's phone in Nice
    visits.record_visit(
        db, actor=CAMILLE, account_id=other, client_key="frais-near", at=_at(10), point=near
    )
    far, _ = visits.record_visit(
        db, actor=CAMILLE, account_id=lam, client_key="frais-far", at=_at(14), point=nice
    )
    assert far.far_from_account and not far.counts
    costs.derive_trips(db, settings=settings(), year=2026, rep_ids=[4])
    return lam, near, nice, GeoPoint(*home)


def _day_report(db: Session):  # type: ignore[no-untyped-def]
    return costs.travel_report(db, actor=CAMILLE, settings=settings(), start=DAY, end=DAY)


def test_a_far_check_in_without_report_is_no_visit_of_the_report_until_its_report(
    demo_db: Session,
) -> None:
    lam, near, nice, home = _day_with_a_far_check_in(demo_db)
    report = _day_report(demo_db)
    (cost,) = [c for c in report.trips if c.trip.kind == "actual"]
    trip = cost.trip
    assert trip.visits == 1 and report.total.actual.visits == 1
    assert report.total.actual.not_counted == 1
    assert [(n.day, n.account_id) for n in trip.not_counted] == [(DAY, lam)]
    assert 10_000 < (trip.not_counted[0].distance_m or 0) < 12_500
    assert report.total.actual.cost_per_visit_eur == cost.total_eur  # per one visit, not two
    # the km still come from where Camille was: home → the visit → Nice → home
    legs = costs.legs_with(roads.road_provider(settings()))
    driven = sum(m for _, m in legs([home, near, nice, home])) / 1000
    assert trip.km == pytest.approx(driven, abs=0.01) and trip.km > 0

    # the report is written: the check-in is a visit now, the km do not move
    visits.record_visit(
        demo_db,
        actor=CAMILLE,
        account_id=lam,
        client_key="frais-far",
        report="Rendez-vous tenu au bureau du gérant, à Nice.",
    )
    costs.derive_trips(demo_db, settings=settings(), year=2026, rep_ids=[4])
    after = _day_report(demo_db)
    (reported,) = [c.trip for c in after.trips if c.trip.kind == "actual"]
    assert (reported.visits, reported.not_counted, after.total.actual.not_counted) == (2, (), 0)
    assert reported.km == trip.km
    assert reported.visiting_s > trip.visiting_s
