"""« Comptes écartés » after a booking (QA 22: it still said « il prendrait la place de
« Hôtel Saint-Roman Benali » » once that visit was booked): a reason naming a planned visit
booked since is said as of the plan, names what was booked, and the section offers to plan
the day again; the others keep the planner's reason as it is."""

from __future__ import annotations

import json
import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.services.planning_build import omission_label
from tests.pages.test_day_booked_beyond_hours import _route
from tests.pages.test_day_slots_after_booking import DAY, _accept, _planned, _stop
from tests.web import ClientFactory


def _omitted(page: str) -> str:
    found = re.search(r"<h2>(?:Comptes écartés|Accounts left out)</h2>(.*?)</section>", page, re.S)
    assert found is not None
    return found.group(1)


def test_a_reason_naming_a_visit_booked_since_is_said_as_of_the_plan(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    plan = _planned(client, demo_db)
    first, other = _route(plan)[:2]
    # the planner's reasons (as planning_build stores them) naming two of the day's visits
    omissions = [
        {
            "account_id": None,
            "name": f"Compte Témoin {k}",
            "reason": "displaces",
            "loss_eur": 12.0,
            "displaced": [visit.account_name],
            "joined": 0,
            "label": omission_label("displaces", 12.0, displaced=[visit.account_name]),
        }
        for k, visit in enumerate((first, other))
    ]
    demo_db.execute(
        text(
            "UPDATE plans SET result = jsonb_set(result, '{omissions}', CAST(:o AS jsonb))"
            " WHERE id = :p"
        ),
        {"o": json.dumps(omissions), "p": plan.id},
    )
    listed = _omitted(client.get(DAY).text)
    assert "réservé depuis" not in listed and 'id="replan-omitted"' not in listed
    assert "il prendrait la place de" in listed

    heure = re.search(r'name="heure" value="(\d\d:\d\d)"', _stop(client.get(DAY).text, first.id))
    assert heure is not None
    listed = _omitted(_accept(client, first.id, heure.group(1)))
    items = re.findall(r"<li( class=\"booked-since\")?>(.*?)</li>", listed, re.S)
    (booked,) = [said for mark, said in items if mark]
    (still,) = [said for mark, said in items if not mark]
    assert "Compte Témoin 0" in booked and "au plan du " in booked
    assert f"{first.account_name}\u00a0» réservé depuis" in booked
    assert "Compte Témoin 1" in still and "réservé depuis" not in still
    assert 'id="replan-omitted"' in listed, "it offers to plan the day again"
    english = _omitted(client.get(DAY + "&lang=en").text)
    assert f"“{first.account_name}” booked since" in english
