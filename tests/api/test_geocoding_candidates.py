"""Choosing a review candidate through the API: placed and confirmed, refused for a
candidate that is not there (422 naming the field) or an account out of reach (403)."""

from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.geocoding.gazetteer import load_gazetteer
from tests.web import ClientFactory


def _doubtful(db: Session, owner: int) -> tuple[int, list[dict[str, object]]]:
    account = db.execute(
        text("SELECT min(account_id) FROM account_assignments WHERE owner_id = :o"), {"o": owner}
    ).scalar_one()
    menton = load_gazetteer().commune_of("06083")
    assert menton is not None
    candidates = [
        {"label": menton.label, "insee": "06083", "lon": menton.point.lon, "lat": menton.point.lat}
    ]
    db.execute(
        text(
            """UPDATE accounts SET geocode_status = 'to_review', location_locked = false,
                 geocode_candidates = CAST(:c AS jsonb) WHERE id = :id"""
        ),
        {"c": json.dumps(candidates), "id": account},
    )
    return account, candidates


def test_choosing_a_candidate_confirms_the_account(api_as: ClientFactory, demo_db: Session) -> None:
    account, candidates = _doubtful(demo_db, 4)
    review = api_as(2).get("/api/geocoding/review").json()
    assert [i["candidates"] for i in review["items"] if i["id"] == account] == [candidates]
    answer = api_as(4).post(f"/api/geocoding/accounts/{account}/candidates/0")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["lon"], body["lat"], body["status"], body["locked"]) == (
        candidates[0]["lon"],
        candidates[0]["lat"],
        "manual",
        True,
    )
    status = demo_db.execute(
        text("SELECT geocode_status FROM accounts WHERE id = :id"), {"id": account}
    ).scalar_one()
    assert status == "manual"


def test_a_missing_candidate_or_a_colleagues_account_is_refused(
    api_as: ClientFactory, demo_db: Session
) -> None:
    account, _ = _doubtful(demo_db, 5)
    missing = api_as(2).post(f"/api/geocoding/accounts/{account}/candidates/3")
    assert missing.status_code == 422
    assert "candidat" in missing.text
    other = api_as(4).post(f"/api/geocoding/accounts/{account}/candidates/0")
    assert other.status_code == 403
    status = demo_db.execute(
        text("SELECT geocode_status FROM accounts WHERE id = :id"), {"id": account}
    ).scalar_one()
    assert status == "to_review"
