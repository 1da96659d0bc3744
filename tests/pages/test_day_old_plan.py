"""Ma journée with a plan stored before its timing was kept: its slots are shown while the
day is unchanged; once an appointment is booked that day, no open proposal offers a slot,
each says why in French (English on request), accepting is a French 409 on the page and
the API, and rejecting still works."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.store import plans
from fieldcrm.store.plans import PARIS, ProposalRow
from tests.pages.test_day_slots_after_booking import DAY, TUESDAY, _booked, _planned, _stop
from tests.services.test_slots_verified import OLD_PLAN, _as_old_plan, _insert
from tests.web import ClientFactory

SHOWN = OLD_PLAN  # no guillemets: the page shows it as is


def _refusal(client: TestClient, proposal_id: int) -> str:
    done = client.post(
        f"/journee/propositions/{proposal_id}",
        data={"accept": "true", "date": TUESDAY.isoformat()},
        follow_redirects=True,
    )
    assert done.status_code == 200
    return str(done.text)


def _day_changed(db: Session, plan_id: int) -> list[ProposalRow]:
    """The plan made an older one, an appointment booked on its day since (a refusal rolls
    the shared test session back: done again after each); its open proposals."""
    plan = _as_old_plan(db, plans.get_plan(db, plan_id))
    at = dt.datetime.combine(TUESDAY, dt.time(7, 0), tzinfo=PARIS)
    db.execute(text("DELETE FROM appointments WHERE title = 'Réunion fournisseur'"))
    _insert(db, "Réunion fournisseur", at, at + dt.timedelta(minutes=30))
    return [p for p in plan.proposals if p.status == "proposed"]


def test_an_older_plan_offers_no_slot_once_its_day_changed(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    plan = _as_old_plan(demo_db, _planned(client, demo_db))
    page = client.get(DAY).text
    assert OLD_PLAN not in page
    assert all("à réserver" in _stop(page, p.id) for p in plan.proposals), "unchanged: slots"
    open_ = _day_changed(demo_db, plan.id)
    page = client.get(DAY).text
    for p in open_:
        chunk = _stop(page, p.id)
        assert SHOWN in chunk and "à réserver" not in chunk and 'class="accept"' not in chunk
        assert 'name="accept" value="false"' in chunk, "it can still be rejected"
    english = _stop(client.get(DAY + "&lang=en").text, open_[0].id)
    assert "Plan made before the day’s bookings: plan the day again for safe slots." in english
    api = client.get(f"/api/planning/day/{TUESDAY.isoformat()}").json()
    assert {p["id"]: (p["bookable"], p["no_longer_fits"]) for p in api["proposals"]} == {
        p.id: (None, OLD_PLAN) for p in open_
    }
    p = open_[0]
    assert re.findall(r'id="day-refusal">(.*?)</p>', _refusal(client, p.id)) == [SHOWN]
    assert _booked(demo_db, p.id) == []
    _day_changed(demo_db, plan.id)
    refused = client.post(f"/api/planning/proposals/{p.id}/decision", json={"accept": True})
    assert refused.status_code == 409 and refused.json()["detail"] == OLD_PLAN
    assert _booked(demo_db, p.id) == []
    _day_changed(demo_db, plan.id)
    rejected = client.post(f"/api/planning/proposals/{p.id}/decision", json={"accept": False})
    assert rejected.status_code == 200 and rejected.json()["proposal"]["status"] == "rejected"
    assert plans.get_proposal(demo_db, p.id).status == "rejected"
