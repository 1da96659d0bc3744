"""Ma journée in the reader's language on its map too (the appointment's pin, the start), and
saying, next to the day's times, how many of its legs are timed as the crow flies (off the
loaded road data): those times are estimates, the rep should allow some margin."""

from __future__ import annotations

import json
import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.geo import GeoPoint
from fieldcrm.routing.crowfly import CrowFlyTravelTimes
from fieldcrm.services.planning_build import TRIP_BANDS, crowfly_legs, drive_metres, drive_seconds
from tests.pages.test_day_slots_after_booking import DAY, _planned
from tests.web import ClientFactory


def _pins(page: str) -> list[tuple[str, str, str]]:
    """The map's pins: (label, glyph, kind) of each, as the page's script draws them."""
    rows = re.search(r"'fc-pin fc-'.*?\}\s*;\s*(\[\[.*?\]\])\.forEach", page, re.S)
    assert rows is not None, "no pin layer on the map"
    return [(r[2], r[6], r[7]) for r in json.loads(rows.group(1))]


def _note(page: str) -> str | None:
    found = re.search(r'<p class="warning crowfly-times" id="crowfly-times"[^>]*>(.*?)</p>', page)
    return found.group(1) if found else None


def test_the_day_map_speaks_the_readers_language_and_estimated_legs_are_said(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    plan = _planned(client, demo_db)
    day = plan.result["days"][0]
    assert plan.result["travel"] == "graph" and day["crowfly_legs"] == []  # stored: none
    assert _note(client.get(DAY).text) is None, "times along the roads: nothing to say"
    # the same day with two of its legs off the road data, as the planner stores it
    legs = [0, 2]
    demo_db.execute(
        text(
            "UPDATE plans SET result = jsonb_set(jsonb_set(result, '{travel}', "
            "'\"graph+crowfly\"'), '{days,0,crowfly_legs}', CAST(:legs AS jsonb)) "
            "WHERE id = :id"
        ),
        {"id": plan.id, "legs": json.dumps(legs)},
    )
    french = client.get(DAY).text
    pins = _pins(french)
    assert ("RDV", "appointment") in {(glyph, kind) for _label, glyph, kind in pins}
    assert ("Départ", "⌂", "home") in pins
    note = _note(french)
    assert note == (
        "Temps de route estimés à vol d’oiseau pour 2 trajets hors du réseau "
        "routier chargé : prévoyez de la marge."
    )
    english = client.get(DAY + "&lang=en").text
    glyphs = {glyph for _label, glyph, kind in _pins(english) if kind == "appointment"}
    assert glyphs == {"Appt"}
    assert ("Start", "⌂", "home") in _pins(english)
    assert _note(english) == (
        "Driving times estimated as the crow flies for 2 legs off the loaded road "
        "network: allow extra time."
    )


def test_a_days_estimated_legs_are_those_timed_at_the_crowfly_estimate() -> None:
    """On a plan partly along roads, only the legs whose stored time and metres are the
    crow-fly estimate's; all on a plan without roads; none on one along the roads; a plan's
    stored list first."""
    nice, antibes, grenoble = (7.2620, 43.7102), (7.1252, 43.5808), (5.7245, 45.1885)
    places = [nice, antibes, grenoble, nice]
    crow = CrowFlyTravelTimes(bands=TRIP_BANDS).matrix([GeoPoint(*p) for p in places])
    seconds, metres = drive_seconds(crow), drive_metres(crow)
    seconds[0][1], metres[0][1] = 1500, 24_000  # Nice → Antibes along the roads
    day = {
        "timing": {
            "start": {"lon": nice[0], "lat": nice[1]},
            "durations_s": seconds,
            "distances_m": metres,
        },
        "stops": [{"lon": p[0], "lat": p[1]} for p in places[1:-1]],
        "end": {"lon": nice[0], "lat": nice[1]},
    }
    assert crowfly_legs(day, "monaco+crowfly") == [1, 2]
    assert crowfly_legs(day, "crowfly") == [0, 1, 2]
    assert crowfly_legs(day, "monaco") == []
    assert crowfly_legs(day | {"crowfly_legs": [2]}, "monaco+crowfly") == [2]
