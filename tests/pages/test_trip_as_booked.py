"""Tournée after bookings: each day of a trip shows its proposals as Ma journée does — the
accepted one at its booked appointment, the refused one without a slot, the open ones at
their slot of now, each stop at the same minute as on the day page and never outside the
slot shown — and once something was decided the trip's day figures say they are the plan's,
while Ma journée gives its figures as the day is booked now.

The trip is Camille's planned Tuesday stored as a one-day trip (the planner's result for a
trip day has the same shape; a real multi-day trip takes a minute of search)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.store.plans import PARIS, PlanRow
from tests.pages.test_day_slots_after_booking import (
    DAY,
    TUESDAY,
    _accept,
    _minutes,
    _planned,
    _shown_slot,
    _stop,
)
from tests.services.test_slots_after_booking import _pair
from tests.web import ClientFactory


def _as_trip(db: Session, plan: PlanRow) -> str:
    db.execute(text("UPDATE plans SET kind = 'trip', end_day = day WHERE id = :p"), {"p": plan.id})
    return f"/tournee?plan={plan.id}"


def _times(page: str) -> dict[str, str]:
    """The minute each stop is shown at, by proposal id (``a<id>`` for the others, by name;
    ``""`` for a card that holds no time: refused, booked elsewhere)."""
    out = {}
    for li in re.finditer(
        r'<li class="stop (\w+)"[^>]*?(?:data-proposal="(\d+)")?>(.*?)</li>', page, re.S
    ):
        shown = re.search(r'<span class="time">(\d\d:\d\d)</span>\s*([^<\n]+)', li.group(3))
        if shown is None and li.group(2):
            out[li.group(2)] = ""
            continue
        assert shown is not None, li.group(3)
        out[li.group(2) or f"a{shown.group(2).strip()}"] = shown.group(1)
    return out


def _card(page: str, proposal_id: int) -> str:
    """A proposal's card text on either page, without forms, links and spacing."""
    chunk = _stop(page, proposal_id)
    chunk = re.sub(r"<form.*?</form>|<details.*?</details>|<a .*?</a>", "", chunk, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", chunk).split())


def _figures(page: str) -> str:
    found = re.search(r'id="day-figures">(.*?)</p>', page, re.S)
    assert found is not None
    return found.group(1)


def _trip_heading(page: str) -> str:
    found = re.search(r'<section class="card day"[^>]*>\s*<h2>(.*?)</h2>', page, re.S)
    assert found is not None
    return found.group(1)


def _km(figures: str) -> str:
    """« 23,4 km, 41 min de route » of a day's figures (either page)."""
    found = re.search(r"([\d\u202f,]+\xa0?\s?km, [\d\u202f]+ min de route)", figures)
    assert found is not None, figures
    return found.group(1)


def _stop_on_trip(page: str, proposal_id: int) -> str:
    found = re.search(rf'data-proposal="{proposal_id}">(.*?)</li>', page, re.S)
    assert found is not None
    return found.group(1)


def test_the_trip_shows_each_day_as_booked_now_like_the_day_page(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client: TestClient = api_as(4)
    plan = _planned(client, demo_db)
    trip = _as_trip(demo_db, plan)
    a, b, slot_a = _pair(plan)
    before_trip, before_day = client.get(trip).text, client.get(DAY).text
    assert "Selon le plan du" not in _trip_heading(before_trip)
    assert _figures(before_day).startswith("Départ ")
    assert _times(before_trip) == _times(before_day), "same minutes, same rounding, same order"
    stale_b = _shown_slot(before_day, b.id)
    assert f"à réserver {stale_b[0]}–{stale_b[1]}" in _stop_on_trip(before_trip, b.id)
    assert 'class="accept"' not in before_trip, "deciding is on the day page"

    picked = _minutes(slot_a.at.astimezone(PARIS).strftime("%H:%M"), 40)
    day_page = _accept(client, a.id, picked)
    others = [p for p in plan.proposals if p.id not in (a.id, b.id) and p.status == "proposed"]
    refused = others[0]
    client.post(
        f"/journee/propositions/{refused.id}",
        data={"accept": "false", "date": TUESDAY.isoformat()},
    )
    day_page, trip_page = client.get(DAY).text, client.get(trip).text

    times = _times(trip_page)
    assert times == _times(day_page)
    assert times[str(a.id)] == picked
    assert times[str(refused.id)] == "", "a refused card holds no time, on both pages"
    a_card = _card(trip_page, a.id)
    assert a_card.startswith(f"{picked} ") and "Acceptée : rendez-vous réservé" in a_card
    assert f"réservé {picked}–" in a_card and "à réserver" not in a_card
    assert _card(trip_page, a.id) == _card(day_page, a.id)
    refused_card = _card(trip_page, refused.id)
    assert "Refusée" in refused_card and "à réserver" not in refused_card
    assert refused_card == _card(day_page, refused.id)
    first, last = _shown_slot(day_page, b.id)
    assert first > stale_b[0], "B's slot moved with A's booking"
    b_card = _card(trip_page, b.id)
    assert b_card == _card(day_page, b.id)
    assert f"à réserver {first}–{last}" in b_card
    assert first <= times[str(b.id)] <= last
    # every open proposal starts within the slot it shows
    for p in plan.proposals:
        shown = re.search(r"à réserver (\d\d:\d\d)–(\d\d:\d\d)", _card(trip_page, p.id))
        if shown is not None:
            assert shown.group(1) <= times[str(p.id)] <= shown.group(2), p.id

    # both pages give the day's km and minutes as it is booked now, the same ones
    assert _figures(day_page).startswith("Départ ")
    assert 'id="figures-now"' in _figures(day_page)
    assert "Selon le plan du" not in _trip_heading(trip_page)
    assert _km(_trip_heading(trip_page)) == _km(_figures(day_page))
    assert _km(_trip_heading(trip_page)) != _km(_trip_heading(before_trip)), "A moved the day"
    assert "recalculé avec les rendez-vous de la journée" in _trip_heading(trip_page)
    english = client.get(DAY + "&lang=en").text
    assert _figures(english).startswith("Leave ")
    assert "recomputed with the day&#39;s appointments" in _figures(english)


def test_a_trip_day_with_a_proposal_that_no_longer_fits_says_why(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    plan = _planned(client, demo_db)
    trip = _as_trip(demo_db, plan)
    a, b, slot_a = _pair(plan)
    picked = _minutes(slot_a.at.astimezone(PARIS).strftime("%H:%M"), 40)
    _accept(client, a.id, picked)
    demo_db.execute(
        text(
            """INSERT INTO appointments (rep_id, title, starts_at, ends_at, status)
               SELECT 4, 'Bloqué', ends_at, CAST(:end AS timestamptz), 'confirmed'
               FROM appointments WHERE proposal_id = :p"""
        ),
        {"p": a.id, "end": f"{TUESDAY} 17:30 Europe/Paris"},
    )
    chunk = _stop_on_trip(client.get(trip).text, b.id)
    assert "Ne tient plus depuis la réservation de «\u00a0Bloqué\u00a0»" in chunk
    assert "à réserver" not in chunk
    assert _card(client.get(trip).text, b.id) == _card(client.get(DAY).text, b.id)


def test_a_trip_day_booked_since_the_plan_gives_its_figures_as_booked_like_the_day_page(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """QA: the Tournée page kept « selon le plan du … » km after bookings, while Ma journée
    recomputed them; one rule now gives both the same km (services.as_booked.day_figures)."""
    client = api_as(4)
    plan = _planned(client, demo_db)
    trip = _as_trip(demo_db, plan)
    assert "Selon le plan du" not in _trip_heading(client.get(trip).text)
    demo_db.execute(
        text(
            """INSERT INTO appointments (rep_id, title, starts_at, ends_at, status)
               VALUES (4, 'Soirée', CAST(:start AS timestamptz), CAST(:end AS timestamptz),
                       'confirmed')"""
        ),
        {"start": f"{TUESDAY} 20:00 Europe/Paris", "end": f"{TUESDAY} 20:30 Europe/Paris"},
    )
    heading = _trip_heading(client.get(trip).text)
    page = client.get(DAY).text  # an evening appointment beyond the working day
    assert 'id="day-overtime"' in _figures(page) and 'id="figures-now"' in _figures(page)
    assert "Selon le plan du" not in heading and "recalculé" in heading
    assert _km(heading) == _km(_figures(page))
