"""Background work in PostgreSQL: deferring queue jobs, visible jobs with progress, periodic runs.

The queue is procrastinate's (tables ``procrastinate_*``). Deferring here is a plain INSERT in
the caller's transaction, so a job exists if and only if the write that asked for it commits.
Never commits.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
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
EXPORT_FILE = "fieldcrm.export_file"
RULES_DRY_RUN = "fieldcrm.rules_dry_run"
ASSIGN_ALL = "fieldcrm.assign_all"
QUEUE = "fieldcrm"
USER_JOB_TASKS = (IMPORT_FILE, GEOCODE_ACCOUNTS, PLAN_TRIP, EXPORT_FILE, RULES_DRY_RUN, ASSIGN_ALL)
"""Tasks run for a user's job (their ``job_id`` argument is a row of ``jobs``)."""


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


def latest_instead_of(
    session: Session,
    *,
    kind: str,
    rep_id: int,
    day: dt.date,
    statuses: tuple[str, ...] | None = None,
) -> JobView | None:
    """The latest job of ``kind`` for rep ``rep_id`` asked in place of ``day``
    (``params.instead_of.day``), in one of ``statuses`` if given; None if there is none."""
    row = session.execute(
        text(f"""SELECT {_JOB_COLUMNS} FROM jobs
                 WHERE kind = :kind AND params->>'rep_id' = :rep
                   AND params->'instead_of'->>'day' = :day
                   AND (CAST(:statuses AS text[]) IS NULL OR status = ANY(CAST(:statuses AS text[])))
                 ORDER BY id DESC LIMIT 1"""),
        {
            "kind": kind,
            "rep": str(rep_id),
            "day": day.isoformat(),
            "statuses": list(statuses) if statuses is not None else None,
        },
    ).first()
    return _view(row) if row else None


def lock(session: Session, name: str, key: int) -> None:
    """Serialise the work ``name`` on ``key`` until the transaction ends (no row lock)."""
    session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext(:name), CAST(:key AS int))"),
        {"name": name, "key": key},
    )


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


