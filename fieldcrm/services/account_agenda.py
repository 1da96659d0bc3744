"""The account page's "what is coming": booked appointments and the next planned visit."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor
from fieldcrm.errors import NotFound
from fieldcrm.services.accounts import access
from fieldcrm.services.plan_slots import current_slots
from fieldcrm.store import account_agenda as store
from fieldcrm.store import plans


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
        _still_proposed(session, store.next_planned_visit(session, account_id, now=now)),
    )


def _still_proposed(
    session: Session, planned: store.PlannedVisit | None
) -> store.PlannedVisit | None:
    """The proposal in the whole minutes it can be booked at now (the day page's slot:
    :func:`~fieldcrm.services.plan_slots.current_slots`), unless the account was booked
    elsewhere since the plan (no longer a proposal: one home for that rule,
    :func:`~fieldcrm.services.plan_slots.booked_elsewhere`, which the slots of now leave out)
    or the visit no longer fits its day."""
    if planned is None:
        return None
    proposal = plans.get_proposal(session, planned.proposal_id)
    now = current_slots(session, plans.get_plan(session, proposal.plan_id)).bookable
    minutes = now.get(planned.proposal_id)  # as booked now (the day page's slot)
    if minutes is None:  # no whole minute left, or no longer fits the day
        return None
    return dataclasses.replace(planned, slot_start=minutes.first, slot_end=minutes.last)
