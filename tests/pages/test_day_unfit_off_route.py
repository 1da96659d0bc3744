"""A proposal that no longer fits the day as booked now (QA 22: after « Client Cannes » moved
to 12:00, « Hôtel Saint-Roman » still showed « 13:16 » although Cannes ends at 13:00 some
50 minutes away, kept its number on the map and its place in « Tout l'itinéraire dans Google
Maps », while the header's km already left it out): it shows no time, no navigation nor
check-in, is off the map and the whole-route link, as the header's figures as booked leave
it out; its card says « Ne tient plus … » and still offers « Refuser »."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.store.plans import PARIS
from tests.pages.test_day_slots_after_booking import (
    DAY,
    TUESDAY,
    _accept,
    _minutes,
    _planned,
    _stop,
)
from tests.rows import row
from tests.services.test_slots_after_booking import _pair
from tests.web import ClientFactory


def _whole_route(page: str) -> str:
    found = re.search(r'<p class="actions" id="whole-route"><a [^>]*href="([^"]*)"', page)
    assert found is not None
    return found.group(1)


def test_a_proposal_that_no_longer_fits_is_off_the_route_the_map_and_the_times(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    plan = _planned(client, demo_db)
    a, b, slot_a = _pair(plan)
    (stop_b,) = [s for s in plan.result["days"][0]["stops"] if s.get("account_id") == b.account_id]
    where = f"{stop_b['lat']},{stop_b['lon']}"
    page = client.get(DAY).text
    assert where in _whole_route(page), "on the route while it fits"
    assert '<span class="time">' in _stop(page, b.id)
    pin = f'"/comptes/{b.account_id}"'  # its marker's link on the map
    assert pin in page, "on the map while it fits"
    _accept(client, a.id, _minutes(slot_a.at.astimezone(PARIS).strftime("%H:%M"), 40))
    (ends,) = row(
        demo_db,
        "SELECT to_char(ends_at AT TIME ZONE 'Europe/Paris', 'HH24:MI') FROM appointments"
        " WHERE proposal_id = :p",
        p=a.id,
    )
    demo_db.execute(
        text(
            """INSERT INTO appointments (rep_id, title, starts_at, ends_at, status)
               VALUES (4, 'Bloqué', CAST(:start AS timestamptz), CAST(:end AS timestamptz),
                       'confirmed')"""
        ),
        {"start": f"{TUESDAY} {ends} Europe/Paris", "end": f"{TUESDAY} 17:30 Europe/Paris"},
    )
    page = client.get(DAY).text
    chunk = _stop(page, b.id)
    assert "Ne tient plus depuis la réservation de" in chunk
    assert '<span class="time">' not in chunk, "no time it cannot hold"
    assert "Google Maps" not in chunk and "geo:" not in chunk, "no navigation to it"
    assert 'name="accept" value="false"' in chunk, "it can still be rejected"
    assert where not in _whole_route(page), "off the whole-route link"
    assert pin not in page, "off the map (no numbered marker)"
    assert 'id="figures-now"' in page, "the header's figures are the day's as booked"
