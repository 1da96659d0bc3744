"""Each user's alerts inbox: what the rules pushed to them, read and acknowledged."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor
from fieldcrm.errors import NotFound
from fieldcrm.store import notifications as store
from fieldcrm.store.notifications import InboxItem


def inbox(
    session: Session, *, actor: Actor, unread_only: bool = False, limit: int = 100
) -> list[InboxItem]:
    """The actor's in-app alerts, newest first."""
    policy.require(actor, "alerts.read")
    return store.inbox(session, actor.id, unread_only=unread_only, limit=limit)


def acknowledge(session: Session, *, actor: Actor, alert_id: int) -> None:
    """Mark an alert read (and acknowledged when the actor is its recipient)."""
    policy.require(actor, "alerts.read")
    if not store.acknowledge(session, alert_id, actor.id, now=dt.datetime.now(dt.UTC)):
        raise NotFound("alert", alert_id)
    session.commit()
