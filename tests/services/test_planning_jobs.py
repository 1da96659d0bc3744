"""A trip planned as a job: its progress steps, its actor rebuilt when it runs, run once."""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import SYSTEM, Actor, Role
from fieldcrm.config import Settings
from fieldcrm.errors import Forbidden, InvalidInput
from fieldcrm.services import plan_dates, planning, planning_jobs
from fieldcrm.store import jobs as job_store
from fieldcrm.worker.queue import make_queue

SETTINGS = Settings(
    database_url="postgresql+psycopg://unused/unused",
    planner_time_limit_s=3.0,
    planner_detour_km=5,
    planner_max_candidates=12,
    _env_file=None,
)
START, END = dt.date(2026, 4, 21), dt.date(2026, 4, 24)
SOPHIE = Actor(6, Role.REP, "Sophie Durand")


def test_plan_trip_tells_each_step_in_order(demo_db: Session) -> None:
    steps: list[int] = []
    plan = planning.plan_trip(
        demo_db,
        actor=SYSTEM,
        rep_id=6,
        start_day=START,
        end_day=END,
        settings=SETTINGS,
        progress=steps.append,
    )
    assert steps == [1, 2, 3, 4] and planning.STEPS == 4
    assert plan.kind == "trip"


def test_the_job_moves_its_bar_step_by_step_and_runs_once(
    demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    job_id = planning_jobs.start_trip_planning(
        demo_db, actor=SOPHIE, rep_id=6, start_day=START, end_day=END
    )
    moves: list[tuple[int, int]] = []
    real = job_store.set_progress

    def recording(session: Session, jid: int, done: int, total: int | None = None) -> None:
        moves.append((jid, done))
        real(session, jid, done, total)

    monkeypatch.setattr(job_store, "set_progress", recording)
    planning_jobs.run_trip_job(lambda: nullcontext(demo_db), job_id, settings=SETTINGS)
    assert moves == [(job_id, 1), (job_id, 2), (job_id, 3), (job_id, 4)]
    job = job_store.job(demo_db, job_id)
    assert job is not None and job.status == "done" and job.result is not None
    plans = demo_db.execute(text("SELECT count(*) FROM plans WHERE rep_id = 6")).scalar_one()
    planning_jobs.run_trip_job(lambda: nullcontext(demo_db), job_id, settings=SETTINGS)
    again = demo_db.execute(text("SELECT count(*) FROM plans WHERE rep_id = 6")).scalar_one()
    assert again == plans  # a finished job is not run twice
    assert job_store.job(demo_db, job_id) == job


def test_a_user_deactivated_before_the_run_plans_nothing(demo_db: Session) -> None:
    job_id = planning_jobs.start_trip_planning(
        demo_db, actor=SOPHIE, rep_id=6, start_day=START, end_day=END
    )
    demo_db.execute(text("UPDATE users SET active = false WHERE id = 6"))
    planning_jobs.run_trip_job(lambda: nullcontext(demo_db), job_id, settings=SETTINGS)
    job = job_store.job(demo_db, job_id)
    assert job is not None and job.status == "failed"
    assert job.error == "Vous ne pouvez plus planifier cette tournée : user 6 is no longer active"


def test_queueing_checks_rights_dates_and_budget(demo_db: Session) -> None:
    before = demo_db.execute(text("SELECT count(*) FROM jobs")).scalar_one()
    with pytest.raises(Forbidden):
        planning_jobs.start_trip_planning(
            demo_db, actor=SOPHIE, rep_id=4, start_day=START, end_day=END
        )
    with pytest.raises(InvalidInput) as backwards:
        planning_jobs.start_trip_planning(
            demo_db, actor=SOPHIE, rep_id=6, start_day=END, end_day=START
        )
    assert backwards.value.field == "end_day"
    for budget in (0, 120.5):
        with pytest.raises(InvalidInput) as greedy:
            planning_jobs.start_trip_planning(
                demo_db, actor=SOPHIE, rep_id=6, start_day=START, end_day=END, time_limit_s=budget
            )
        assert greedy.value.field == "time_limit_s"
    assert demo_db.execute(text("SELECT count(*) FROM jobs")).scalar_one() == before


def test_dates_checked_at_the_clock_given_and_kept_for_the_run(demo_db: Session) -> None:
    """« Ma journée » queues the trip holding a day as of its request's clock (``now``)."""
    before = demo_db.execute(text("SELECT count(*) FROM jobs")).scalar_one()
    wednesday = dt.datetime(2026, 4, 22, 8, 0, tzinfo=dt.UTC)
    with pytest.raises(InvalidInput) as past:
        planning_jobs.start_trip_planning(
            demo_db, actor=SOPHIE, rep_id=6, start_day=START, end_day=END, now=wednesday
        )
    assert past.value.field == "start_day"
    assert demo_db.execute(text("SELECT count(*) FROM jobs")).scalar_one() == before
    monday = dt.datetime(2026, 4, 20, 8, 0, tzinfo=dt.UTC)
    job_id = planning_jobs.start_trip_planning(
        demo_db, actor=SOPHIE, rep_id=6, start_day=START, end_day=END, now=monday
    )
    job = job_store.job(demo_db, job_id)
    assert job is not None and job.params["asked_at"] == monday.isoformat()
    assert "instead_of" not in job.params  # a trip asked for itself


def test_the_worker_knows_the_task() -> None:
    queue = make_queue(SETTINGS)
    assert job_store.PLAN_TRIP in queue.tasks


def test_a_trip_starting_today_is_planned_from_when_the_job_runs_not_when_it_was_asked(
    demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Camille asks on its first day at 10:20 for a trip of two days, the job runs at 10:40:
    its dates are checked as of 10:20 (the run keeps the request's clock for them) but the
    day leaves no earlier than 10:45 — not at 10:25, twenty minutes in the past by then."""
    camille, paris = Actor(4, Role.REP, "Camille Martin"), ZoneInfo("Europe/Paris")
    asked = dt.datetime.combine(START, dt.time(10, 20), tzinfo=paris)
    demo_db.execute(
        text("DELETE FROM appointments WHERE rep_id = 4 AND starts_at >= :a AND starts_at < :b"),
        {"a": asked.replace(hour=0, minute=0), "b": asked.replace(hour=23, minute=59)},
    )  # nothing under way: the day starts from the clock alone
    job_id = planning_jobs.start_trip_planning(
        demo_db,
        actor=camille,
        rep_id=4,
        start_day=START,
        end_day=START + dt.timedelta(days=1),
        now=asked,
    )
    monkeypatch.setattr(plan_dates, "now", lambda: asked + dt.timedelta(minutes=20))
    planning_jobs.run_trip_job(lambda: nullcontext(demo_db), job_id, settings=SETTINGS)
    job = job_store.job(demo_db, job_id)
    assert job is not None and job.status == "done" and job.result is not None, job
    result = demo_db.execute(
        text("SELECT result FROM plans WHERE id = :id"), {"id": job.result["plan_id"]}
    ).scalar_one()
    first = result["days"][0]
    assert first["day"] == START.isoformat()
    assert first["timing"]["not_before_s"] == 10 * 3600 + 45 * 60
    assert first["timing"]["depart_s"] >= 10 * 3600 + 45 * 60
