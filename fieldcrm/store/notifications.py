"""Notifications (the outbox), their delivery attempts, and the in-app inbox. Never commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.store.tasks import OPEN_OF


@dataclass(frozen=True, slots=True)
class PendingNotification:
    """A notification due for a (new) delivery attempt."""

    id: int
    channel: str
    address: str | None
    cc: list[str]
    subject: str
    body: str
    attempts: int
    user_id: int | None


@dataclass(frozen=True, slots=True)
class InboxItem:
    """One in-app notification of an alert, as the user's inbox shows it."""

    notification_id: int
    alert_id: int | None
    rule_key: str | None
    account_id: int | None
    account_name: str | None
    period: str | None
    subject: str
    body: str
    alert_status: str | None
    created_at: dt.datetime
    read_at: dt.datetime | None
    severity: str | None = None
    priority: float | None = None
    reminder: dict[str, Any] | None = None
    """A date reminder's data (its alert's ``details.reminder``), worded for the reader."""
    wording: dict[str, Any] | None = None
    """A rule's texts per language and values (its alert's ``details.wording``), worded for
    the reader."""


def due(
    session: Session, *, now: dt.datetime, stale_before: dt.datetime, limit: int = 500
) -> list[PendingNotification]:
    """Notifications to attempt: pending or retrying ones that are due, and ones claimed
    (``sending``) before ``stale_before`` by a worker that died; rows locked, SKIP LOCKED."""
    rows = session.execute(
        text("""
        SELECT id, channel, address, cc, subject, body, attempts, user_id
        FROM notifications
        WHERE (status IN ('pending', 'retry') AND next_attempt_at <= :now)
           OR (status = 'sending' AND claimed_at <= :stale_before)
        ORDER BY next_attempt_at, id
        LIMIT :limit
        FOR UPDATE SKIP LOCKED"""),
        {"now": now, "stale_before": stale_before, "limit": limit},
    )
    return [
        PendingNotification(
            r.id,
            r.channel,
            r.address,
            [c.strip() for c in (r.cc or "").split(",") if c.strip()],
            r.subject,
            r.body,
            r.attempts,
            r.user_id,
        )
        for r in rows
    ]


def claim_next(
    session: Session, *, now: dt.datetime, stale_before: dt.datetime
) -> PendingNotification | None:
    """Take the next due notification (see :func:`due`): it becomes ``sending`` at ``now``."""
    taken = due(session, now=now, stale_before=stale_before, limit=1)
    if not taken:
        return None
    session.execute(
        text("UPDATE notifications SET status = 'sending', claimed_at = :now WHERE id = :id"),
        {"id": taken[0].id, "now": now},
    )
    return taken[0]


def record_attempt(
    session: Session,
    notification_id: int,
    *,
    ok: bool,
    error: str | None,
    provider_ref: str | None,
    status: str,
    attempt: int,
    next_attempt_at: dt.datetime | None,
    now: dt.datetime,
) -> None:
    """Write one delivery attempt and the notification's new state."""
    session.execute(
        text("""
        INSERT INTO deliveries (notification_id, attempt, status, error, provider_ref,
                                attempted_at)
        VALUES (:id, :attempt, :dstatus, :error, :ref, :now)"""),
        {
            "id": notification_id,
            "attempt": attempt,
            "error": error,
            "ref": provider_ref,
            "now": now,
            "dstatus": "sent" if ok else "failed",
        },
    )
    session.execute(
        text("""
        UPDATE notifications
        SET status = :status, attempts = :attempt, last_error = :error,
            next_attempt_at = coalesce(:next, next_attempt_at),
            sent_at = CASE WHEN :ok THEN :now ELSE sent_at END
        WHERE id = :id"""),
        {
            "id": notification_id,
            "status": status,
            "attempt": attempt,
            "error": error,
            "next": next_attempt_at,
            "ok": ok,
            "now": now,
        },
    )


def failed(session: Session) -> list[tuple[int, str, str | None, int, str | None]]:
    """``(id, channel, address, attempts, last_error)`` of notifications that gave up."""
    rows = session.execute(
        text(
            "SELECT id, channel, address, attempts, last_error FROM notifications "
            "WHERE status = 'failed' ORDER BY id"
        )
    )
    return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]


