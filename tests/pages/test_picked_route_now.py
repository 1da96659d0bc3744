"""A plan for today starts from now (:mod:`fieldcrm.services.plan_today`): at 10:20, with
Camille's bookings 09:00–09:30 (over) and 10:00–11:00 (under way: she is there), « Itinéraire »
and « Ma journée » → « Planifier » plan the day from that booking's place at 11:00 — never a
departure before now (the stretch of the working hours to the bookings once planned her
leaving at 09:50 for the 10:00 one), neither booking a stop of it; the day page shows no
« Hors de vos horaires » for them."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import Settings
from fieldcrm.errors import InvalidInput
from fieldcrm.services import plan_dates, planning
from fieldcrm.store import plans
from tests.web import ClientFactory

PARIS = ZoneInfo("Europe/Paris")
MONDAY = dt.date(2026, 4, 20)
TWENTY_PAST_TEN = dt.datetime(2026, 4, 20, 10, 20, tzinfo=PARIS)
CAMILLE = 4


def _at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(MONDAY, dt.time(hour, minute), tzinfo=PARIS)


def _accounts(db: Session, n: int) -> list[int]:
    """``n`` of Camille's located accounts, open all week for the test."""
    ids = list(
        db.execute(
            text("""SELECT a.id FROM accounts a JOIN account_assignments s ON s.account_id = a.id
                    WHERE s.owner_id = :o AND a.geocode_status IN ('matched', 'manual')
                    ORDER BY a.id LIMIT :n"""),
            {"o": CAMILLE, "n": n},
        ).scalars()
    )
    db.execute(text("UPDATE accounts SET opening_hours = NULL WHERE id = ANY(:ids)"), {"ids": ids})
    return ids


def _monday(db: Session) -> tuple[list[int], int, int, tuple[float, float]]:
    """Camille's Monday holds only two bookings, at two of her accounts: 09:00–09:30 (over
    at 10:20) and 10:00–11:00 (under way); two more accounts are ticked. The ticked ids,
    the two bookings' ids and where the one under way is (lon, lat)."""
    db.execute(
        text("""DELETE FROM appointments WHERE rep_id = :r
                AND starts_at >= :a AND starts_at < :b"""),
        {"r": CAMILLE, "a": _at(0), "b": _at(0) + dt.timedelta(days=1)},
    )
    ids = _accounts(db, 4)
    booked = []
    for account, (start, end) in zip(
        ids[:2], ((_at(9), _at(9, 30)), (_at(10), _at(11))), strict=True
    ):
        booked.append(
            db.execute(
                text("""INSERT INTO appointments (rep_id, account_id, title, starts_at, ends_at,
                        geom) SELECT :r, :a, :t, :s, :e, geom FROM accounts WHERE id = :a
                        RETURNING id"""),
                {"r": CAMILLE, "a": account, "t": f"RDV {start:%H:%M}", "s": start, "e": end},
            ).scalar_one()
        )
    lon, lat = db.execute(
        text("SELECT ST_X(geom), ST_Y(geom) FROM accounts WHERE id = :id"), {"id": ids[1]}
    ).one()
    return ids[2:], booked[0], booked[1], (float(lon), float(lat))


def _checked(
    db: Session, plan_id: int, over: int, under_way: int, there: tuple[float, float]
) -> dict[str, Any]:
    """The stored plan of Monday leaves from the booking under way at 11:00, holds neither
    booking, and every slot is from then on."""
    doc = planning.plan_json(plans.get_plan(db, plan_id))
    (day,) = doc["result"]["days"]
    leaves = dt.datetime.fromisoformat(day["departure"])
    assert leaves >= _at(11), day["departure"]  # after the booking she is at, never before now
    booked = {s.get("appointment_id") for s in day["stops"] if s.get("kind") == "appointment"}
    assert over not in booked and under_way not in booked
    start = day["timing"]["start"]
    assert (round(start["lon"], 5), round(start["lat"], 5)) == tuple(round(v, 5) for v in there)
    assert all(dt.datetime.fromisoformat(p["slot_start"]) >= _at(11) for p in doc["proposals"])
    assert "overtime" not in (day.get("flags") or [])
    return doc


def test_the_route_at_twenty_past_ten_starts_after_the_booking_she_is_at(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plan_dates, "now", lambda: TWENTY_PAST_TEN)
    ticked, over, under_way, there = _monday(demo_db)
    camille = api_as(CAMILLE)
    answer = camille.post(
        "/itineraire",
        data={"account_ids": ticked, "lon": 7.4246, "lat": 43.7384},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text[answer.text.find("<main") :][:900]
    assert answer.headers["location"] == "/journee?date=2026-04-20"
    plan_id = demo_db.execute(
        text("SELECT max(id) FROM plans WHERE rep_id = :r AND day = :d"),
        {"r": CAMILLE, "d": MONDAY},
    ).scalar_one()
    doc = _checked(demo_db, plan_id, over, under_way, there)
    assert {p["account_id"] for p in doc["proposals"]} == set(ticked)  # both ticked visited
    page = camille.get("/journee", params={"date": MONDAY.isoformat()})
    assert page.status_code == 200
    assert "Hors de vos horaires" not in page.text  # the bookings before it are not its own


def test_planning_today_from_my_day_at_twenty_past_ten_starts_from_now_too(
    demo_db: Session,
) -> None:
    _, over, under_way, there = _monday(demo_db)
    plan = planning.plan_day(
        demo_db,
        actor=Actor(CAMILLE, Role.REP),
        rep_id=CAMILLE,
        day=MONDAY,
        time_limit_s=2,
        settings=Settings(_env_file=None),
        now=TWENTY_PAST_TEN,
    )
    _checked(demo_db, plan.id, over, under_way, there)


def test_today_after_the_working_day_is_refused_in_french(demo_db: Session) -> None:
    with pytest.raises(InvalidInput) as refused:
        planning.plan_day(
            demo_db,
            actor=Actor(CAMILLE, Role.REP),
            rep_id=CAMILLE,
            day=MONDAY,
            time_limit_s=2,
            settings=Settings(_env_file=None),
            now=_at(18, 40),
        )
    assert "la journée de travail du 20/04/2026 est finie" in str(refused.value)