def mark_failed(
    session: Session,
    job_id: int,
    *,
    error: str,
    now: dt.datetime,
    details: dict[str, Any] | None = None,
) -> None:
    """The job failed with ``error`` (a message for the user) and, as its result, the
    refusal's ``details`` (data to word it from, or none); its input is dropped."""
    session.execute(
        text("""UPDATE jobs SET status = 'failed', error = :error, input = NULL,
                                result = CAST(:details AS jsonb), finished_at = :now
                WHERE id = :id"""),
        {
            "id": job_id,
            "error": error,
            "details": json.dumps(details) if details is not None else None,
            "now": now,
        },
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


def retry_queue_job(
    session: Session, job_id: int, *, now: dt.datetime
) -> tuple[str, dict[str, Any]] | None:
    """Put a failed queue job back to run now; its task and arguments, or None if it is
    not failed."""
    row = session.execute(
        text("""UPDATE procrastinate_jobs SET status = 'todo', scheduled_at = :now,
                       attempts = 0
                WHERE id = :id AND status = 'failed' RETURNING task_name, args"""),
        {"id": job_id, "now": now},
    ).first()
    return (row.task_name, row.args or {}) if row is not None else None


def reopen(session: Session, job_id: int) -> bool:
    """A user's failed job waits again (its queue job was put back); False when it cannot
    run again (not failed, or an import whose file is gone)."""
    row = session.execute(
        text("""UPDATE jobs SET status = 'queued', done = 0, started_at = NULL, error = NULL,
                                result = NULL, finished_at = NULL
                WHERE id = :id AND status = 'failed' AND (kind <> 'import' OR input IS NOT NULL)
                RETURNING id"""),
        {"id": job_id},
    ).first()
    return row is not None


def worker_heartbeats(session: Session) -> list[tuple[int, dt.datetime]]:
    """``(worker id, last heartbeat)`` of the workers procrastinate knows, latest first."""
    rows = session.execute(
        text("SELECT id, last_heartbeat FROM procrastinate_workers ORDER BY last_heartbeat DESC")
    )
    return [(int(r[0]), r[1]) for r in rows]


# ------------------------------------------------------------------ files a job produced
@dataclass(frozen=True, slots=True)
class JobFileView:
    """A job's file as the download serves it (its bytes are read chunk by chunk)."""

    job_id: int
    name: str
    media_type: str
    size: int
    chunks: int
    expires_at: dt.datetime


def save_file(
    session: Session,
    job_id: int,
    *,
    name: str,
    media_type: str,
    chunks: Iterable[bytes],
    expires_at: dt.datetime,
) -> int:
    """Store the job's file (replacing one a previous run of it left); its size in bytes."""
    session.execute(text("DELETE FROM job_files WHERE job_id = :id"), {"id": job_id})
    session.execute(
        text("""INSERT INTO job_files (job_id, name, media_type, size, expires_at)
                VALUES (:id, :name, :media, 0, :expires)"""),
        {"id": job_id, "name": name, "media": media_type, "expires": expires_at},
    )
    size = 0
    for seq, chunk in enumerate(chunks):
        session.execute(
            text("INSERT INTO job_file_chunks (job_id, seq, data) VALUES (:id, :seq, :data)"),
            {"id": job_id, "seq": seq, "data": chunk},
        )
        size += len(chunk)
    session.execute(
        text("UPDATE job_files SET size = :size WHERE job_id = :id"), {"id": job_id, "size": size}
    )
    return size


def job_file(session: Session, job_id: int, *, now: dt.datetime) -> JobFileView | None:
    """The job's file, or None (none was made, or it expired)."""
    row = session.execute(
        text("""SELECT f.job_id, f.name, f.media_type, f.size, f.expires_at,
                       (SELECT count(*) FROM job_file_chunks c WHERE c.job_id = f.job_id) AS n
                FROM job_files f WHERE f.job_id = :id AND f.expires_at > :now"""),
        {"id": job_id, "now": now},
    ).first()
    if row is None:
        return None
    return JobFileView(row.job_id, row.name, row.media_type, row.size, row.n, row.expires_at)


def file_chunk(session: Session, job_id: int, seq: int) -> bytes | None:
    """Piece ``seq`` of the job's file (None past the last)."""
    row = session.execute(
        text("SELECT data FROM job_file_chunks WHERE job_id = :id AND seq = :seq"),
        {"id": job_id, "seq": seq},
    ).first()
    return bytes(row[0]) if row else None


def purge_files(session: Session, *, expired_before: dt.datetime) -> int:
    """Delete the files expired before ``expired_before`` (their chunks go too); how many."""
    return len(
        session.execute(
            text("DELETE FROM job_files WHERE expires_at <= :at RETURNING job_id"),
            {"at": expired_before},
        ).all()
    )


# ------------------------------------------------------------------ stalled queue jobs
@dataclass(frozen=True, slots=True)
class StalledJob:
    """A queue job left ``doing`` by a worker that stopped beating (killed, machine lost)."""

    id: int
    task: str
    args: dict[str, Any]
    attempts: int
    queueing_lock: str | None


def stalled_queue_jobs(session: Session, *, stale_after_s: float) -> list[StalledJob]:
    """The ``doing`` jobs whose worker is gone or silent for ``stale_after_s`` seconds,
    locked (``SKIP LOCKED``: two ticks never handle the same stall)."""
    rows = session.execute(
        text("""SELECT j.id, j.task_name, j.args, j.attempts, j.queueing_lock
                FROM procrastinate_jobs j
                LEFT JOIN procrastinate_workers w ON w.id = j.worker_id
                WHERE j.status = 'doing'
                  AND (w.id IS NULL
                       OR w.last_heartbeat < now() - make_interval(secs => :stale))
                ORDER BY j.id
                FOR UPDATE OF j SKIP LOCKED"""),
        {"stale": stale_after_s},
    )
    return [StalledJob(r.id, r.task_name, r.args or {}, r.attempts, r.queueing_lock) for r in rows]


def lock_is_waiting(session: Session, queueing_lock: str) -> bool:
    """True when a job with ``queueing_lock`` already waits (it will do the work)."""
    row = session.execute(
        text("""SELECT 1 FROM procrastinate_jobs
                WHERE queueing_lock = :lock AND status = 'todo' LIMIT 1"""),
        {"lock": queueing_lock},
    ).first()
    return row is not None


def retry_stalled(session: Session, job_id: int, *, now: dt.datetime) -> None:
    """Put a stalled ``doing`` job back to ``todo`` (procrastinate counts the attempt)."""
    session.execute(
        text("SELECT procrastinate_retry_job_v2(:id, :now, NULL, NULL, NULL)"),
        {"id": job_id, "now": now},
    )


def fail_stalled(session: Session, job_id: int) -> None:
    """End a stalled ``doing`` job as failed (it is not run again)."""
    session.execute(
        text("SELECT procrastinate_finish_job_v1(:id, 'failed', false)"), {"id": job_id}
    )


def prune_workers(session: Session, *, stale_after_s: float) -> int:
    """Forget the workers silent for ``stale_after_s`` seconds; how many."""
    return len(
        session.execute(
            text("SELECT * FROM procrastinate_prune_stalled_workers_v1(:s)"),
            {"s": stale_after_s},
        ).all()
    )


def fail_unfinished(session: Session, job_id: int, *, error: str, now: dt.datetime) -> bool:
    """Fail a user's job still queued or running (one that ended stays as it ended); its
    input stays, for an admin to run it again."""
    row = session.execute(
        text("""UPDATE jobs SET status = 'failed', error = :error, finished_at = :now
                WHERE id = :id AND status IN ('queued', 'running') RETURNING id"""),
        {"id": job_id, "error": error, "now": now},
    ).first()
    return row is not None


def requeue(session: Session, job_id: int) -> bool:
    """A user's job whose run was cut short waits again (progress back to zero); False
    when it had already ended (done or failed: nothing to run again)."""
    row = session.execute(
        text("""UPDATE jobs SET status = 'queued', done = 0, started_at = NULL, error = NULL
                WHERE id = :id AND status IN ('queued', 'running') RETURNING id"""),
        {"id": job_id},
    ).first()
    return row is not None
