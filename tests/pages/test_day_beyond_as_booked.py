"""« Hors de vos horaires » says where the day as booked goes beyond the working hours,
whatever the cause, with its true times, on Ma journée and Tournée (review of session 18:
the note only covered a booking too early or too late on its own, and Tournée never showed
it on a fixed appointment). Two visits moved after the working day: the rep is home after
the second, which says so with the header's return; the first, home after it alone well
before that, says nothing. A fixed appointment moved after the working day: Tournée says it
on its stop, as Ma journée (Camille's demo Tuesday; its driving cap is the pure core's
tests' case, ``tests/routing/test_reslot_overtime.py``)."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy.orm import Session

from fieldcrm.store import plans
from fieldcrm.store.plans import PARIS
from tests.pages.test_day_booked_beyond_hours import _move_booking, _route
from tests.pages.test_day_figures_now import _figures
from tests.pages.test_day_slots_after_booking import DAY, TUESDAY, _accept, _planned, _stop
from tests.pages.test_trip_as_booked import _as_trip
from tests.pages.test_trip_home_reach import _replace
from tests.services.test_slots_verified import _insert
from tests.web import ClientFactory

NOTE = r'<p class="warn beyond-hours">Hors de vos horaires : ([^<]*)</p>'


def _return(figures: str) -> str:
    found = re.search(r"retour (\d\d:\d\d)", figures)
    assert found is not None, figures
    return found.group(1)


def test_two_late_visits_say_the_true_return_once_on_the_last(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    plan = _planned(client, demo_db)
    *_, early, late = _route(plan)
    page = client.get(DAY).text
    for p in (early, late):
        heure = re.search(r'name="heure" value="(\d\d:\d\d)"', _stop(page, p.id))
        assert heure is not None
        page = _accept(client, p.id, heure.group(1))
    _move_booking(demo_db, early.id, "18:35", early.visit_minutes)
    _move_booking(demo_db, late.id, "20:00", late.visit_minutes)

    page = client.get(DAY).text
    figures = _figures(page)
    assert "les rendez-vous réservés dépassent vos horaires de travail" in figures
    back = _return(figures)
    ends = dt.datetime.combine(TUESDAY, dt.time(20)) + dt.timedelta(minutes=late.visit_minutes)
    assert back >= ends.strftime("%H:%M")
    said = re.findall(NOTE, _stop(page, late.id))
    assert said == [f"retour vers {back}, après votre retour au plus tard (18:30)."], said
    # home after the first alone by about 19:30: not when the rep is home, not said
    assert "beyond-hours" not in _stop(page, early.id)
    assert len(re.findall(NOTE, page)) == 1

    english = client.get(DAY + "&lang=en").text
    assert f"Outside your working hours: back around {back}, after your latest return (18:30)." in (
        _stop(english, late.id)
    )

    # Tournée says it too, the same
    trip = client.get(_as_trip(demo_db, plan)).text
    assert re.findall(NOTE, trip) == said


def test_a_fixed_appointment_after_the_working_day_says_so_on_the_trip_too(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    plan = _planned(client, demo_db)
    fixed = next(s for s in plan.result["days"][0]["stops"] if s["kind"] == "appointment")
    lasts = dt.datetime.fromisoformat(fixed["departure"]) - dt.datetime.fromisoformat(
        fixed["start"]
    )
    moved = client.patch(f"/api/appointments/{fixed['appointment_id']}", json={"time": "18:45"})
    assert moved.status_code == 200, moved.text
    start = dt.datetime.combine(TUESDAY, dt.time(18, 45), tzinfo=PARIS)
    page = client.get(DAY).text
    back = _return(_figures(page))
    assert back > (start + lasts).strftime("%H:%M")
    expected = [f"retour vers {back}, après votre retour au plus tard (18:30)."]
    assert re.findall(NOTE, page) == expected

    trip = client.get(_as_trip(demo_db, plan)).text
    stop = re.search(
        rf'<li class="stop appointment"[^>]*>(?:(?!</li>).)*{re.escape(fixed["name"])}(.*?)</li>',
        trip,
        re.S,
    )
    assert stop is not None, trip
    assert re.findall(NOTE, stop.group(0)) == expected


def test_a_booking_since_the_plan_beyond_the_hours_says_so_where_it_is_shown(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """An appointment booked after the plan, after the working day: the route has no stop
    for it, so the note is said with it in « Rendez-vous du jour » (Ma journée) and under the
    day's route with its time and title (Tournée) — never on no row at all."""
    client = api_as(4)
    plan = _planned(client, demo_db)
    start = dt.datetime.combine(TUESDAY, dt.time(19, 0), tzinfo=PARIS)
    booked = _insert(demo_db, "Salon du soir", start, start + dt.timedelta(minutes=30))
    page = client.get(DAY).text
    back = _return(_figures(page))
    assert back >= "19:30"
    expected = [f"retour vers {back}, après votre retour au plus tard (18:30)."]
    assert re.findall(NOTE, page) == expected
    listed = re.search(rf'<li data-id="{booked}">(.*?)</li>', page, re.S)
    assert listed is not None and re.findall(NOTE, listed.group(1)) == expected

    trip = client.get(_as_trip(demo_db, plan)).text
    assert re.findall(NOTE, trip) == expected
    said = re.search(
        rf'<p class="beyond-booking" data-id="{booked}">(.*?)</p>\s*{NOTE}', trip, re.S
    )
    assert said is not None and "19:00–19:30" in said.group(1) and "Salon du soir" in said.group(1)


def test_the_trip_says_far_areas_and_the_note_together(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """A trip whose corridor names an area beyond a day's drive, with a fixed appointment
    after the working day: the far-areas advice used the note's name for its own list (a
    500 on the first appointment stop); both are said."""
    client = api_as(4)
    plan = _planned(client, demo_db)
    fixed = next(s for s in plan.result["days"][0]["stops"] if s["kind"] == "appointment")
    moved = client.patch(f"/api/appointments/{fixed['appointment_id']}", json={"time": "18:45"})
    assert moved.status_code == 200, moved.text
    doc = plans.get_plan(demo_db, plan.id).result
    area = {"name": "Paris", "accounts": 3, "value_eur": 12000, "within_day": False}
    doc["corridor"] = (doc.get("corridor") or {}) | {"far_areas": [area], "home_reach_km": 225}
    _replace(demo_db, plan.id, doc)
    trip = client.get(_as_trip(demo_db, plan))
    assert trip.status_code == 200
    assert "Autour de Paris (3 comptes" in trip.text
    assert len(re.findall(NOTE, trip.text)) == 1
