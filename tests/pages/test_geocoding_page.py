"""The geocoding screen: backlog, an offline batch, the review queue."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.web import ClientFactory


def test_office_runs_an_offline_batch_and_sees_the_review_queue(
    api_as: ClientFactory, demo_db: Session
) -> None:
    office = api_as(2)
    page = office.get("/geocodage")
    assert page.status_code == 200 and "attendent leur géocodage" in page.text
    pending = demo_db.execute(
        text("SELECT count(*) FROM accounts WHERE geocode_status = 'pending'")
    ).scalar_one()
    assert pending > 0
    done = office.post("/geocodage", data={"offline": "true"}, follow_redirects=True)
    assert done.status_code == 200 and "comptes traités" in done.text
    left = demo_db.execute(
        text("SELECT count(*) FROM accounts WHERE geocode_status = 'pending'")
    ).scalar_one()
    assert left < pending
    assert 'id="review"' in done.text
    assert api_as(4).get("/geocodage").status_code == 403
