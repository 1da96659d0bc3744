"""Tournée says what holds as of its plan and what its days leave out: the accounts left
out are the planner's reasons when it computed the trip (« au moment du calcul, le … à … »,
the plan's time, in the reader's language), and a day whose bookings leave no room for lunch
says so with Ma journée's own words (one macro, ``_no_lunch.html``).

The trips are stored as the planner's service stores them (``tests.pages.test_trip_allowances``).
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.store import plans
from fieldcrm.store.plans import PARIS
from tests.pages.test_trip_allowances import D15, D16, TOULON, _stop, _trip
from tests.pages.test_trip_explained import _block, _omission, _plain, _replace
from tests.web import ClientFactory

COMPUTED = dt.datetime(2026, 12, 7, 14, 5, tzinfo=PARIS)
NO_LUNCH = (
    "pas de pause déjeuner possible : les rendez-vous de la journée ne laissent pas de pause"
    " entre 12:00 et 14:00"
)
NO_LUNCH_EN = (
    "no lunch break possible: the day’s appointments leave no break between 12:00 and 14:00"
)


def _two_days(db: Session) -> int:
    """Camille's trip on 15 and 16 December 2026, computed on 7 December at 14:05."""
    plan_id = _trip(db, [(d, [_stop(d, 10, TOULON, None)], False) for d in (D15, D16)])
    db.execute(
        text("UPDATE plans SET created_at = :at WHERE id = :id"), {"at": COMPUTED, "id": plan_id}
    )
    return plan_id


def _day_section(page: str, day: dt.date) -> str:
    found = re.search(
        rf'<section class="card day" data-day="{day.isoformat()}">(.*?)</section>', page, re.S
    )
    assert found is not None, day
    return found.group(1)


def test_the_left_out_accounts_are_said_as_of_the_plan(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    plan_id = _two_days(demo_db)
    doc = plans.get_plan(demo_db, plan_id).result
    label = "n’entre pas entre les rendez-vous fixes"
    doc["omissions"] = [
        _omission(None, "Café du Port", label, []),
        _omission(None, "Boulangerie Mistral", label, []),
    ]
    _replace(demo_db, plan_id, doc)
    page = client.get(f"/tournee?plan={plan_id}").text
    assert _block(page, "omitted-as-of") == (
        "2 comptes écartés sur l’ensemble de la tournée, chacun avec sa raison, au moment du"
        " calcul, le 07/12/2026 à 14:05\u00a0:"
    )
    english = client.get(f"/tournee?plan={plan_id}&lang=en").text
    assert _block(english, "omitted-as-of") == (
        "2 accounts left out of the whole trip, each with its reason, as computed on"
        " 7 Dec 2026 at 14:05:"
    )
    # the plan's time in the company's zone, not the database's UTC clock (13:05)
    assert "13:05" not in _block(page, "omitted-as-of")
    doc["omissions"] = doc["omissions"][:1]
    _replace(demo_db, plan_id, doc)
    one = client.get(f"/tournee?plan={plan_id}").text
    assert _block(one, "omitted-as-of") == (
        "1 compte écarté sur l’ensemble de la tournée, avec sa raison, au moment du calcul,"
        " le 07/12/2026 à 14:05\u00a0:"
    )


def test_a_trip_day_with_no_room_for_lunch_says_it_as_ma_journee_does(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    plan_id = _two_days(demo_db)
    doc = plans.get_plan(demo_db, plan_id).result
    doc["days"][1]["flags"] = ["lunch_skipped"]  # the planner found no lunch break on the 16th
    _replace(demo_db, plan_id, doc)
    page = client.get(f"/tournee?plan={plan_id}").text
    said = NO_LUNCH[:1].upper() + NO_LUNCH[1:] + "."
    assert said in _plain(_day_section(page, D16))
    assert "pause déjeuner" not in _day_section(page, D15)  # the 15th had its lunch break
    english = client.get(f"/tournee?plan={plan_id}&lang=en").text
    assert NO_LUNCH_EN[:1].upper() + NO_LUNCH_EN[1:] + "." in _plain(_day_section(english, D16))
    assert "lunch break" not in _day_section(english, D15)
    # Ma journée says the same words for that day, after its figures
    day = client.get(f"/journee?date={D16.isoformat()}").text
    header = re.search(r'<p class="muted" id="day-figures">(.*?)</p>', day, re.S)
    assert header is not None
    assert f'<span id="day-no-lunch"> · {NO_LUNCH}</span>' in header.group(1)
    other = client.get(f"/journee?date={D15.isoformat()}").text
    assert 'id="day-no-lunch"' not in other