def requeue_failed(session: Session, *, ids: Sequence[int] | None, now: dt.datetime) -> int:
    """Put the failed notifications (those of ``ids`` only, if given) back in the queue."""
    result = session.execute(
        text(
            "UPDATE notifications SET status = 'retry', next_attempt_at = :now "
            "WHERE status = 'failed' "
            "AND (CAST(:all AS boolean) OR id = ANY(CAST(:ids AS bigint[])))"
        ),
        {"now": now, "all": ids is None, "ids": list(ids or [])},
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def deliveries_of(session: Session, notification_id: int) -> list[tuple[int, str, str | None]]:
    """``(attempt, status, error)`` of every delivery attempt of a notification."""
    rows = session.execute(
        text(
            "SELECT attempt, status, error FROM deliveries WHERE notification_id = :id "
            "ORDER BY attempt"
        ),
        {"id": notification_id},
    )
    return [(r[0], r[1], r[2]) for r in rows]


SEVERITY_RANK = "CASE al.severity WHEN 'high' THEN 0 WHEN 'low' THEN 2 ELSE 1 END"
"""Most important first: high, then medium (and anything unknown), then low."""


def _inbox_where(unread_only: bool, rule_key: str | None) -> str:
    return (
        "n.user_id = :user AND n.channel = 'in_app'"
        + (" AND n.read_at IS NULL" if unread_only else "")
        + (" AND al.rule_key = :rule" if rule_key is not None else "")
    )


def inbox(
    session: Session,
    user_id: int,
    *,
    unread_only: bool = False,
    rule_key: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[InboxItem]:
    """The user's in-app notifications: the rule's severity first, then the account's
    priority, then newest first."""
    rows = session.execute(
        text(f"""
        SELECT n.id, n.alert_id, al.rule_key, al.account_id, ac.name, al.period, n.subject,
               n.body, al.status, n.created_at, n.read_at, al.severity, ap.score,
               al.details -> 'reminder', al.details -> 'wording'
        FROM notifications n
        LEFT JOIN alerts al ON al.id = n.alert_id
        LEFT JOIN accounts ac ON ac.id = al.account_id
        LEFT JOIN account_priorities ap ON ap.account_id = al.account_id
        WHERE {_inbox_where(unread_only, rule_key)}
        ORDER BY {SEVERITY_RANK}, ap.score DESC NULLS LAST, n.created_at DESC, n.id DESC
        LIMIT :limit OFFSET :offset"""),
        {"user": user_id, "limit": limit, "offset": offset, "rule": rule_key},
    )
    return [InboxItem(*r) for r in rows]


def inbox_count(
    session: Session, user_id: int, *, unread_only: bool = False, rule_key: str | None = None
) -> int:
    """How many in-app notifications :func:`inbox` pages through."""
    join = "LEFT JOIN alerts al ON al.id = n.alert_id" if rule_key is not None else ""
    return int(
        session.execute(
            text(
                f"SELECT count(*) FROM notifications n {join} "
                f"WHERE {_inbox_where(unread_only, rule_key)}"
            ),
            {"user": user_id, "rule": rule_key},
        ).scalar_one()
    )


def unread_count(session: Session, user_id: int) -> int:
    """Unread in-app notifications of the user (a partial index answers)."""
    return int(
        session.execute(
            text(f"SELECT count(*) FROM notifications n WHERE {_inbox_where(True, None)}"),
            {"user": user_id},
        ).scalar_one()
    )


def unread_and_open(
    session: Session, user_id: int, *, task_owners: Sequence[int]
) -> tuple[int, int]:
    """``(unread in-app notifications of the user, open tasks of task_owners)`` in one
    statement: the counts beside « Alertes » and « Mes tâches » on every page."""
    row = session.execute(
        text(f"""
        SELECT (SELECT count(*) FROM notifications n WHERE {_inbox_where(True, None)}),
               (SELECT count(*) FROM tasks t WHERE {OPEN_OF})"""),
        {"user": user_id, "ids": list(task_owners)},
    ).one()
    return int(row[0]), int(row[1])


def inbox_rules(session: Session, user_id: int) -> list[tuple[str, int]]:
    """``(rule key, notifications)`` of the rules that wrote to the user's inbox, by key."""
    rows = session.execute(
        text("""
        SELECT al.rule_key, count(*) FROM notifications n JOIN alerts al ON al.id = n.alert_id
        WHERE n.user_id = :user AND n.channel = 'in_app'
        GROUP BY al.rule_key ORDER BY al.rule_key"""),
        {"user": user_id},
    )
    return [(r[0], int(r[1])) for r in rows]


def acknowledge(session: Session, alert_id: int, user_id: int, *, now: dt.datetime) -> bool:
    """Mark the alert read for ``user_id`` (and acknowledged if they are its recipient).

    Returns False when the user neither received nor owns the alert.
    """
    read = session.execute(
        text("""UPDATE notifications SET read_at = coalesce(read_at, :now)
                WHERE alert_id = :alert AND user_id = :user AND channel = 'in_app'"""),
        {"alert": alert_id, "user": user_id, "now": now},
    )
    acked = session.execute(
        text("""UPDATE alerts SET status = 'acknowledged'
                WHERE id = :alert AND recipient_id = :user"""),
        {"alert": alert_id, "user": user_id},
    )
    return bool(read.rowcount or acked.rowcount)  # type: ignore[attr-defined]
