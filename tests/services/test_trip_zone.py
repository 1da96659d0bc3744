"""Trip days are counted in the company's zone (``scoring_timezone``), not a zone fixed in SQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import Settings
from fieldcrm.services import costs, visits

CAMILLE = Actor(4, Role.REP)


def _quiet_day(session: Session) -> dt.date:
    """A 2026 day with no visit of Camille's from two days before to two days after (UTC)."""
    return session.execute(
        text("""SELECT d::date FROM generate_series(DATE '2026-01-05', DATE '2026-12-20',
                                                    INTERVAL '1 day') d
                 WHERE NOT EXISTS (
                       SELECT 1 FROM activities v
                        WHERE v.rep_id = 4 AND v.kind = 'visit'
                          AND v.occurred_at >= (d - INTERVAL '2 days') AT TIME ZONE 'UTC'
                          AND v.occurred_at < (d + INTERVAL '3 days') AT TIME ZONE 'UTC')
                 ORDER BY d LIMIT 1""")
    ).scalar_one()


def _covered_days(session: Session, days: tuple[dt.date, dt.date]) -> set[dt.date]:
    """Which of ``days`` Camille's actual trips cover."""
    rows = session.execute(
        text("""SELECT start_day, end_day FROM trips
                 WHERE rep_id = 4 AND kind = 'actual' AND start_day <= :last AND end_day >= :first"""),
        {"first": days[0], "last": days[1]},
    ).all()
    return {
        d
        for start, end in rows
        for d in (start + dt.timedelta(days=k) for k in range((end - start).days + 1))
        if d in days
    }


@pytest.mark.parametrize(("zone", "next_day"), [("America/Cayenne", False), ("Europe/Paris", True)])
def test_a_late_check_in_falls_on_the_day_of_the_company_zone(
    demo_db: Session, zone: str, next_day: bool
) -> None:
    """A check-in at 23:30 UTC: 20:30 the same day in Cayenne (UTC−3), past midnight in Paris;
    the trip is on the local day of ``scoring_timezone``."""
    day = _quiet_day(demo_db)
    days = (day, day + dt.timedelta(days=1))
    late = dt.datetime.combine(day, dt.time(23, 30), tzinfo=dt.UTC)
    account = demo_db.execute(
        text("""SELECT a.id FROM accounts a JOIN account_assignments s ON s.account_id = a.id
                WHERE s.owner_id = 4 AND a.geocode_status = 'matched' ORDER BY a.id LIMIT 1""")
    ).scalar_one()
    visits.record_visit(
        demo_db, actor=CAMILLE, account_id=account, client_key="zone-test-1", at=late
    )
    costs.derive_trips(
        demo_db,
        settings=Settings(_env_file=None, scoring_timezone=zone),
        year=day.year,
        rep_ids=[4],
    )
    assert _covered_days(demo_db, days) == {days[next_day]}
    assert costs.local_day(late, zone) == days[next_day]
