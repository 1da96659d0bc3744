"""A refused proposal on « Ma journée » (QA at 390×844: the card still showed its planned time
and the navigation buttons, as if the visit were booked) reads « Refusée » and holds nothing
to act on: no time, no slot, no accept/refuse form, no navigation, no check-in; it is off the
map and the whole-route link; the other visits keep theirs."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from tests.pages.test_day_decided_cards import _refuse
from tests.pages.test_day_slots_after_booking import DAY, _planned, _stop
from tests.web import ClientFactory


def _route_link(page: str) -> str:
    found = re.search(
        r'<p class="actions" id="whole-route"><a class="button"[^>]*href="([^"]+)"', page
    )
    assert found is not None, "the whole-route link"
    return found.group(1)


def test_a_refused_card_reads_refused_with_no_time_nor_buttons(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    plan = _planned(client, demo_db)
    before = client.get(DAY).text
    refused = next(p for p in plan.proposals if 'class="accept"' in _stop(before, p.id))
    stop = next(
        s for s in plan.result["days"][0]["stops"] if s.get("account_id") == refused.account_id
    )
    here = f"{stop['lat']},{stop['lon']}"
    card = _stop(before, refused.id)
    assert '<span class="time">' in card and f"destination={here}" in card  # open: both
    assert here in _route_link(before)

    page = _refuse(client, refused.id)
    card = _stop(page, refused.id)
    assert '<p class="muted status">Refusée</p>' in card
    assert '<span class="time">' not in card, "no time held for a refused visit"
    assert "à réserver" not in card and 'name="heure"' not in card
    assert 'name="accept"' not in card, "neither accept nor refuse again"
    assert "maps/dir" not in card and "waze.com" not in card and "geo:" not in card
    assert 'class="checkin"' not in card
    assert here not in _route_link(page), "the route no longer goes there"
    others = [p for p in plan.proposals if p.id != refused.id]
    assert others
    assert all('<span class="time">' in _stop(page, p.id) for p in others)
    assert all("maps/dir" in _stop(page, p.id) for p in others)
