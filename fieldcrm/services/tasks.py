"""Tasks ("Mes tâches"): the open tasks of a rep or a manager's team, and closing one."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor, Role, author_id
from fieldcrm.errors import Conflict, NotFound
from fieldcrm.store import tasks as store
from fieldcrm.store.tasks import TaskRow


def people(actor: Actor, rep_id: int | None) -> list[int]:
    """Whose tasks (or late accounts) ``actor`` asks for: ``rep_id``'s, else their own and,
    for a manager, their team's; Forbidden for someone else's."""
    if rep_id is not None:
        policy.require(actor, "tasks", owner_id=rep_id)
        return [rep_id]
    policy.require(actor, "tasks", owner_id=actor.id)
    if actor.role is Role.MANAGER:
        return sorted(actor.team | {actor.id})
    return [actor.id]


def open_tasks(
    session: Session, *, actor: Actor, today: dt.date, rep_id: int | None = None
) -> list[TaskRow]:
    """Open tasks of ``rep_id`` (default: the actor, or a manager's whole team), overdue
    ones first."""
    return store.open_tasks(session, assignee_ids=people(actor, rep_id), today=today)


def account_tasks(session: Session, *, account_id: int) -> list[TaskRow]:
    """Tasks of one account (the caller checked the account is readable)."""
    return store.account_tasks(session, account_id)


def complete(session: Session, *, actor: Actor, task_id: int) -> None:
    """Mark a task done, recording who and when; commits.

    Someone else's task is not even confirmed to exist (NotFound); a task already closed
    is a Conflict.
    """
    found, assignee = store.task_assignee(session, task_id)
    if not found or not policy.can(actor, "tasks", owner_id=assignee):
        raise NotFound("task", task_id)
    now = dt.datetime.now(dt.UTC)
    if not store.mark_done(session, task_id, user_id=author_id(actor), now=now):
        raise Conflict(f"task {task_id} is already done")
    session.commit()
