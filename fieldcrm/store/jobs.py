"""Background work in PostgreSQL: deferring queue jobs, visible jobs with progress, periodic runs.

The queue is procrastinate's (tables ``procrastinate_*``). Deferring here is a plain INSERT in
the caller's transaction, so a job exists if and only if the write that asked for it commits.
Never commits.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

# Task names, shared by the code that defers and the worker that runs (fieldcrm.worker.tasks).
IMPORT_FILE = "fieldcrm.import_file"
GEOCODE_ACCOUNTS = "fieldcrm.geocode_accounts"
EVALUATE_RULES = "fieldcrm.evaluate_rules"
SEND_NOTIFICATIONS = "fieldcrm.send_notifications"
DERIVE_TRIPS = "fieldcrm.derive_trips"
PLAN_TRIP = "fieldcrm.plan_trip"
QUEUE = "fieldcrm"


@dataclass(frozen=True, slots=True)
class JobView:
    """A user's job as its progress page shows it."""

    id: int
    kind: str
    label: str
    user_id: int | None
    status: str
    done: int
    total: int | None
    params: dict[str, Any]
    result: dict[str, Any] | None
    error: str | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One procrastinate job, for the admin screen."""

    id: int
    task: str
    status: str
    attempts: int
    scheduled_at: dt.datetime | None
    args: dict[str, Any]


def defer(
    session: Session,
    task: str,
    args: dict[str, Any] | None = None,
    *,
    queueing_lock: str | None = None,
    lock: str | None = None,
    scheduled_at: dt.datetime | None = None,
) -> int | None:
    """Queue ``task`` with ``args`` in the current transaction; its id.

    With ``queueing_lock`` at most one such job waits at a time: deferring again while one
    waits returns None and queues nothing (the waiting job will do the work).
    """
    row = session.execute(
        text("""
        INSERT INTO procrastinate_jobs (queue_name, task_name, lock, queueing_lock, args,
                                        scheduled_at)
        VALUES (:queue, :task, :lock, :qlock, CAST(:args AS jsonb), :at)
        ON CONFLICT (queueing_lock) WHERE status = 'todo' DO NOTHING
        RETURNING id"""),
        {
            "queue": QUEUE,
            "task": task,
            "lock": lock,
            "qlock": queueing_lock,
            "args": json.dumps(args or {}),
            "at": scheduled_at,
        },
    ).first()
    return int(row[0]) if row else None


RULES_SETTLE_S = 300
"""Visits and moves re-evaluate the rules this long after the first of them (one run for all
the changes of those minutes); a sales import does it at once."""


def defer_rules(session: Session, *, at_once: bool = False) -> None:
    """Queue a rules evaluation in the caller's transaction: at once (one waiting job at a
    time), or :data:`RULES_SETTLE_S` from now. Two evaluations never run together."""
    defer(
        session,
        EVALUATE_RULES,
        queueing_lock="evaluate-rules" if at_once else "evaluate-rules-settled",
        lock="evaluate-rules",
        scheduled_at=None
        if at_once
        else dt.datetime.now(dt.UTC) + dt.timedelta(seconds=RULES_SETTLE_S),
    )


def create_job(
    session: Session,
    *,
    kind: str,
    label: str,
    user_id: int | None,
    params: dict[str, Any] | None = None,
    data: bytes | None = None,
) -> int:
    """Record a job a user started; its id (defer the queue job in the same transaction)."""
    row = session.execute(
        text("""INSERT INTO jobs (kind, label, user_id, params, input)
                VALUES (:kind, :label, :user, CAST(:params AS jsonb), :data) RETURNING id"""),
        {
            "kind": kind,
            "label": label,
            "user": user_id,
            "params": json.dumps(params or {}),
            "data": data,
        },
    ).one()
    return int(row[0])


_JOB_COLUMNS = (
    "id, kind, label, user_id, status, done, total, params, result, error, created_at, "
    "started_at, finished_at"
)


def _view(row: Any) -> JobView:
    return JobView(
        row.id,
        row.kind,
        row.label,
        row.user_id,
        row.status,
        row.done,
        row.total,
        row.params or {},
        row.result,
        row.error,
        row.created_at,
        row.started_at,
        row.finished_at,
    )


def job(session: Session, job_id: int) -> JobView | None:
    """One job, or None."""
    row = session.execute(
        text(f"SELECT {_JOB_COLUMNS} FROM jobs WHERE id = :id"), {"id": job_id}
    ).first()
    return _view(row) if row else None


def recent_jobs(session: Session, *, limit: int = 50) -> list[JobView]:
    """The latest jobs users started, newest first."""
    rows = session.execute(
        text(f"SELECT {_JOB_COLUMNS} FROM jobs ORDER BY id DESC LIMIT :limit"), {"limit": limit}
    )
    return [_view(r) for r in rows]


def job_input(session: Session, job_id: int) -> bytes | None:
    """The bytes uploaded with a job (None once it has run)."""
    row = session.execute(text("SELECT input FROM jobs WHERE id = :id"), {"id": job_id}).first()
    return bytes(row[0]) if row and row[0] is not None else None


def mark_running(session: Session, job_id: int, *, total: int | None, now: dt.datetime) -> None:
    """The job has started; ``total`` is what ``done`` counts up to (None: unknown)."""
    session.execute(
        text("""UPDATE jobs SET status = 'running', started_at = :now, total = :total,
                                done = 0, error = NULL WHERE id = :id"""),
        {"id": job_id, "total": total, "now": now},
    )


def set_progress(session: Session, job_id: int, done: int, total: int | None = None) -> None:
    """Move the progress bar (``total`` too when it became known)."""
    session.execute(
        text("UPDATE jobs SET done = :done, total = coalesce(:total, total) WHERE id = :id"),
        {"id": job_id, "done": done, "total": total},
    )


def mark_done(session: Session, job_id: int, *, result: dict[str, Any], now: dt.datetime) -> None:
    """The job finished; its result is kept and its input dropped."""
    session.execute(
        text("""UPDATE jobs SET status = 'done', result = CAST(:result AS jsonb), input = NULL,
                                done = coalesce(total, done), finished_at = :now WHERE id = :id"""),
        {"id": job_id, "result": json.dumps(result), "now": now},
    )


def mark_failed(session: Session, job_id: int, *, error: str, now: dt.datetime) -> None:
    """The job failed with ``error`` (a message for the user); its input is dropped."""
    session.execute(
        text("""UPDATE jobs SET status = 'failed', error = :error, input = NULL,
                                finished_at = :now WHERE id = :id"""),
        {"id": job_id, "error": error, "now": now},
    )


def claim_period(session: Session, name: str, period: str) -> bool:
    """Take the run of ``name`` for ``period``; False when some worker already took it."""
    row = session.execute(
        text("""INSERT INTO scheduled_runs (name, period) VALUES (:name, :period)
                ON CONFLICT DO NOTHING RETURNING name"""),
        {"name": name, "period": period},
    ).first()
    return row is not None


def release_period(session: Session, name: str, period: str) -> None:
    """Give back the run of ``name`` for ``period`` (it failed): a later tick takes it again."""
    session.execute(
        text("DELETE FROM scheduled_runs WHERE name = :name AND period = :period"),
        {"name": name, "period": period},
    )


def close_period(
    session: Session, name: str, period: str, *, outcome: str, now: dt.datetime
) -> None:
    """Write what the run of ``name`` for ``period`` did."""
    session.execute(
        text("""UPDATE scheduled_runs SET finished_at = :now, outcome = :outcome
                WHERE name = :name AND period = :period"""),
        {"name": name, "period": period, "outcome": outcome, "now": now},
    )


def scheduled_runs(
    session: Session, *, limit: int = 30
) -> list[tuple[str, str, dt.datetime, dt.datetime | None, str | None]]:
    """``(name, period, started_at, finished_at, outcome)`` of the latest scheduled runs."""
    rows = session.execute(
        text("""SELECT name, period, started_at, finished_at, outcome FROM scheduled_runs
                ORDER BY started_at DESC LIMIT :limit"""),
        {"limit": limit},
    )
    return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]


def queue_counts(session: Session) -> dict[str, int]:
    """How many queue jobs are in each state (todo, doing, failed, succeeded, …)."""
    rows = session.execute(
        text("SELECT status::text, count(*) FROM procrastinate_jobs GROUP BY status")
    )
    return {r[0]: int(r[1]) for r in rows}


def queue_jobs(session: Session, *, statuses: tuple[str, ...], limit: int = 50) -> list[QueueRow]:
    """Queue jobs in ``statuses``, latest first."""
    rows = session.execute(
        text("""SELECT id, task_name, status::text AS status, attempts, scheduled_at, args
                FROM procrastinate_jobs WHERE status::text = ANY(:statuses)
                ORDER BY id DESC LIMIT :limit"""),
        {"statuses": list(statuses), "limit": limit},
    )
    return [QueueRow(r.id, r.task_name, r.status, r.attempts, r.scheduled_at, r.args) for r in rows]


def retry_queue_job(session: Session, job_id: int, *, now: dt.datetime) -> bool:
    """Put a failed queue job back to run now; False if it is not failed."""
    row = session.execute(
        text("""UPDATE procrastinate_jobs SET status = 'todo', scheduled_at = :now,
                       attempts = 0
                WHERE id = :id AND status = 'failed' RETURNING id"""),
        {"id": job_id, "now": now},
    ).first()
    return row is not None


def worker_heartbeats(session: Session) -> list[tuple[int, dt.datetime]]:
    """``(worker id, last heartbeat)`` of the workers procrastinate knows, latest first."""
    rows = session.execute(
        text("SELECT id, last_heartbeat FROM procrastinate_workers ORDER BY last_heartbeat DESC")
    )
    return [(int(r[0]), r[1]) for r in rows]
