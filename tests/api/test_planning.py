"""Planning API on the demo company: stored plans, decisions, roles."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.store import plans
from fieldcrm.store.plans import PARIS, NewProposal
from tests.web import ClientFactory

TUESDAY = dt.date(2026, 4, 21)


def _stored_plan(demo: Session, rep_id: int = 4) -> int:
    account_id = demo.execute(
        text("SELECT account_id FROM account_assignments WHERE owner_id = :r ORDER BY 1 LIMIT 1"),
        {"r": rep_id},
    ).scalar_one()
    start = dt.datetime(2026, 4, 21, 14, 0, tzinfo=PARIS)
    return plans.save_plan(
        demo,
        rep_id=rep_id,
        kind="day",
        day=TUESDAY,
        end_day=None,
        request={"rep_id": rep_id},
        result={"score": 3.0},
        created_by=rep_id,
        proposals=[NewProposal(account_id, start, start + dt.timedelta(minutes=30), 7.0, 4.0)],
    )


def test_rep_reads_own_plan_and_books_a_proposal(api_as: ClientFactory, demo_db: Session) -> None:
    plan_id = _stored_plan(demo_db)
    camille = api_as(4)
    listed = camille.get("/api/planning/plans", params={"day": TUESDAY.isoformat()})
    assert listed.status_code == 200
    assert listed.json()[0]["id"] == plan_id
    latest = camille.get(f"/api/planning/day/{TUESDAY.isoformat()}")
    assert latest.status_code == 200 and latest.json()["id"] == plan_id
    plan = camille.get(f"/api/planning/plans/{plan_id}").json()
    proposal = plan["proposals"][0]
    assert proposal["status"] == "proposed"
    booked = camille.post(
        f"/api/planning/proposals/{proposal['id']}/decision", json={"accept": True}
    )
    assert booked.status_code == 200, booked.text
    body = booked.json()
    assert body["proposal"]["status"] == "accepted"
    starts = demo_db.execute(
        text("SELECT starts_at FROM appointments WHERE id = :i"), {"i": body["appointment_id"]}
    ).scalar_one()
    assert starts == dt.datetime.fromisoformat(proposal["slot_start"])
    again = camille.post(
        f"/api/planning/proposals/{proposal['id']}/decision", json={"accept": False}
    )
    assert again.status_code == 409


def test_other_rep_is_forbidden_manager_allowed(api_as: ClientFactory, demo_db: Session) -> None:
    plan_id = _stored_plan(demo_db)
    proposal_id = plans.get_plan(demo_db, plan_id).proposals[0].id
    claire = api_as(1)
    assert claire.get(f"/api/planning/plans/{plan_id}").status_code == 200
    rejected = claire.post(
        f"/api/planning/proposals/{proposal_id}/decision", json={"accept": False}
    )
    assert rejected.status_code == 200 and rejected.json()["appointment_id"] is None
    julien = api_as(5)
    assert julien.get(f"/api/planning/plans/{plan_id}").status_code == 403
    assert julien.get("/api/planning/plans", params={"rep_id": 4}).status_code == 403
    refused = julien.post(f"/api/planning/proposals/{proposal_id}/decision", json={"accept": True})
    assert refused.status_code == 403


def test_missing_things_are_404_and_bad_dates_422(api_as: ClientFactory) -> None:
    camille = api_as(4)
    assert camille.get("/api/planning/plans/999999999").status_code == 404
    assert camille.get("/api/planning/day/2030-01-01").status_code == 404
    assert camille.get("/api/planning/day/2026-13-45").status_code == 422
    missing = camille.post("/api/planning/proposals/999999999/decision", json={"accept": True})
    assert missing.status_code == 404


def test_plan_day_through_the_api(api_as: ClientFactory) -> None:
    camille = api_as(4)
    response = camille.post(
        "/api/planning/day", json={"day": TUESDAY.isoformat(), "time_limit_s": 1}
    )
    assert response.status_code == 200, response.text
    doc = response.json()
    assert doc["rep_id"] == 4 and doc["kind"] == "day"
    stops = doc["result"]["days"][0]["stops"]
    assert [s["start"][11:16] for s in stops if s["kind"] == "appointment"] == ["10:00"]
    proposals = [s for s in stops if s["kind"] == "candidate"]
    assert proposals and all(s["proposal_id"] for s in proposals)
    assert len(doc["proposals"]) == len(proposals)
    again = camille.get(f"/api/planning/day/{TUESDAY.isoformat()}")
    assert again.json()["id"] == doc["id"]


def test_plan_requests_are_checked(api_as: ClientFactory) -> None:
    julien = api_as(5)
    refused = julien.post("/api/planning/day", json={"day": TUESDAY.isoformat(), "rep_id": 4})
    assert refused.status_code == 403
    bad = julien.post("/api/planning/day", json={"day": "21/04/2026"})
    assert bad.status_code == 422
    backwards = julien.post(
        "/api/planning/trip", json={"start_day": "2026-04-24", "end_day": "2026-04-21"}
    )
    assert backwards.status_code == 422 and "end_day" in backwards.text
    too_long = julien.post(
        "/api/planning/trip", json={"start_day": "2026-04-01", "end_day": "2026-05-30"}
    )
    assert too_long.status_code == 422


def test_accept_at_a_chosen_wall_clock_start(api_as: ClientFactory, demo_db: Session) -> None:
    first = plans.get_plan(demo_db, _stored_plan(demo_db)).proposals[0].id
    second = plans.get_plan(demo_db, _stored_plan(demo_db)).proposals[0].id
    camille = api_as(4)
    # the second plan proposes the same account: refused outside its slot while still open
    outside = camille.post(
        f"/api/planning/proposals/{second}/decision",
        json={"accept": True, "start": "2026-04-21T15:00:00"},
    )
    assert outside.status_code == 409 and "hors du créneau à réserver" in outside.text
    booked = camille.post(
        f"/api/planning/proposals/{first}/decision",
        json={"accept": True, "start": "2026-04-21T14:20:00"},
    )
    assert booked.status_code == 200, booked.text
    starts = demo_db.execute(
        text("SELECT starts_at FROM appointments WHERE id = :i"),
        {"i": booked.json()["appointment_id"]},
    ).scalar_one()
    assert starts == dt.datetime(2026, 4, 21, 14, 20, tzinfo=PARIS)
    # once the account is booked, the other plan's proposal of it is no longer proposed
    again = camille.post(
        f"/api/planning/proposals/{second}/decision",
        json={"accept": True, "start": "2026-04-21T14:20:00"},
    )
    assert again.status_code == 409 and "n’est plus proposée" in again.text
