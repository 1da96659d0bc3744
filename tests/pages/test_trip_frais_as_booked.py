"""One selection of « a planned day as booked now » for Tournée and « Frais »
(:mod:`fieldcrm.services.as_booked`).

« Frais » used to recompute every day of every stored plan (reading each plan again), while
the trip page recomputed only the days changed since the plan: a day the page showed at
its plan's figures could be costed at other figures on « Frais ». Now a day booked
differently from its plan gives the same km and euros on both, an unchanged day keeps its
plan's figures on both (never recomputed), and the derivation reads each plan once.

The trip is Camille's two-day trip of 21–22 April (:func:`tests.pages.test_trip_totals._trip`)."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import Settings
from fieldcrm.costs.report import half_up
from fieldcrm.geo import GeoPoint
from fieldcrm.services import appointments, costs, plan_slots, planning
from fieldcrm.store import costs as cost_store
from fieldcrm.store import plans as plan_store
from tests.pages.test_trip_totals import SETTINGS, _chosen, _day_lines, _euros, _trip
from tests.web import ClientFactory

CAMILLE = Actor(4, Role.REP)


def _book_evening(db: Session, day: dt.date) -> None:
    """An evening appointment in Nice on ``day``, booked since the plan: the day changed."""
    appointments.create_appointment(
        db,
        actor=CAMILLE,
        rep_id=4,
        draft=appointments.Draft(
            day,
            dt.time(19, 0),
            30,
            appointments.Place(point=GeoPoint(7.2696, 43.6975)),
            title="Soirée",
        ),
        settings=SETTINGS,
    )


def _plan_figures(db: Session, plan_id: int, index: int, km: float, minutes: float) -> None:
    """Store ``km`` and ``minutes`` as the figures of planned day ``index``: a plan whose
    figures a recomputation of the same day does not give back (an older planner's), so
    that « its plan's figures » and « recomputed » can be told apart."""
    db.execute(
        text(
            """UPDATE plans SET result = jsonb_set(jsonb_set(result,
                   ARRAY['days', CAST(:i AS text), 'driving_km'], to_jsonb(CAST(:km AS float))),
                   ARRAY['days', CAST(:i AS text), 'driving_minutes'],
                   to_jsonb(CAST(:m AS float)))
               WHERE id = :p"""
        ),
        {"i": index, "km": km, "m": minutes, "p": plan_id},
    )


def test_a_changed_trip_day_costs_on_frais_what_the_trip_page_says_an_unchanged_one_its_plan(
    api_as: ClientFactory, demo_db: Session, settings: Settings
) -> None:
    plan, url = _trip(demo_db)
    first, second = plan.result["days"]
    # the second day stays as planned; its plan's figures are not what a recomputation gives
    km2 = float(half_up(second["driving_km"] + 7.3, 1)) + 0.02  # no rounding tie
    minutes2 = int(second["driving_minutes"]) + 11.2
    _plan_figures(demo_db, plan.id, 1, km2, minutes2)
    _book_evening(demo_db, dt.date.fromisoformat(first["day"]))  # the first day changed
    costs.derive_trips(demo_db, settings=settings, year=2026, rep_ids=[4])

    page = html.unescape(api_as(4).get(url).text)
    (day1_km, _), (day2_km, day2_minutes) = _day_lines(page)
    assert "recalculé avec les rendez-vous de la journée" in page
    assert day1_km != half_up(first["driving_km"], 1), "the page recomputed the changed day"
    assert (day2_km, day2_minutes) == (half_up(km2, 1), int(minutes2)), (
        "the page keeps the unchanged day's plan figures"
    )
    doc = api_as(4).get("/api/costs/report", params={"month": "2026-04", "rep": 4}).json()
    (planned,) = [
        t for t in doc["trips"] if t["kind"] == "planned" and t["start_day"] == "2026-04-21"
    ]
    # the same km, minutes and euros on both screens
    km = _chosen(page, "Kilomètres", plan)
    assert km == f"{planned['km']:.1f}".replace(".", ",")
    minutes = int(_chosen(page, "Temps de route \\(min\\)", plan))
    assert round(planned["driving_hours"] * 60) == minutes
    assert _euros(_chosen(page, "Frais kilométriques", plan)) == Decimal(
        str(planned["mileage_eur"])
    )
    # « Frais »: the first day as booked now, the second at its plan's figures
    (stored,) = cost_store.latest_plans(demo_db, 4, plan.day, plan.day)
    days = costs.as_booked(demo_db, stored, settings).result["days"]
    assert days[1] == stored.result["days"][1]
    assert days[1]["driving_km"] == km2 and days[1]["driving_minutes"] == minutes2
    assert abs(Decimal(str(days[0]["driving_km"])) - day1_km) <= Decimal("0.05")
    assert Decimal(str(planned["km"])) == half_up(days[0]["driving_km"] + km2, 1)


@pytest.fixture
def statements(demo_db: Session) -> Iterator[list[str]]:
    """The SQL statements run on the test's connection while the test reads them."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    connection = demo_db.connection()
    event.listen(connection, "before_cursor_execute", record)
    yield seen
    event.remove(connection, "before_cursor_execute", record)


def test_refresh_trips_reads_each_plan_once_and_recomputes_only_the_changed_days(
    demo_db: Session,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    statements: list[str],
) -> None:
    trip, _ = _trip(demo_db)
    friday = planning.plan_day(
        demo_db,
        actor=CAMILLE,
        rep_id=4,
        day=dt.date(2026, 4, 24),
        time_limit_s=3,
        settings=SETTINGS,
    )
    changed = dt.date.fromisoformat(trip.result["days"][0]["day"])
    _book_evening(demo_db, changed)

    reads: list[list[int]] = []
    real_reads = plan_store.get_plans

    def counted_reads(session: Session, plan_ids: Any) -> Any:
        reads.append(list(plan_ids))
        return real_reads(session, plan_ids)

    recomputed: list[dt.date] = []
    real_figures = plan_slots.figures_now

    def counted_figures(session: Session, plan: Any, date: dt.date, **kw: Any) -> Any:
        recomputed.append(date)
        return real_figures(session, plan, date, **kw)

    monkeypatch.setattr(plan_store, "get_plans", counted_reads)
    monkeypatch.setattr(plan_slots, "figures_now", counted_figures)
    statements.clear()
    written = costs.refresh_trips(
        demo_db,
        settings=settings,
        reps=cost_store.reps(demo_db, [4]),
        start=dt.date(2026, 4, 1),
        end=dt.date(2026, 4, 30),
    )
    assert written >= 2
    # both plans read once, together; no plan row read again
    assert reads == [[trip.id, friday.id]]
    plan_rows = [s for s in statements if re.search(r"FROM plans WHERE id", s)]
    assert len(plan_rows) == 1, plan_rows
    # only the day booked since its plan was recomputed (the trip's second day and Friday's
    # plan are unchanged: their plan's figures)
    assert recomputed == [changed]
