"""A refused proposal leaves its day's route as booked now, its detour gone: « Frais » planned
figures are derived again, as after an accepted one (review 22: only accepting queued the
derivation, so /frais kept the day's old km until something else derived them)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tests.pages.test_day_slots_after_booking import TUESDAY, _planned
from tests.services.test_trips_rederived import _forget_queued, _queued
from tests.web import ClientFactory


def test_refusing_a_proposal_queues_the_derivation_of_its_years_trips(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    plan = _planned(client, demo_db)
    proposal = next(p for p in plan.proposals if p.status == "proposed")
    _forget_queued(demo_db)
    refused = client.post(
        f"/journee/propositions/{proposal.id}",
        data={"accept": "false", "date": TUESDAY.isoformat()},
        follow_redirects=True,
    )
    assert refused.status_code == 200
    assert _queued(demo_db) == [{"rep_id": 4, "year": TUESDAY.year}]
