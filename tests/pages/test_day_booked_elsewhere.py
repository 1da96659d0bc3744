"""Ma journée when a proposed account is booked on another day from that day's plan: its card
reads « Déjà réservé le … » with no slot, time, booking button, navigation nor check-in, it
is off the map and the route, and its neighbour's slot widens — the page and the API say
the same, and the minute gained is booked."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.store import plans
from fieldcrm.store.plans import PARIS
from tests.pages.test_day_slots_after_booking import (
    DAY,
    TUESDAY,
    _accept,
    _booked,
    _minutes,
    _planned,
    _shown_slot,
)
from tests.services.test_day_booking import _stored
from tests.services.test_slots_after_booking import _pair
from tests.web import ClientFactory

WEDNESDAY = TUESDAY + dt.timedelta(days=1)
MAP_PROPOSAL = '"proposal"]'
"""The end of a proposal pin's row in the map's script (:func:`fieldcrm.maps._pin_row`)."""


def _stop(page: str, proposal_id: int) -> tuple[str, str]:
    """The classes and the inside of the proposal's stop on the day page."""
    found = re.search(
        rf'<li class="(stop candidate[^"]*)"[^>]*data-proposal="{proposal_id}">(.*?)</li>',
        page,
        re.S,
    )
    assert found is not None, page
    return found.group(1), found.group(2)


def _whole_route(page: str) -> str:
    found = re.search(r'id="whole-route"><a class="button"[^>]*href="([^"]*)"', page)
    assert found is not None
    return found.group(1)


def test_a_card_booked_on_another_day_reads_already_booked_and_frees_its_time(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    plan = _planned(client, demo_db)
    a, x, _slot = _pair(plan)  # A's latest start is bound by X's
    before = client.get(DAY).text
    first, last = _shown_slot(before, a.id)
    x_stop = next(s for s in plan.result["days"][0]["stops"] if s.get("account_id") == x.account_id)
    where = f"{x_stop['lat']},{x_stop['lon']}"
    assert where in _whole_route(before)
    classes, inside = _stop(before, x.id)
    assert classes == "stop candidate" and 'class="accept"' in inside
    # X booked on Wednesday from Wednesday's plan, on the page
    wednesday = plans.get_plan(demo_db, _stored(demo_db, WEDNESDAY, 15, x.account_id))
    (offer,) = wednesday.proposals
    client.post(
        f"/journee/propositions/{offer.id}",
        data={"accept": "true", "date": WEDNESDAY.isoformat()},
    )
    (booked_id, starts_at) = demo_db.execute(
        text("SELECT id, starts_at FROM appointments WHERE proposal_id = :p"), {"p": offer.id}
    ).one()
    when = starts_at.astimezone(PARIS)
    page = client.get(DAY).text
    classes, inside = _stop(page, x.id)
    assert classes == "stop candidate released"
    said = re.search(r'<p class="warn booked-near">(.*?)</p>', inside)
    assert said is not None
    assert said.group(1) == (
        f"Déjà réservé le 22/04/2026 à {when:%H:%M} : la visite n’est plus proposée."
    )
    for gone in ('class="time"', "à réserver", 'name="heure"', 'class="accept"', "Refuser"):
        assert gone not in inside, gone
    assert 'class="actions nav"' not in inside and 'class="checkin"' not in inside
    assert where not in _whole_route(page)
    assert page.count(MAP_PROPOSAL) == before.count(MAP_PROPOSAL) - 1
    # A may start later now; the API says the same
    new_first, new_last = _shown_slot(page, a.id)
    assert new_first <= first and new_last > last
    api = client.get(f"/api/planning/day/{TUESDAY.isoformat()}").json()
    by_id = {p["id"]: p for p in api["proposals"]}
    assert by_id[x.id]["bookable"] is None and by_id[x.id]["no_longer_fits"] is None
    assert by_id[x.id]["already_booked"] == {
        "appointment_id": booked_id,
        "starts_at": starts_at.isoformat(),
        "message": f"Déjà réservé le 22/04/2026 à {when:%H:%M} : la visite n’est plus proposée.",
    }
    a_json = by_id[a.id]["bookable"]
    assert (a_json["first"][11:16], a_json["last"][11:16]) == (new_first, new_last)
    assert by_id[a.id]["already_booked"] is None
    # X cannot be accepted on Tuesday (a stale form): French refusal, nothing booked
    refused = _accept(client, x.id, "15:00")
    alert = re.search(r'id="day-refusal">(.*?)</p>', refused)
    assert alert is not None and "est déjà réservé le 22/04/2026" in alert.group(1)
    assert _booked(demo_db, x.id) == []
    assert plans.get_proposal(demo_db, x.id).status == "proposed"
    # the minute X used to forbid A is booked
    gained = _minutes(last, 1)
    _accept(client, a.id, gained)
    assert _booked(demo_db, a.id) == [gained]
