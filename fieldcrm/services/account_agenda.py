"""The account page's "what is coming": booked appointments and the next planned visit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor
from fieldcrm.errors import NotFound
from fieldcrm.services.accounts import access
from fieldcrm.store import account_agenda as store


@dataclass(frozen=True)
class AccountAgenda:
    """Appointments not over yet (soonest first) and the next visit a plan proposes."""

    appointments: list[store.Upcoming] = field(default_factory=list)
    planned: store.PlannedVisit | None = None


def account_agenda(
    session: Session, *, actor: Actor, account_id: int, now: dt.datetime
) -> AccountAgenda:
    """What is coming for an account the actor may read (``NotFound`` otherwise)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    target = access(session, actor=actor, account_id=account_id)
    if not policy.can(actor, "account.read", **target):
        raise NotFound("account", account_id)
    return AccountAgenda(
        store.upcoming_appointments(session, account_id, now=now),
        store.next_planned_visit(session, account_id, now=now),
    )
