"""A fixed appointment of a stored plan moved to another day and then cancelled there: on
its old day, Ma journée and Tournée read it « Annulé » — no « RDV fixe » (the time it had,
as any cancelled stop), no navigation nor check-in, off the map and the route — as the slots
of now already leave it out. One rule: the plan's fixed appointments not live on the day are
off its route, « Déplacé au … » when live on another day, else « Annulé »
(:func:`fieldcrm.pages.day.off_route`). On Tournée too when the new day is outside the
trip's dates."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from fieldcrm.pages import day as day_page
from tests.pages.test_day_cancelled_appointment import (
    BEFORE,
    MAP_APPOINTMENT,
    _appointment_stop,
    _cancel,
    _fixed_stops,
    _whole_route,
)
from tests.pages.test_day_moved_away import _lambda, _move, _trip_routes, _trip_stop
from tests.pages.test_day_slots_after_booking import DAY, TUESDAY, _planned
from tests.pages.test_trip_as_booked import _as_trip, _trip_heading
from tests.web import ClientFactory

WEDNESDAY = TUESDAY + dt.timedelta(days=1)
THURSDAY = TUESDAY + dt.timedelta(days=2)
CANCELLED = '<span class="badge bad stop-cancelled">Annulé</span>'


def _no_visit(inside: str) -> None:
    assert "RDV fixe" not in inside and "Déplacé" not in inside
    assert 'class="actions nav"' not in inside and "destination=" not in inside
    assert 'class="checkin"' not in inside and 'class="send-report"' not in inside


def test_moved_to_another_day_then_cancelled_reads_cancelled_on_its_old_day(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(day_page, "request_time", lambda: BEFORE)
    client = api_as(4)
    plan = _planned(client, demo_db)
    fixed = _fixed_stops(plan)
    stop = _lambda(plan)
    where = f"{stop['lat']},{stop['lon']}"
    _move(demo_db, int(stop["appointment_id"]), WEDNESDAY, dt.time(7, 0))
    _cancel(client, int(stop["appointment_id"]))

    page = client.get(DAY).text
    classes, inside = _appointment_stop(page, stop["account_id"])
    assert classes == "stop appointment cancelled"
    assert CANCELLED in inside, inside
    _no_visit(inside)
    assert where not in _whole_route(page)
    assert page.count(MAP_APPOINTMENT) == len(fixed) - 1, "one appointment pin less"
    assert page.count('class="stop appointment"') == len(fixed) - 1
    # the day's departure, return and lunch are those of the day without it
    assert "Selon le plan du" not in page
    assert 'id="figures-now"' in page and 'id="figures-gone"' not in page


def test_moved_outside_the_trip_then_cancelled_reads_cancelled_on_the_trip(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(day_page, "request_time", lambda: BEFORE)
    client = api_as(4)
    plan = _planned(client, demo_db)
    trip = _as_trip(demo_db, plan)  # Tuesday only
    lam = _lambda(plan)
    where = f"{lam['lat']},{lam['lon']}"
    before = client.get(trip).text
    pins = before.count(MAP_APPOINTMENT)
    (route,) = _trip_routes(before)
    assert where in route

    _move(demo_db, int(lam["appointment_id"]), THURSDAY, dt.time(8, 0))
    # live on Thursday (outside the trip): « Déplacé au … »
    classes, inside = _trip_stop(client.get(trip).text, lam["name"])
    assert classes == "stop appointment moved-away"
    assert "Déplacé au 23/04/2026 à 08:00" in inside
    _cancel(client, int(lam["appointment_id"]))
    page = client.get(trip).text
    classes, inside = _trip_stop(page, lam["name"])
    assert classes == "stop appointment cancelled"
    assert CANCELLED in inside, inside
    _no_visit(inside)
    (route,) = _trip_routes(page)
    assert where not in route
    assert page.count(MAP_APPOINTMENT) == pins - 1
    assert "recalculé avec les rendez-vous de la journée" in _trip_heading(page)
