"""Tournée once a fixed appointment of its plan is cancelled in the agenda: the stop reads
« Annulé » (not « RDV fixe ») and is off the map and the route, as on Ma journée
(:func:`fieldcrm.pages.day.off_route`). The trip is Camille's planned Tuesday
stored as a one-day trip, as in :mod:`tests.pages.test_trip_as_booked`."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.orm import Session

from fieldcrm.pages import day as day_page
from fieldcrm.services import appointments
from tests.pages.test_day_cancelled_appointment import BEFORE, MAP_APPOINTMENT, _fixed_stops
from tests.pages.test_day_slots_after_booking import _planned
from tests.pages.test_trip_as_booked import _as_trip, _trip_heading
from tests.services.test_past_days import CAMILLE
from tests.web import ClientFactory


def _trip_stop(page: str, name: str) -> tuple[str, str]:
    """The classes and the inside of the trip stop named ``name``."""
    found = re.search(
        rf'<li class="(stop appointment[^"]*)"><div><span class="time">\d\d:\d\d</span> '
        rf"{re.escape(name)}(.*?)</li>",
        page,
        re.S,
    )
    assert found is not None, page
    return found.group(1), found.group(2)


def test_a_cancelled_fixed_appointment_reads_cancelled_on_the_trip(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(day_page, "request_time", lambda: BEFORE)
    client = api_as(4)
    plan = _planned(client, demo_db)
    fixed = _fixed_stops(plan)
    stop = next(s for s in fixed if "LAMBDA" in s["name"])
    trip = _as_trip(demo_db, plan)
    before = client.get(trip).text
    classes, inside = _trip_stop(before, stop["name"])
    assert classes == "stop appointment"
    assert "RDV fixe" in inside and "stop-cancelled" not in inside
    assert before.count(MAP_APPOINTMENT) == len(fixed)
    assert "Selon le plan du" not in _trip_heading(before)

    appointments.cancel_appointment(
        demo_db, actor=CAMILLE, appointment_id=int(stop["appointment_id"])
    )
    page = client.get(trip).text
    classes, inside = _trip_stop(page, stop["name"])
    assert classes == "stop appointment cancelled"
    assert re.search(r'<span class="badge bad stop-cancelled">Annulé</span>', inside), inside
    assert "RDV fixe" not in inside
    assert "destination=" not in inside and "waze.com" not in inside and "geo:" not in inside
    # off the map, the other fixed stops stay fixed; the day's figures are as it is now
    assert page.count(MAP_APPOINTMENT) == len(fixed) - 1, "one appointment pin less on the map"
    assert page.count('class="stop appointment"') == len(fixed) - 1
    assert "recalculé avec les rendez-vous de la journée" in _trip_heading(page)
    english = _trip_stop(client.get(trip + "&lang=en").text, stop["name"])[1]
    assert '<span class="badge bad stop-cancelled">Cancelled</span>' in english
