"""The account page's "what is coming": booked appointments and the next planned visit."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor
from fieldcrm.config import get_settings
from fieldcrm.errors import NotFound
from fieldcrm.services.accounts import access
from fieldcrm.services.planning import bookable_between
from fieldcrm.store import account_agenda as store
from fieldcrm.store.booked_near import booked_near


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
        _still_proposed(
            session, account_id, store.next_planned_visit(session, account_id, now=now)
        ),
    )


def _still_proposed(
    session: Session, account_id: int, planned: store.PlannedVisit | None
) -> store.PlannedVisit | None:
    """The proposal in whole bookable minutes, unless the account was booked since the plan
    near that day (the plan is stale: it is no longer a proposal)."""
    if planned is None:
        return None
    cfg = get_settings()
    if booked_near(
        session,
        [(planned.proposal_id, account_id, planned.day)],
        booked_days=cfg.planner_booked_days,
        tz=cfg.scoring_timezone,
        booked_after=planned.planned_at,
    ):
        return None
    minutes = bookable_between(planned.slot_start, planned.slot_end)
    if minutes is None:
        return None
    return dataclasses.replace(planned, slot_start=minutes.first, slot_end=minutes.last)
