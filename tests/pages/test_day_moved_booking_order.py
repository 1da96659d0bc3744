"""A booked visit moved to later in its day (QA 18: Camille booked 09:52 and 16:50, then moved
the 09:52 visit to 17:45 — every other proposal read « Ne tient plus … replanifiez la
journée » with 483 minutes of waiting): the moved visit goes where its new time is on the
route; the proposals that followed it in the plan stay where they were and keep their
slots, and a minute shown is still booked."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.pages.test_day_booked_beyond_hours import _route
from tests.pages.test_day_slots_after_booking import DAY, _accept, _planned, _stop
from tests.web import ClientFactory


def _heure(page: str, proposal_id: int) -> str:
    found = re.search(r'name="heure" value="(\d\d:\d\d)"', _stop(page, proposal_id))
    assert found is not None, _stop(page, proposal_id)
    return found.group(1)


def _move(client: TestClient, db: Session, proposal_id: int, start: str) -> None:
    """The visit booked by the proposal moved to ``start`` the same day, as the agenda does."""
    appointment = db.execute(
        text("SELECT id FROM appointments WHERE proposal_id = :p"), {"p": proposal_id}
    ).scalar_one()
    moved = client.patch(f"/api/appointments/{appointment}", json={"time": start})
    assert moved.status_code == 200, moved.text


def test_a_visit_moved_later_leaves_the_proposals_after_its_old_time_their_slots(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    plan = _planned(client, demo_db)
    route = _route(plan)
    assert len(route) >= 5
    early, late = route[1], route[-2]
    page = client.get(DAY).text
    _accept(client, early.id, _heure(page, early.id))
    page = client.get(DAY).text
    late_at = _heure(page, late.id)
    _accept(client, late.id, late_at)
    ends = dt.datetime.combine(dt.date(2026, 4, 21), dt.time.fromisoformat(late_at))
    ends += dt.timedelta(minutes=late.visit_minutes + 15)
    _move(client, demo_db, early.id, ends.strftime("%H:%M"))

    page = client.get(DAY).text
    others = [p for p in route if p.id not in (early.id, late.id)]
    chunks = {p.id: _stop(page, p.id) for p in others}
    fitting = [p for p in others if "à réserver" in chunks[p.id]]
    # those planned after the early visit's old time are no longer behind its new one
    assert [p.id for p in route[2:-2] if p in fitting] == [p.id for p in route[2:-2]], [
        chunks[p.id] for p in others if p not in fitting
    ]
    assert "Hors de vos horaires" not in page
    # a minute shown is booked
    first = route[2]
    heure = _heure(page, first.id)
    page = _accept(client, first.id, heure)
    assert f"Acceptée : rendez-vous réservé {heure}–" in _stop(page, first.id)


def test_one_visit_moved_later_leaves_the_proposals_after_its_old_time_their_slots(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """With one booking only, moved from late morning (after the 10:00 appointment, before
    the afternoon's proposals) to the end of the day."""
    client = api_as(4)
    plan = _planned(client, demo_db)
    route = _route(plan)
    moved = route[1]
    _accept(client, moved.id, _heure(client.get(DAY).text, moved.id))
    _move(client, demo_db, moved.id, "17:15")
    page = client.get(DAY).text
    middle = route[2:-2]
    assert middle
    condemned = [_stop(page, p.id) for p in middle if "à réserver" not in _stop(page, p.id)]
    assert condemned == []
