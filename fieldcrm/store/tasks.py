"""Tasks: the open ones of some people, those of an account, marking one done. Never commits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session


@dataclass(frozen=True, slots=True)
class TaskRow:
    """A task as the lists show it, with the rule that created it (if any)."""

    id: int
    title: str
    due_date: dt.date | None
    status: str
    account_id: int | None
    account_name: str | None
    assignee_id: int | None
    assignee_name: str | None
    rule_key: str | None
    created_at: dt.datetime
    done_at: dt.datetime | None
    done_by_name: str | None
    done_by_visit: bool = False
    """Completed by a visit report (a rule's ``closed_by: visit``), not ticked by hand."""
    reminder: dict[str, Any] | None = None
    """A date reminder's data (its alert's ``details.reminder``): its title, the reminder's
    sentence, is worded for the reader."""
    wording: dict[str, Any] | None = None
    """A rule's texts per language and values (its alert's ``details.wording``): its title
    is worded for the reader."""


_SELECT = """
    SELECT t.id, t.title, t.due_date, t.status, t.account_id, a.name AS account_name,
           t.assignee_id, u.full_name AS assignee_name, al.rule_key, t.created_at, t.done_at,
           d.full_name AS done_by_name, t.done_by_activity_id IS NOT NULL AS done_by_visit,
           al.details -> 'reminder' AS reminder, al.details -> 'wording' AS wording
    FROM tasks t
    LEFT JOIN accounts a ON a.id = t.account_id
    LEFT JOIN users u ON u.id = t.assignee_id
    LEFT JOIN users d ON d.id = t.done_by
    LEFT JOIN alerts al ON al.id = t.alert_id
"""


OPEN_OF = "t.status = 'open' AND t.assignee_id = ANY(:ids)"
"""The open tasks of the people ``:ids`` (table alias ``t``): « Mes tâches » and its count."""


def open_tasks(
    session: Session, *, assignee_ids: list[int], today: dt.date, limit: int = 200
) -> list[TaskRow]:
    """Open tasks of ``assignee_ids``: overdue ones first, then by due date (none last)."""
    rows = session.execute(
        text(f"""{_SELECT}
        WHERE {OPEN_OF}
        ORDER BY coalesce(t.due_date < :today, FALSE) DESC, t.due_date NULLS LAST, t.id
        LIMIT :limit"""),
        {"ids": assignee_ids, "today": today, "limit": limit},
    )
    return [TaskRow(*r) for r in rows]


def account_tasks(session: Session, account_id: int, *, limit: int = 20) -> list[TaskRow]:
    """Tasks of one account: open ones first (by due date), then the latest done."""
    rows = session.execute(
        text(f"""{_SELECT}
        WHERE t.account_id = :id
        ORDER BY t.status <> 'open', t.due_date NULLS LAST, t.done_at DESC NULLS LAST, t.id
        LIMIT :limit"""),
        {"id": account_id, "limit": limit},
    )
    return [TaskRow(*r) for r in rows]


def task_assignee(session: Session, task_id: int) -> tuple[bool, int | None]:
    """Whether the task exists, and its assignee."""
    row = session.execute(
        text("SELECT assignee_id FROM tasks WHERE id = :id"), {"id": task_id}
    ).one_or_none()
    return (False, None) if row is None else (True, row.assignee_id)


def mark_done(session: Session, task_id: int, *, user_id: int | None, now: dt.datetime) -> bool:
    """Close an open task, recording who and when; False when it was not open."""
    result = session.execute(
        text("""UPDATE tasks SET status = 'done', done_at = :now, done_by = :user
                WHERE id = :id AND status = 'open'"""),
        {"id": task_id, "user": user_id, "now": now},
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def close_by_visit(
    session: Session,
    *,
    account_id: int,
    activity_id: int,
    user_id: int,
    at: dt.datetime,
    created_by: dt.datetime | None = None,
) -> list[str]:
    """Complete the open tasks of ``account_id`` that a visit closes (``closed_by_visit``),
    created by ``created_by`` (default the visit's time ``at``), done at ``at``; their titles.
    A visit that starts to count after it was made (a far check-in whose report comes later)
    passes the time it starts to count: the tasks raised meanwhile were for that visit too."""
    rows = session.execute(
        text("""UPDATE tasks SET status = 'done', done_at = :at, done_by = :user,
                       done_by_activity_id = :activity
                WHERE account_id = :account AND status = 'open' AND closed_by_visit
                  AND created_at <= :created_by
                RETURNING title"""),
        {
            "account": account_id,
            "activity": activity_id,
            "user": user_id,
            "at": at,
            "created_by": created_by or at,
        },
    )
    return sorted(str(r.title) for r in rows)
