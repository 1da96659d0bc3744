"""A stop of a stored plan moved to another day since: on Ma journée and on Tournée, a fixed
appointment reads « Déplacé au <date> à <heure> » (not « RDV fixe » at its old time), an
accepted visit « Rendez-vous déplacé au <date> à <heure> »; with no time, navigation nor
check-in, off the map, the route and the whole-route link, as a cancelled appointment; on
its new day the appointment reads « Déplacé (initialement prévu le …) ». On Tournée, the stops
booked elsewhere, refused and cancelled are off the map and the route links too, and a
fixed appointment moved within its day reads « Déplacé » (the same helpers as Ma journée:
:func:`fieldcrm.pages.day.off_route`)."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from sqlalchemy.orm import Session

from fieldcrm.pages import day as day_page
from fieldcrm.services import appointments, plan_slots
from fieldcrm.store import plans
from fieldcrm.store.plans import PARIS, PlanRow
from tests.pages.test_day_cancelled_appointment import (
    BEFORE,
    MAP_APPOINTMENT,
    _appointment_stop,
    _fixed_stops,
    _whole_route,
)
from tests.pages.test_day_slots_after_booking import DAY, TUESDAY, _accept, _planned
from tests.pages.test_trip_as_booked import _as_trip, _trip_heading
from tests.rows import row
from tests.services.test_day_booking import CAMILLE, OddSeconds, _settings, _stored
from tests.services.test_slots_after_booking import _pair
from tests.web import ClientFactory

WEDNESDAY = TUESDAY + dt.timedelta(days=1)
WEDNESDAY_PAGE = f"/journee?date={WEDNESDAY.isoformat()}&rep=4"
MAP_PROPOSAL = '"proposal"]'
"""The end of a proposal pin's row in the map's script (:func:`fieldcrm.maps._pin_row`)."""


def _move(db: Session, appointment_id: int, day: dt.date, at: dt.time) -> None:
    appointments.move_appointment(
        db,
        actor=CAMILLE,
        appointment_id=appointment_id,
        changes=appointments.Changes(day=day, time=at),
        settings=_settings(),
        travel=OddSeconds(),
    )


def _proposal_stop(page: str, proposal_id: int) -> tuple[str, str]:
    found = re.search(
        rf'<li class="(stop candidate[^"]*)"[^>]*data-proposal="{proposal_id}">(.*?)</li>',
        page,
        re.S,
    )
    assert found is not None, page
    return found.group(1), found.group(2)


def _trip_routes(page: str) -> list[str]:
    """The whole-route link of each day of the trip."""
    return re.findall(
        r'<p class="actions whole-route"><a class="button" rel="noopener" href="([^"]*)"', page
    )


def _trip_stop(page: str, name: str) -> tuple[str, str]:
    """The classes and the inside of the trip's fixed stop named ``name``."""
    found = re.search(
        rf'<li class="(stop appointment[^"]*)"><div>(.*?){re.escape(name)}(.*?)</li>', page, re.S
    )
    assert found is not None, page
    return found.group(1), found.group(2) + found.group(3)


def _lambda(plan: PlanRow) -> dict[str, Any]:
    return next(s for s in _fixed_stops(plan) if "LAMBDA" in s["name"])


