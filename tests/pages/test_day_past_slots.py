"""Ma journée at a fixed time of the planned day: no slot shown starts before now, and a
proposal whose whole slot is past says so in French and can only be rejected."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy.orm import Session

from fieldcrm.pages import day as day_page
from fieldcrm.store import plans
from fieldcrm.store.plans import PARIS
from tests.pages.test_day_slots_after_booking import DAY, TUESDAY, _booked, _planned, _stop
from tests.web import ClientFactory

PAST = "Créneau passé : replanifiez la journée."


def test_a_past_slot_is_not_offered_and_only_rejected(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = api_as(4)
    plan = _planned(client, demo_db)
    first = min(plan.proposals, key=lambda p: p.slot_start)
    later = max(plan.proposals, key=lambda p: p.slot_start)
    # one minute after the first proposal's last bookable minute of the morning
    page = client.get(DAY).text
    shown = re.search(r"à réserver (\d\d:\d\d)–(\d\d:\d\d), détour", _stop(page, first.id))
    assert shown is not None
    last = dt.time.fromisoformat(shown.group(2))
    now = dt.datetime.combine(TUESDAY, last, tzinfo=PARIS) + dt.timedelta(minutes=1, seconds=5)
    monkeypatch.setattr(day_page, "request_time", lambda: now)
    page = client.get(DAY).text
    past = _stop(page, first.id)
    assert PAST in past and 'name="heure"' not in past
    # the others start at the next whole minute after now at the earliest
    after = re.search(r'name="heure" value="(\d\d:\d\d)" min="(\d\d:\d\d)"', _stop(page, later.id))
    assert after is not None and after.group(2) >= (now + dt.timedelta(minutes=1)).strftime("%H:%M")
    # accepting is refused in French, nothing booked; rejecting works
    done = client.post(
        f"/journee/propositions/{first.id}",
        data={"accept": "true", "date": TUESDAY.isoformat()},
        follow_redirects=True,
    )
    alert = re.search(r'id="day-refusal">(.*?)</p>', done.text)
    assert alert is not None and "est passé : replanifiez la journée." in alert.group(1)
    assert _booked(demo_db, first.id) == []
    client.post(
        f"/journee/propositions/{first.id}",
        data={"accept": "false", "date": TUESDAY.isoformat()},
    )
    again = plans.get_plan(demo_db, plan.id)
    assert next(p.status for p in again.proposals if p.id == first.id) == "rejected"
