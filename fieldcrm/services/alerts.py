"""Each user's alerts inbox: what the rules pushed to them, read and acknowledged."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor
from fieldcrm.errors import InvalidInput, NotFound
from fieldcrm.notify.email import in_app_subject
from fieldcrm.services import tasks
from fieldcrm.store import notifications as store
from fieldcrm.store.notifications import InboxItem

PAGE_SIZE = 25


@dataclass(frozen=True)
class InboxPage:
    """One page of the inbox, the total it pages through, and the rules to filter by."""

    items: list[InboxItem]
    total: int
    page: int
    pages: int
    rules: list[tuple[str, int]]


def inbox(
    session: Session,
    *,
    actor: Actor,
    unread_only: bool = False,
    rule_key: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[InboxItem]:
    """The actor's in-app alerts: most severe first, then by priority, then newest."""
    policy.require(actor, "alerts.read")
    items = store.inbox(
        session, actor.id, unread_only=unread_only, rule_key=rule_key, limit=limit, offset=offset
    )
    return [_in_app(i) for i in items]


def _in_app(item: InboxItem) -> InboxItem:
    """An inbox item as the app shows it: its subject without the e-mail prefix."""
    return replace(item, subject=in_app_subject(item.subject))


def inbox_page(
    session: Session,
    *,
    actor: Actor,
    page: int = 1,
    unread_only: bool = False,
    rule_key: str | None = None,
    size: int = PAGE_SIZE,
) -> InboxPage:
    """Page ``page`` (from 1) of the actor's inbox, with the total and the rules."""
    policy.require(actor, "alerts.read")
    if page < 1:
        raise InvalidInput("page", "must be at least 1", value=page)
    total = store.inbox_count(session, actor.id, unread_only=unread_only, rule_key=rule_key)
    items = store.inbox(
        session,
        actor.id,
        unread_only=unread_only,
        rule_key=rule_key,
        limit=size,
        offset=(page - 1) * size,
    )
    pages = max(1, -(-total // size))
    shown = [_in_app(i) for i in items]
    return InboxPage(shown, total, page, pages, store.inbox_rules(session, actor.id))


def unread_count(session: Session, *, actor: Actor) -> int:
    """How many of the actor's in-app alerts are unread."""
    return store.unread_count(session, actor.id)


@dataclass(frozen=True)
class MenuCounts:
    """What waits for the actor: the counts beside « Alertes » and « Mes tâches »."""

    unread_alerts: int
    open_tasks: int


def menu_counts(session: Session, *, actor: Actor) -> MenuCounts:
    """The actor's unread in-app alerts and the open tasks « Mes tâches » lists for them
    (their own; a manager's team's too; none for a role without tasks), in one statement."""
    owners = tasks.people(actor, None) if policy.can(actor, "tasks", owner_id=actor.id) else []
    return MenuCounts(*store.unread_and_open(session, actor.id, task_owners=owners))


def acknowledge(session: Session, *, actor: Actor, alert_id: int) -> None:
    """Mark an alert read (and acknowledged when the actor is its recipient)."""
    policy.require(actor, "alerts.read")
    if not store.acknowledge(session, alert_id, actor.id, now=dt.datetime.now(dt.UTC)):
        raise NotFound("alert", alert_id)
    session.commit()
