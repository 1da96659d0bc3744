"""Planning API on a day before today (06/12/2026 in Paris): 422 naming the field, in
French, nothing stored nor booked nor queued."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from fieldcrm.services import plan_dates
from fieldcrm.store import plans
from tests.services.test_past_days import (
    QA_NOW,
    TUESDAY,
    _appointments_of,
    _count,
    _stored_plan,
)
from tests.web import ClientFactory


def test_the_api_answers_422_and_stores_nothing(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    camille = api_as(4)
    proposal_id = plans.get_plan(demo_db, _stored_plan(demo_db, TUESDAY)).proposals[0].id
    monkeypatch.setattr(plan_dates, "now", lambda: QA_NOW)
    before = _count(demo_db, "SELECT count(*) FROM plans")
    refused = camille.post("/api/planning/day", json={"day": "2026-11-30", "time_limit_s": 1})
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert body["field"] == "day" and "30/11/2026 est passé" in body["detail"]
    trip = camille.post(
        "/api/planning/trip", json={"start_day": "2026-12-04", "end_day": "2026-12-08"}
    )
    assert trip.status_code == 422 and trip.json()["field"] == "start_day"
    queued = camille.post(
        "/api/planning/trip/jobs", json={"start_day": "2026-12-04", "end_day": "2026-12-08"}
    )
    assert queued.status_code == 422 and queued.json()["field"] == "start_day"
    booked = camille.post(f"/api/planning/proposals/{proposal_id}/decision", json={"accept": True})
    assert booked.status_code == 422 and booked.json()["field"] == "day", booked.text
    assert _count(demo_db, "SELECT count(*) FROM plans") == before
    assert _appointments_of(demo_db, proposal_id) == 0
