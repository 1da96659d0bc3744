"""A day whose bookings leave no room for lunch says so (QA 22: after replanning around
« Client Cannes » 12:00–13:00 the header no longer mentioned lunch, 08:25–18:28 of visits,
driving and waiting with no break, and the planner's ``lunch_skipped`` was never shown):
« pas de pause déjeuner possible : … » on the day as planned and as booked since, in both
languages."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.store.plans import PARIS
from tests.pages.test_day_booked_beyond_hours import _route
from tests.pages.test_day_slots_after_booking import DAY, TUESDAY, _accept, _planned, _stop
from tests.web import ClientFactory

SAID = (
    "pas de pause déjeuner possible : les rendez-vous de la journée ne laissent pas de pause"
    " entre 12:00 et 14:00"
)


def _header(page: str) -> str:
    found = re.search(r'<p class="muted" id="day-figures">(.*?)</p>', page, re.S)
    assert found is not None
    return found.group(1)


def test_a_day_with_no_room_for_lunch_says_so_as_planned_and_as_booked(
    api_as: ClientFactory, demo_db: Session
) -> None:
    demo_db.execute(
        text(
            """INSERT INTO appointments (rep_id, title, starts_at, ends_at, status, geom)
               VALUES (4, 'Déjeuner d''affaires', :start, :end, 'confirmed',
                       ST_SetSRID(ST_MakePoint(7.262, 43.700), 4326))"""
        ),
        {
            "start": dt.datetime.combine(TUESDAY, dt.time(12, 10), tzinfo=PARIS),
            "end": dt.datetime.combine(TUESDAY, dt.time(13, 50), tzinfo=PARIS),
        },
    )
    client = api_as(4)
    plan = _planned(client, demo_db)
    assert "lunch_skipped" in plan.result["days"][0]["flags"]
    header = _header(client.get(DAY).text)
    assert SAID in header and "déjeuner vers" not in header
    english = _header(client.get(DAY + "&lang=en").text)
    assert (
        "no lunch break possible: the day’s appointments leave no break between 12:00 and 14:00"
        in english
    )
    # booked since: the header's figures as booked now still say it
    first = _route(plan)[0]
    heure = re.search(r'name="heure" value="(\d\d:\d\d)"', _stop(client.get(DAY).text, first.id))
    assert heure is not None
    header = _header(_accept(client, first.id, heure.group(1)))
    assert 'id="figures-now"' in header and SAID in header
