"""A trip's visit count is right the day after a late report, whichever year its check-in
was made in (review 17: trips derived before today kept their old visit count until derived
again, and the nightly run derived the current year only)."""

from __future__ import annotations

import datetime as dt
import json
from contextlib import nullcontext
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import Settings
from fieldcrm.geo import GeoPoint
from fieldcrm.services import background, costs, visits
from fieldcrm.store import jobs as job_store

CAMILLE = Actor(4, Role.REP)
DAY = dt.date(2025, 12, 15)
"""A Monday of last year (the machine's clock is past it: a report sent now is late)."""
PARIS = ZoneInfo("Europe/Paris")
REPORT = "Rendez-vous tenu au bureau du gérant, à Nice."


def settings() -> Settings:
    return Settings(_env_file=None)


def _queued(db: Session) -> list[dict[str, int]]:
    return list(
        db.execute(
            text("""SELECT args FROM procrastinate_jobs WHERE task_name = :t AND status = 'todo'
                    ORDER BY args->>'rep_id', args->>'year'"""),
            {"t": job_store.DERIVE_TRIPS},
        ).scalars()
    )


def _forget_queued(db: Session) -> None:
    db.execute(
        text("DELETE FROM procrastinate_jobs WHERE task_name = :t AND status = 'todo'"),
        {"t": job_store.DERIVE_TRIPS},
    )


def _run_queued(db: Session) -> None:
    """What the worker does with each queued derivation."""
    for args in _queued(db):
        costs.derive_trips(db, settings=settings(), year=args["year"], rep_ids=[args["rep_id"]])
    _forget_queued(db)


def _visits_of_the_day(db: Session) -> tuple[int, int]:
    """(visits, check-ins left out) of Camille's trip of :data:`DAY`, as the report reads them."""
    report = costs.travel_report(db, actor=CAMILLE, settings=settings(), start=DAY, end=DAY)
    (trip,) = [c.trip for c in report.trips if c.trip.kind == "actual"]
    return trip.visits, len(trip.not_counted)


def _far_check_in_last_year(db: Session) -> int:
    """Camille's :data:`DAY`: a visit, then a check-in 11 km from LAMBDA SARL without its
    report; her trips of that year derived (the worker's job run). LAMBDA's id."""
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
                ORDER BY a.id LIMIT 1"""),
        {"lam": lam},
    ).one()
    at = dt.datetime.combine(DAY, dt.time(10), PARIS)
    visits.record_visit(
        db,
        actor=CAMILLE,
        account_id=other,
        client_key="late-near",
        at=at,
        point=GeoPoint(olon, olat),
    )
    far, _ = visits.record_visit(
        db,
        actor=CAMILLE,
        account_id=lam,
        client_key="late-far",
        at=at + dt.timedelta(hours=4),
        point=GeoPoint(lon - 0.14, lat),
    )
    assert far.far_from_account and not far.counts
    _run_queued(db)
    assert _visits_of_the_day(db) == (1, 1)
    return int(lam)


def test_a_late_report_queues_the_trips_of_its_check_ins_year(demo_db: Session) -> None:
    """The report of last December's far check-in, sent today from the phone (no time of
    its own): the derivation queued is that of 2025, and the trip then counts the visit."""
    lam = _far_check_in_last_year(demo_db)
    visits.record_visit(
        demo_db, actor=CAMILLE, account_id=lam, client_key="late-far", report=REPORT
    )
    assert _queued(demo_db) == [{"rep_id": 4, "year": 2025}]
    _run_queued(demo_db)
    assert _visits_of_the_day(demo_db) == (2, 0)


def test_the_nightly_run_derives_again_a_past_year_whose_visits_changed(
    demo_db: Session,
) -> None:
    """The late report's derivation never ran (its job lost with a worker): the nightly run
    finds the 2025 trip whose visits changed and derives 2025 again, and that year only
    besides the current one."""
    assert costs.stale_years(demo_db, settings=settings()) == []  # the demo as derived
    lam = _far_check_in_last_year(demo_db)
    visits.record_visit(
        demo_db, actor=CAMILLE, account_id=lam, client_key="late-far", report=REPORT
    )
    _forget_queued(demo_db)
    assert costs.stale_years(demo_db, settings=settings()) == [(4, 2025)]

    # the worker's sessions: this test's own (a commit releases only a savepoint)
    sessions = cast(background.Sessions, lambda: nullcontext(demo_db))
    outcome = background.queue_trips(sessions, settings(), today=dt.date(2026, 12, 8))
    queued = _queued(demo_db)
    assert {"rep_id": 4, "year": 2025} in queued
    assert {(a["rep_id"], a["year"]) for a in queued} == {(4, 2025)} | {
        (rep, 2026) for rep in (4, 5, 6)
    }
    assert json.loads(outcome) == {"what": "trips_queued", "reps": 3, "past_years": 1}
    _run_queued(demo_db)
    assert _visits_of_the_day(demo_db) == (2, 0)
    assert costs.stale_years(demo_db, settings=settings()) == []


def test_a_rep_who_became_a_manager_is_not_derived_again_every_night(demo_db: Session) -> None:
    """Camille's trips of a year whose visits changed, then Camille made a manager: her trips
    are no longer derived (only reps with a home are), so they are not reported stale night
    after night either."""
    lam = _far_check_in_last_year(demo_db)
    visits.record_visit(
        demo_db, actor=CAMILLE, account_id=lam, client_key="late-far", report=REPORT
    )
    assert costs.stale_years(demo_db, settings=settings()) == [(4, 2025)]
    demo_db.execute(text("UPDATE users SET role = 'manager' WHERE id = 4"))
    assert costs.stale_years(demo_db, settings=settings()) == []
