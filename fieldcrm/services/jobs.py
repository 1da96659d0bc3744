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
from fieldcrm.auth.roles import SYSTEM, Actor
from fieldcrm.errors import FieldcrmError, Forbidden, InvalidInput, NotFound
from fieldcrm.services import notifications
from fieldcrm.store import jobs as store
from fieldcrm.store import users as user_store
from fieldcrm.store.jobs import JobView, QueueRow

HEARTBEAT_FRESH_S = 60
MAX_STALLS = 3
"""A job whose worker died under it this many times is failed instead of run again."""
STALLED_TOO_OFTEN = (
    "Le processus de fond qui menait cette tâche s’est arrêté {n} fois pendant qu’elle "
    "tournait ; elle n’est plus relancée d’elle-même. Un administrateur peut la relancer "
    "depuis « Tâches de fond »."
)


def finish_job(
    session: Session,
    job_id: int,
    work: Callable[[], dict[str, Any]],
    *,
    unexpected: str,
    reason: Callable[[FieldcrmError], str] = str,
    details: Callable[[FieldcrmError], dict[str, Any] | None] = lambda _exc: None,
) -> None:
    """Run a job's body in ``session`` and record how it ended: done with its result; failed
    with the French reason of a refused input (and the refusal's ``details``, data to word
    it from, kept as the job's result); failed with ``unexpected`` for anything else, which
    is raised again for the queue to record."""
    try:
        result = work()
    except FieldcrmError as exc:
        session.rollback()
        store.mark_failed(
            session,
            job_id,
            error=reason(exc),
            now=dt.datetime.now(dt.UTC),
            details=details(exc),
        )
        session.commit()
        return
    except Exception:
        session.rollback()
        store.mark_failed(session, job_id, error=unexpected, now=dt.datetime.now(dt.UTC))
        session.commit()
        raise
    store.mark_done(session, job_id, result=result, now=dt.datetime.now(dt.UTC))
    session.commit()


def problems_data(exc: InvalidInput) -> list[dict[str, Any]]:
    """Each field an input refusal names, as a failed job keeps it to word it when read
    (:func:`fieldcrm.http.error_text.job_error_text`): field, message, value, allowed, and
    the French templates with their fields (``code``, ``allowed_code``, ``params``) when the
    message has them."""
    return [
        {
            "field": p.field,
            "message": p.message,
            "value": _value_data(p.value),
            "allowed": p.allowed,
            "code": p.code,
            "params": dict(p.params) if p.params else None,
            "allowed_code": p.allowed_code,
        }
        for p in exc.problems
    ]


def _value_data(value: Any) -> Any:
    """A problem's value as JSON keeps it: a number as it is, a pair of days (a period) as a
    list of their texts, anything else as its text (never a Python ``repr`` of a tuple)."""
    if value is None or isinstance(value, int | float):
        return value
    if isinstance(value, tuple | list):
        return [_value_data(v) for v in value]
    return str(value)


def actor_params(actor: Actor) -> dict[str, Any]:
    """Who started a job, as kept in its params (read again by :func:`starter`)."""
    return {"id": actor.id, "role": actor.role.value}


def starter(session: Session, stored: dict[str, Any]) -> Actor:
    """Who started a job, as they are now (role and team read again): the rights are
    checked when the job runs; :class:`Forbidden` once they are gone or deactivated."""
    if stored["id"] == SYSTEM.id:
        return SYSTEM
    actor = user_store.actor(session, stored["id"])
    if actor is None:
        raise Forbidden(f"l’utilisateur {stored['id']} n’est plus actif")
    return actor


def job_view(session: Session, job_id: int, *, actor: Actor) -> JobView:
    """A job its starter (or an admin) may follow, a trip planning anyone who may plan for
    its rep too (« Ma journée » leads to the one queued in place of a day, whoever asked);
    :class:`NotFound` for anyone else."""
    job = store.job(session, job_id)
    if job is None or not (
        job.user_id == actor.id
        or policy.can(actor, "jobs.admin")
        or (
            job.kind == "trip_plan"
            and policy.can(actor, "plan", owner_id=int(job.params.get("rep_id") or 0))
        )
    ):
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
    """Run a failed queue job again (admins), and the user's job it runs when that can run
    again (an import keeps its file only if it failed by stalling); :class:`NotFound` if no
    such failed job."""
    policy.require(actor, "jobs.admin")
    retried = store.retry_queue_job(session, job_id, now=dt.datetime.now(dt.UTC))
    if retried is None:
        session.rollback()
        raise NotFound("failed job", job_id)
    task, args = retried
    if task in store.USER_JOB_TASKS and "job_id" in args:  # its user's job waits again
        store.reopen(session, int(args["job_id"]))
    session.commit()


def retry_notification(session: Session, notification_id: int, *, actor: Actor) -> None:
    """Send an undelivered notification again (admins), after fixing its address say."""
    policy.require(actor, "jobs.admin")
    if not notifications.retry_failed(session, ids=[notification_id]):
        raise NotFound("undelivered notification", notification_id)


@dataclass(frozen=True, slots=True)
class StallReport:
    """What :func:`recover_stalled` did: queue job ids run again, and given up."""

    retried: list[int]
    failed: list[int]


def recover_stalled(
    session: Session, *, stale_after_s: float, now: dt.datetime | None = None
) -> StallReport:
    """Run again, once per stall, the queue jobs a vanished worker left ``doing``; one commit.

    A worker killed (or whose machine was lost) stops beating; its running jobs would stay
    ``doing`` for ever, and hold their lock (the rules' evaluations wait on each other).
    Each such job goes back to the queue and the user's job it runs waits again, at zero
    (every runner starts over from a queued job: an import is one transaction, a geocoding
    run takes the accounts still to do, an export rewrites its file). A job stalled
    :data:`MAX_STALLS` times is failed instead (with the user's job, naming why), and so is
    one whose queueing lock another waiting job holds (that one will do the work). The
    silent workers are then forgotten.
    """
    now = now or dt.datetime.now(dt.UTC)
    retried: list[int] = []
    failed: list[int] = []
    for stalled in store.stalled_queue_jobs(session, stale_after_s=stale_after_s):
        user_job = stalled.args.get("job_id") if stalled.task in store.USER_JOB_TASKS else None
        stalls = stalled.attempts + 1
        superseded = stalled.queueing_lock is not None and store.lock_is_waiting(
            session, stalled.queueing_lock
        )
        if stalls >= MAX_STALLS or superseded:
            store.fail_stalled(session, stalled.id)
            if user_job is not None:
                store.fail_unfinished(
                    session, int(user_job), error=STALLED_TOO_OFTEN.format(n=stalls), now=now
                )
            failed.append(stalled.id)
            continue
        store.retry_stalled(session, stalled.id, now=now)
        if user_job is not None:
            store.requeue(session, int(user_job))
        retried.append(stalled.id)
    store.prune_workers(session, stale_after_s=stale_after_s)
    session.commit()
    return StallReport(retried, failed)
