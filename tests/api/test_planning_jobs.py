"""Planning API: a trip queued as a job (202, then its plan), and the search budget a request
that waits for its plan may ask for."""

from __future__ import annotations

from contextlib import nullcontext

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.config import Settings
from fieldcrm.services import planning_jobs
from fieldcrm.store import jobs as job_store
from tests.web import ClientFactory

SETTINGS = Settings(
    database_url="postgresql+psycopg://unused/unused", planner_time_limit_s=3.0, _env_file=None
)
TRIP = {"start_day": "2026-04-21", "end_day": "2026-04-24"}


def _count(db: Session, table: str) -> int:
    return int(db.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_a_queued_trip_answers_202_with_its_job_then_its_plan(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """``POST /planning/trip/jobs`` answers at once, nothing planned yet; once a worker ran
    the job its ``result.plan_id`` is the stored trip, readable at ``/planning/plans/{id}``."""
    sophie = api_as(6)
    plans_before = _count(demo_db, "plans")
    queued = sophie.post("/api/planning/trip/jobs", json={**TRIP, "time_limit_s": 90})
    assert queued.status_code == 202, queued.text
    job = queued.json()
    assert (job["kind"], job["status"], job["label"], job["result"]) == (
        "trip_plan",
        "queued",
        "Tournée du 21/04 au 24/04 — Sophie Durand",
        None,
    )
    assert _count(demo_db, "plans") == plans_before
    stored = job_store.job(demo_db, job["id"])
    assert stored is not None and stored.params["time_limit_s"] == 90
    assert stored.params["actor"] == {"id": 6, "role": "rep"}

    planning_jobs.run_trip_job(lambda: nullcontext(demo_db), job["id"], settings=SETTINGS)

    done = sophie.get(f"/api/jobs/{job['id']}").json()
    assert (done["status"], done["done"], done["total"], done["error"]) == ("done", 4, 4, None)
    plan = sophie.get(f"/api/planning/plans/{done['result']['plan_id']}")
    assert plan.status_code == 200, plan.text
    doc = plan.json()
    assert (doc["kind"], doc["rep_id"], doc["day"], doc["end_day"]) == (
        "trip",
        6,
        "2026-04-21",
        "2026-04-24",
    )
    assert doc["result"]["overnight"]["recommendation"] == "stay"
    assert _count(demo_db, "plans") == plans_before + 1


def test_a_queued_trip_is_checked_before_it_is_queued(
    api_as: ClientFactory, demo_db: Session
) -> None:
    jobs_before = _count(demo_db, "jobs")
    julien = api_as(5)
    assert julien.post("/api/planning/trip/jobs", json={**TRIP, "rep_id": 6}).status_code == 403
    backwards = julien.post(
        "/api/planning/trip/jobs", json={"start_day": "2026-04-24", "end_day": "2026-04-21"}
    )
    assert backwards.status_code == 422 and backwards.json()["field"] == "end_day"
    too_long = julien.post(
        "/api/planning/trip/jobs", json={"start_day": "2026-04-01", "end_day": "2026-05-30"}
    )
    assert too_long.status_code == 422 and too_long.json()["field"] == "end_day"
    unknown = api_as(3).post("/api/planning/trip/jobs", json={**TRIP, "rep_id": 999999})
    assert unknown.status_code == 404  # the admin may plan for anyone, but nobody is 999999
    greedy = julien.post("/api/planning/trip/jobs", json={**TRIP, "time_limit_s": 121})
    assert greedy.status_code == 422 and "time_limit_s" in greedy.text
    assert _count(demo_db, "jobs") == jobs_before


def test_a_request_waiting_for_its_plan_may_search_30_s_at_most(
    api_as: ClientFactory, demo_db: Session
) -> None:
    sophie = api_as(6)
    plans_before = _count(demo_db, "plans")
    for path, body in (
        ("/api/planning/trip", TRIP),
        ("/api/planning/day", {"day": "2026-04-21"}),
    ):
        refused = sophie.post(path, json={**body, "time_limit_s": 31})
        assert refused.status_code == 422, (path, refused.text)
        (error,) = refused.json()["detail"]
        assert error["loc"] == ["body", "time_limit_s"]
        assert "30" in error["msg"]
    assert _count(demo_db, "plans") == plans_before
    # the queued trip may search longer
    assert (
        sophie.post("/api/planning/trip/jobs", json={**TRIP, "time_limit_s": 31}).status_code == 202
    )
