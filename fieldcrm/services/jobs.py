"""Long work and background work, as users and admins see it: one job's progress, the queue.

A user follows the jobs they started; the admin screen "Tâches de fond" shows the workers'
heartbeats, the queue by state, failed jobs (to run again), the scheduled runs and the
notifications that gave up (the dead-letter list).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor
from fieldcrm.errors import FieldcrmError, NotFound
from fieldcrm.services import notifications
from fieldcrm.store import jobs as store
from fieldcrm.store.jobs import JobView, QueueRow

HEARTBEAT_FRESH_S = 60


def finish_job(
    session: Session,
    job_id: int,
    work: Callable[[], dict[str, Any]],
    *,
    unexpected: str,
    reason: Callable[[FieldcrmError], str] = str,
) -> None:
    """Run a job's body in ``session`` and record how it ended: done with its result; failed
    with the French reason of a refused input; failed with ``unexpected`` for anything else,
    which is raised again for the queue to record."""
    try:
        result = work()
    except FieldcrmError as exc:
        session.rollback()
        store.mark_failed(session, job_id, error=reason(exc), now=dt.datetime.now(dt.UTC))
        session.commit()
        return
    except Exception:
        session.rollback()
        store.mark_failed(session, job_id, error=unexpected, now=dt.datetime.now(dt.UTC))
        session.commit()
        raise
    store.mark_done(session, job_id, result=result, now=dt.datetime.now(dt.UTC))
    session.commit()


def job_view(session: Session, job_id: int, *, actor: Actor) -> JobView:
    """A job its starter (or an admin) may follow; :class:`NotFound` for anyone else."""
    job = store.job(session, job_id)
    if job is None or not (job.user_id == actor.id or policy.can(actor, "jobs.admin")):
        raise NotFound("job", job_id)
    return job


@dataclass(frozen=True, slots=True)
class QueueOverview:
    """What the admin screen shows."""

    workers: list[tuple[int, dt.datetime, bool]]  # id, last heartbeat, fresh
    counts: dict[str, int]
    failed: list[QueueRow]
    running: list[QueueRow]
    waiting: list[QueueRow]
    jobs: list[JobView]
    scheduled: list[tuple[str, str, dt.datetime, dt.datetime | None, str | None]]
    undelivered: list[tuple[int, str, str | None, int, str | None]]  # the dead-letter list


def overview(session: Session, *, actor: Actor, now: dt.datetime | None = None) -> QueueOverview:
    """The queue, the workers and the latest jobs and scheduled runs (admins)."""
    policy.require(actor, "jobs.admin")
    now = now or dt.datetime.now(dt.UTC)
    fresh = now - dt.timedelta(seconds=HEARTBEAT_FRESH_S)
    return QueueOverview(
        workers=[(wid, beat, beat >= fresh) for wid, beat in store.worker_heartbeats(session)],
        counts=store.queue_counts(session),
        failed=store.queue_jobs(session, statuses=("failed",)),
        running=store.queue_jobs(session, statuses=("doing",)),
        waiting=store.queue_jobs(session, statuses=("todo",), limit=20),
        jobs=store.recent_jobs(session, limit=30),
        scheduled=store.scheduled_runs(session),
        undelivered=notifications.failed_notifications(session),
    )


def retry_queue_job(session: Session, job_id: int, *, actor: Actor) -> None:
    """Run a failed queue job again (admins); :class:`NotFound` if no such failed job."""
    policy.require(actor, "jobs.admin")
    if not store.retry_queue_job(session, job_id, now=dt.datetime.now(dt.UTC)):
        session.rollback()
        raise NotFound("failed job", job_id)
    session.commit()


def retry_notification(session: Session, notification_id: int, *, actor: Actor) -> None:
    """Send an undelivered notification again (admins), after fixing its address say."""
    policy.require(actor, "jobs.admin")
    if not notifications.retry_failed(session, ids=[notification_id]):
        raise NotFound("undelivered notification", notification_id)
