"""Call intervals: the rep's "En retard" list, an account's rhythm, the segment defaults."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor
from fieldcrm.config import Settings, get_settings
from fieldcrm.errors import InvalidInput
from fieldcrm.scoring.intervals import SEGMENTS, Overdue, check_interval
from fieldcrm.services.tasks import people
from fieldcrm.store import intervals as store
from fieldcrm.store.intervals import Rhythm

PAGE_SIZE = 50


@dataclass(frozen=True)
class OverduePage:
    """A page of late accounts, most overdue first, and how many there are in all."""

    items: list[Overdue]
    total: int
    page: int
    pages: int


def _tz(settings: Settings | None) -> str:
    return (settings or get_settings()).scoring_timezone


def overdue_accounts(
    session: Session,
    *,
    actor: Actor,
    today: dt.date,
    rep_id: int | None = None,
    page: int = 1,
    size: int = PAGE_SIZE,
    settings: Settings | None = None,
) -> OverduePage:
    """Accounts of ``rep_id`` (default: the actor, or a manager's team) whose last visit +
    interval is before ``today``, most overdue first."""
    if page < 1:
        raise InvalidInput("page", "must be at least 1", value=page)
    owners = people(actor, rep_id)
    items, total = store.overdue_accounts(
        session,
        owner_ids=owners,
        today=today,
        tz=_tz(settings),
        limit=size,
        offset=(page - 1) * size,
    )
    return OverduePage(items, total, page, max(1, -(-total // size)))


def rhythm(
    session: Session, *, account_id: int, today: dt.date, settings: Settings | None = None
) -> Rhythm:
    """Interval, last visit, due day and lateness of one account (the caller checked it is
    readable)."""
    return store.rhythm(session, account_id, today=today, tz=_tz(settings))


def defaults(session: Session) -> dict[tuple[str, str], int]:
    """The default interval of each segment value."""
    return store.defaults(session)


def set_default(
    session: Session, *, actor: Actor, segment: str, value: str, days: int | None
) -> None:
    """Set (or remove, with None) a segment's default interval; managers and admins; commits."""
    policy.require(actor, "rules.edit")
    if segment not in SEGMENTS:
        raise InvalidInput("segment", "unknown segment", value=segment, allowed=", ".join(SEGMENTS))
    if not value.strip() or len(value) > 50:
        raise InvalidInput("value", "must be 1 to 50 characters", value=value)
    store.set_default(
        session, segment=segment, value=value, days=check_interval(days, field="days")
    )
    session.commit()
