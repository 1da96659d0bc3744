"""The cost report's savings are money saved, not hoped for (QA 17: Sophie's 16–18/12 trip,
only proposed and still to come, showed « 1 147,14 € économisés par le planificateur »).

A planned trip's saving (its overnight decision over the alternative it turned down) is
realised once its days are over and the rep's check-ins drew the same trip; before that it is
an expected gain, shown apart; a plan the rep did not follow saved nothing."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import Settings
from fieldcrm.costs.report import report_dict
from fieldcrm.services import costs

CLAIRE = Actor(1, Role.MANAGER, team=frozenset({4, 5, 6}))
PARIS = ZoneInfo("Europe/Paris")
SAVING = Decimal("1147.14")  # stay (-1 000,00 €) over home each evening (-2 147,14 €)


def settings() -> Settings:
    return Settings(_env_file=None)


def _sophie(db: Session) -> tuple[int, list[tuple[int, float, float]]]:
    """Sophie's id and three located accounts around Paris (far from her Antibes home)."""
    rep = db.execute(text("SELECT id FROM users WHERE full_name = 'Sophie Durand'")).scalar_one()
    accounts = db.execute(
        text("""SELECT id, ST_X(geom), ST_Y(geom) FROM accounts
                 WHERE geom IS NOT NULL AND ST_Y(geom) BETWEEN 48.7 AND 49.0
                   AND ST_X(geom) BETWEEN 2.2 AND 2.5
                 ORDER BY id LIMIT 3""")
    ).all()
    assert len(accounts) == 3
    return rep, [(a[0], a[1], a[2]) for a in accounts]


def _propose_trip(
    db: Session, rep: int, first: dt.date, places: list[tuple[int, float, float]]
) -> int:
    """A three-day trip plan, only proposed: two hotel nights, as its overnight decision says."""
    days = []
    for i, (_, lon, lat) in enumerate(places):
        day = first + dt.timedelta(days=i)
        at = dt.datetime.combine(day, dt.time(10), PARIS)
        last = i == len(places) - 1
        days.append(
            {
                "day": day.isoformat(),
                "driving_km": 450.0 if i in (0, 2) else 20.0,
                "driving_minutes": 270.0 if i in (0, 2) else 30.0,
                "stops": [
                    {
                        "lon": lon,
                        "lat": lat,
                        "start": at.isoformat(),
                        "departure": (at + dt.timedelta(hours=1)).isoformat(),
                    }
                ],
                "end": None if last else {"lon": lon, "lat": lat},
            }
        )
    overnight = {
        "recommendation": "stay",
        "stay": {"feasible": True, "km": 920.0, "net_eur": -1000.00},
        "home": {"feasible": True, "km": 2760.0, "net_eur": -2147.14},
    }
    plan = db.execute(
        text("""INSERT INTO plans (rep_id, kind, day, end_day, status, request, result)
                VALUES (:rep, 'trip', :day, :end, 'proposed', '{}', CAST(:result AS jsonb))
                RETURNING id"""),
        {
            "rep": rep,
            "day": first,
            "end": first + dt.timedelta(days=2),
            "result": json.dumps({"days": days, "overnight": overnight}),
        },
    ).scalar_one()
    return int(plan)


def _report(db: Session, start: dt.date, end: dt.date):  # type: ignore[no-untyped-def]
    return costs.travel_report(db, actor=CLAIRE, settings=settings(), start=start, end=end)


def test_a_future_proposed_trip_saves_nothing_yet(demo_db: Session) -> None:
    rep, places = _sophie(demo_db)
    today = dt.datetime.now(PARIS).date()
    first = today + dt.timedelta(days=9)
    last = first + dt.timedelta(days=2)
    before = _report(demo_db, first, last)
    _propose_trip(demo_db, rep, first, places)
    costs.derive_trips(demo_db, settings=settings(), year=first.year, rep_ids=[rep])
    if last.year != first.year:
        costs.derive_trips(demo_db, settings=settings(), year=last.year, rep_ids=[rep])
    report = _report(demo_db, first, last)
    (planned,) = [c.trip for c in report.trips if c.trip.kind == "planned"]
    assert planned.saved_eur == SAVING  # what the plan hopes to save…
    # …is not money saved: the realised figure is unchanged, the gain shows as expected
    assert report.total.planned.saved_eur == before.total.planned.saved_eur == 0
    assert report.total.planned.expected_saved_eur == SAVING
    assert report.total.planned.expected_saved_km == 1840.0
    total = report_dict(report)["total"]["planned"]
    assert (total["saved_eur"], total["expected_saved_eur"]) == (0.0, 1147.14)


def test_a_past_trip_driven_as_planned_saved_its_gain(demo_db: Session) -> None:
    rep, places = _sophie(demo_db)
    first = dt.date(2026, 11, 16)
    last = first + dt.timedelta(days=2)
    demo_db.execute(
        text("""DELETE FROM activities WHERE rep_id = :rep
                AND (occurred_at AT TIME ZONE 'Europe/Paris')::date BETWEEN :a AND :b"""),
        {"rep": rep, "a": first - dt.timedelta(days=1), "b": last + dt.timedelta(days=1)},
    )
    _propose_trip(demo_db, rep, first, places)
    costs.derive_trips(demo_db, settings=settings(), year=2026, rep_ids=[rep])
    # not driven: days over, no check-in — nothing saved, nothing expected any more
    missed = _report(demo_db, first, last).total.planned
    assert (missed.saved_eur, missed.expected_saved_eur) == (0, 0)
    for i, (account, lon, lat) in enumerate(places):  # Sophie drove it, two hotel nights
        demo_db.execute(
            text("""INSERT INTO activities (account_id, rep_id, kind, occurred_at, checkin,
                                            checkin_distance_m, report)
                    VALUES (:a, :rep, 'visit', :at,
                            ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), 0, 'RAS')"""),
            {
                "a": account,
                "rep": rep,
                "at": dt.datetime.combine(first + dt.timedelta(days=i), dt.time(10), PARIS),
                "lon": lon,
                "lat": lat,
            },
        )
    costs.derive_trips(demo_db, settings=settings(), year=2026, rep_ids=[rep])
    report = _report(demo_db, first, last)
    (actual,) = [c.trip for c in report.trips if c.trip.kind == "actual"]
    assert (actual.start_day, actual.end_day, actual.hotel_nights) == (first, last, 2)
    assert report.total.planned.saved_eur == SAVING
    assert report.total.planned.expected_saved_eur == 0


def test_the_page_says_realised_and_expected_apart(demo_db: Session) -> None:
    """The page's wording is checked in tests/pages (the figures, here, come from one rule)."""
    rep, places = _sophie(demo_db)
    today = dt.datetime.now(PARIS).date()
    first = today + dt.timedelta(days=9)
    _propose_trip(demo_db, rep, first, places)
    costs.derive_trips(demo_db, settings=settings(), year=first.year, rep_ids=[rep])
    content, _, _ = costs.export_report(
        _report(demo_db, first, first + dt.timedelta(days=2)), "csv"
    )
    head, *_ = content.decode("utf-8-sig").splitlines()
    assert "Économies réalisées (€)" in head and "Gain prévu, non réalisé (€)" in head