def test_a_fixed_appointment_moved_to_another_day_reads_moved_there_on_its_old_day(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(day_page, "request_time", lambda: BEFORE)
    client = api_as(4)
    plan = _planned(client, demo_db)
    fixed = _fixed_stops(plan)
    stop = _lambda(plan)
    where = f"{stop['lat']},{stop['lon']}"
    before = client.get(DAY).text
    assert where in _whole_route(before)
    classes, inside = _appointment_stop(before, stop["account_id"])
    assert classes == "stop appointment" and "RDV fixe" in inside

    _move(demo_db, int(stop["appointment_id"]), WEDNESDAY, dt.time(7, 0))
    page = client.get(DAY).text
    classes, inside = _appointment_stop(page, stop["account_id"])
    assert classes == "stop appointment moved-away"
    said = re.search(r'<span class="badge medium moved-away">(.*?)</span>', inside)
    assert said is not None and said.group(1) == "Déplacé au 22/04/2026 à 07:00"
    assert "RDV fixe" not in inside and 'class="time"' not in inside
    assert 'class="actions nav"' not in inside and 'class="checkin"' not in inside
    # off the whole route and the map; the other fixed stops stay fixed
    assert where not in _whole_route(page)
    assert page.count(MAP_APPOINTMENT) == len(fixed) - 1, "one appointment pin less"
    assert page.count('class="stop appointment"') == len(fixed) - 1
    # the day's departure, return and lunch are those of the day without it
    assert "Selon le plan du" not in page
    assert 'id="figures-now"' in page and 'id="figures-gone"' not in page
    # the cards' slots are those of the day as it is now (the 10:00 given back)
    now = plan_slots.current_slots(
        demo_db, plans.get_plan(demo_db, plan.id), settings=_settings(), now=BEFORE
    )
    for p in plan.proposals:
        slot = now.bookable[p.id]
        _classes, card = _proposal_stop(page, p.id)
        assert f'min="{slot.first.astimezone(PARIS):%H:%M}"' in card
        assert f'max="{slot.last.astimezone(PARIS):%H:%M}"' in card
    english = _appointment_stop(client.get(DAY + "&lang=en").text, stop["account_id"])[1]
    assert "Moved to " in english and "Déplacé" not in english
    # on its new day: a fixed appointment, « Déplacé (initialement prévu le 21/04/2026 à 10:00) »
    wednesday = client.get(WEDNESDAY_PAGE).text
    listed = re.search(rf'<li data-id="{stop["appointment_id"]}">(.*?)</li>', wednesday, re.S)
    assert listed is not None
    assert html.unescape(listed.group(1)).endswith(
        '<span class="badge medium moved">Déplacé</span> '
        '<span class="muted moved-from">(initialement prévu le 21/04/2026 à 10:00)</span>'
    )
    assert '<span class="ap-time">07:00–' in listed.group(1)


def test_an_accepted_visit_moved_to_another_day_says_where_it_went(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(day_page, "request_time", lambda: BEFORE)
    client = api_as(4)
    plan = _planned(client, demo_db)
    p = min(plan.proposals, key=lambda p: p.slot_start)
    at = plan_slots.bookable_slots(plan)[p.id].at.astimezone(PARIS).strftime("%H:%M")
    page = _accept(client, p.id, at)
    stop = next(s for s in plan.result["days"][0]["stops"] if s.get("account_id") == p.account_id)
    where = f"{stop['lat']},{stop['lon']}"
    classes, inside = _proposal_stop(page, p.id)
    assert classes == "stop candidate" and "Acceptée : rendez-vous réservé" in inside
    assert where in _whole_route(page)
    pins = page.count(MAP_PROPOSAL)

    (booked,) = row(demo_db, "SELECT id FROM appointments WHERE proposal_id = :p", p=p.id)
    _move(demo_db, int(str(booked)), WEDNESDAY, dt.time(7, 30))
    page = client.get(DAY).text
    classes, inside = _proposal_stop(page, p.id)
    assert classes == "stop candidate moved-away"
    said = re.search(r'<p class="warn status moved-away">(.*?)</p>', inside)
    assert said is not None and said.group(1) == "Rendez-vous déplacé au 22/04/2026 à 07:30"
    assert "Acceptée" not in inside and 'class="time"' not in inside
    assert 'class="actions nav"' not in inside and 'class="checkin"' not in inside
    assert where not in _whole_route(page)
    assert page.count(MAP_PROPOSAL) == pins - 1
    english = _proposal_stop(client.get(DAY + "&lang=en").text, p.id)[1]
    assert "Appointment moved to " in english


def test_the_trip_leaves_every_stop_that_holds_no_time_off_its_map_and_links(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the trip: X booked on Wednesday (« Déjà réservé »), Y refused, the LAMBDA
    appointment moved to Wednesday, another fixed one moved within the day: the first three
    are off the pins, the route and the day's whole-route link, the last reads « Déplacé »
    at its new time; the day page says the same."""
    monkeypatch.setattr(day_page, "request_time", lambda: BEFORE)
    client = api_as(4)
    plan = _planned(client, demo_db)
    trip = _as_trip(demo_db, plan)
    stops = plan.result["days"][0]["stops"]
    a, x, _slot = _pair(plan)
    y = next(p for p in plan.proposals if p.id not in {x.id, a.id})
    lam = _lambda(plan)
    places = {
        key: next(f"{s['lat']},{s['lon']}" for s in stops if s.get("account_id") == account)
        for key, account in (("x", x.account_id), ("y", y.account_id))
    } | {"lambda": f"{lam['lat']},{lam['lon']}"}
    before = client.get(trip).text
    (route,) = _trip_routes(before)
    assert all(where in route for where in places.values()), route
    proposal_pins = before.count(MAP_PROPOSAL)
    appointment_pins = before.count(MAP_APPOINTMENT)
    assert "RDV fixe" in _trip_stop(before, lam["name"])[1]

    wednesday = plans.get_plan(demo_db, _stored(demo_db, WEDNESDAY, 15, x.account_id))
    (offer,) = wednesday.proposals
    client.post(
        f"/journee/propositions/{offer.id}",
        data={"accept": "true", "date": WEDNESDAY.isoformat()},
    )
    client.post(
        f"/journee/propositions/{y.id}", data={"accept": "false", "date": TUESDAY.isoformat()}
    )
    _move(demo_db, int(lam["appointment_id"]), WEDNESDAY, dt.time(7, 0))
    page = client.get(trip).text
    (route,) = _trip_routes(page)
    for key, where in places.items():
        assert where not in route, key
    assert page.count(MAP_PROPOSAL) == proposal_pins - 2
    assert page.count(MAP_APPOINTMENT) == appointment_pins - 1
    assert "recalculé avec les rendez-vous de la journée" in _trip_heading(page)
    classes, inside = _trip_stop(page, lam["name"])
    assert classes == "stop appointment moved-away"
    assert '<span class="badge medium moved-away">Déplacé au 22/04/2026 à 07:00</span>' in inside
    assert "RDV fixe" not in inside and 'class="time"' not in inside
    for p in (x, y):  # booked elsewhere, refused: no time either
        found = re.search(rf'data-proposal="{p.id}"><div>(.*?)</div>', page, re.S)
        assert found is not None and 'class="time"' not in found.group(1)
    # Ma journée leaves the same stops off its whole route
    day_route = _whole_route(client.get(DAY).text)
    assert all(where not in day_route for where in places.values())
    assert route.split("waypoints=")[1] == day_route.split("waypoints=")[1]


def test_a_fixed_appointment_moved_within_its_day_reads_moved_on_the_trip(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(day_page, "request_time", lambda: BEFORE)
    client = api_as(4)
    plan = _planned(client, demo_db)
    trip = _as_trip(demo_db, plan)
    lam = _lambda(plan)
    _move(demo_db, int(lam["appointment_id"]), TUESDAY, dt.time(10, 5))
    classes, inside = _trip_stop(client.get(trip).text, lam["name"])
    assert classes == "stop appointment"
    assert inside.startswith('<span class="time">10:05</span>')
    assert (
        '<span class="badge high">RDV fixe</span> <span class="badge medium moved">Déplacé</span>'
        ' <span class="muted moved-from">(initialement prévu à 10:00)</span>'
    ) in inside
