"""A followed trip realises the round trips its accepted fill-in visits avoided only for the
visits made (review 17: a past trip driven as planned counted as saved the round trips of
its accepted fill-in visits without checking those visits were made)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.geo import GeoPoint
from fieldcrm.services import costs, roads
from tests.services.test_costs_savings import (
    PARIS,
    SAVING,
    _propose_trip,
    _report,
    _sophie,
    settings,
)

FIRST = dt.date(2026, 11, 16)
LAST = FIRST + dt.timedelta(days=2)
DETOUR_KM = 3.0


def _check_in(db: Session, rep: int, account: int, day: dt.date, hour: int) -> None:
    """A visit that counts: checked in at the account itself, its report written."""
    db.execute(
        text("""INSERT INTO activities (account_id, rep_id, kind, occurred_at, checkin, report)
                SELECT a.id, :rep, 'visit', :at, a.geom, 'RAS' FROM accounts a WHERE a.id = :a"""),
        {"a": account, "rep": rep, "at": dt.datetime.combine(day, dt.time(hour), PARIS)},
    )


def test_a_fill_in_visit_not_made_saves_nothing(demo_db: Session) -> None:
    """Sophie's past three-day trip to Paris, driven as planned, with two accepted fill-in
    visits: both made, it saves the overnight decision and both round trips; one never
    made, it saves less by exactly that account's round trip (less its detour)."""
    rep, places = _sophie(demo_db)
    demo_db.execute(text("UPDATE users SET annual_km_estimate = 25000 WHERE id = :r"), {"r": rep})
    demo_db.execute(
        text("""DELETE FROM activities WHERE rep_id = :rep
                AND (occurred_at AT TIME ZONE 'Europe/Paris')::date BETWEEN :a AND :b"""),
        {"rep": rep, "a": FIRST - dt.timedelta(days=1), "b": LAST + dt.timedelta(days=1)},
    )
    plan = _propose_trip(demo_db, rep, FIRST, places)
    fill_a, fill_b = demo_db.execute(
        text("""SELECT id FROM accounts
                 WHERE geom IS NOT NULL AND ST_Y(geom) BETWEEN 48.7 AND 49.0
                   AND ST_X(geom) BETWEEN 2.2 AND 2.5 AND id <> ALL(:taken)
                 ORDER BY id LIMIT 2"""),
        {"taken": [p[0] for p in places]},
    ).scalars()
    for account, day in ((fill_a, FIRST + dt.timedelta(days=1)), (fill_b, LAST)):
        demo_db.execute(
            text("""INSERT INTO plan_proposals (plan_id, account_id, slot_start, slot_end,
                                                detour_minutes, detour_km, status, decided_at)
                    VALUES (:plan, :a, :start, :end, 6, :km, 'accepted', now())"""),
            {
                "plan": plan,
                "a": account,
                "start": dt.datetime.combine(day, dt.time(15), PARIS),
                "end": dt.datetime.combine(day, dt.time(15, 45), PARIS),
                "km": DETOUR_KM,
            },
        )
    for i, (account, _, _) in enumerate(places):  # the trip as planned, two hotel nights
        _check_in(demo_db, rep, account, FIRST + dt.timedelta(days=i), 10)
    _check_in(demo_db, rep, fill_a, FIRST + dt.timedelta(days=1), 15)
    _check_in(demo_db, rep, fill_b, LAST, 15)
    costs.derive_trips(demo_db, settings=settings(), year=2026, rep_ids=[rep])
    both = _report(demo_db, FIRST, LAST)
    (actual,) = [c.trip for c in both.trips if c.trip.kind == "actual"]
    assert (actual.start_day, actual.end_day, actual.hotel_nights) == (FIRST, LAST, 2)

    # Thursday's fill-in visit was never made: same trip, same shape, one visit fewer
    demo_db.execute(
        text("DELETE FROM activities WHERE rep_id = :rep AND account_id = :a"),
        {"rep": rep, "a": fill_b},
    )
    costs.derive_trips(demo_db, settings=settings(), year=2026, rep_ids=[rep])
    one = _report(demo_db, FIRST, LAST)
    (still,) = [c.trip for c in one.trips if c.trip.kind == "actual"]
    assert (still.start_day, still.end_day, still.hotel_nights) == (FIRST, LAST, 2)

    # that round trip, measured apart: home → the account → home, less its detour
    home, point = (
        GeoPoint(*demo_db.execute(text(sql), {"id": key}).one())
        for sql, key in (
            ("SELECT ST_X(home), ST_Y(home) FROM users WHERE id = :id", rep),
            ("SELECT ST_X(geom), ST_Y(geom) FROM accounts WHERE id = :id", fill_b),
        )
    )
    legs = costs.legs_with(roads.road_provider(settings()))
    round_km = round(sum(m for _, m in legs([home, point, home])) / 1000 - DETOUR_KM, 3)
    rate = costs.rep_rate(demo_db, settings=settings(), rep_id=rep, year=2026)
    round_eur = (Decimal(str(round_km)) * rate).quantize(Decimal("0.01"))
    assert round_km > 100  # Antibes to Paris and back: a round trip worth saving
    assert both.total.planned.saved_eur - one.total.planned.saved_eur == round_eur
    assert both.total.planned.saved_km - one.total.planned.saved_km == round_km
    assert one.total.planned.saved_eur > SAVING  # the overnight decision and the visit made
    assert one.total.planned.expected_saved_eur == 0  # over: not hoped for either
