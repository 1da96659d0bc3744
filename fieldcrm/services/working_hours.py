"""A rep's working hours as the planner uses them, and the appointments booked outside them.

The planner's day runs from the rep's departure to their return
(:func:`fieldcrm.services.planning_build.working_hours`: the rep's own hours, the company's
defaults where they have none), the same hours every day worked. An appointment may be
booked outside them (a rep may really meet a client at 7:00): the booking is kept, and the
agenda says it is outside the hours.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor, Role
from fieldcrm.errors import NotFound
from fieldcrm.services import planning_build
from fieldcrm.store.plans import get_rep

DAY_S = 24 * 3600


@dataclass(frozen=True)
class WorkingHours:
    """A rep's working day: departure and return, seconds since midnight (local time)."""

    start_s: int
    end_s: int

    def outside(self, starts_at: dt.datetime, ends_at: dt.datetime, zone: ZoneInfo) -> bool:
        """Whether an appointment from ``starts_at`` to ``ends_at`` (aware instants) starts
        before the departure or ends after the return, on the clock of ``zone`` (an
        appointment ending at midnight ends at 24:00, never at 00:00).

        >>> paris = ZoneInfo("Europe/Paris")
        >>> hours = WorkingHours(8 * 3600, 18 * 3600 + 1800)
        >>> at = lambda h, m: dt.datetime(2026, 12, 10, h, m, tzinfo=paris)
        >>> hours.outside(at(8, 0), at(9, 0), paris), hours.outside(at(17, 30), at(18, 30), paris)
        (False, False)
        >>> hours.outside(at(3, 0), at(4, 0), paris), hours.outside(at(18, 0), at(19, 0), paris)
        (True, True)
        """
        start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
        start_s = start.hour * 3600 + start.minute * 60 + start.second
        end_s = end.hour * 3600 + end.minute * 60 + end.second
        if end.date() > start.date():
            end_s += DAY_S * (end.date() - start.date()).days
        return start_s < self.start_s or end_s > self.end_s


def rep_hours(session: Session, *, actor: Actor, rep_id: int) -> WorkingHours | None:
    """The working hours of ``rep_id`` as their plans use them; ``None`` for a user who is
    no (active) rep — nobody plans their days."""
    policy.require(actor, "appointment", owner_id=rep_id)
    try:
        rep = get_rep(session, rep_id)
    except NotFound:
        return None
    if rep.role != Role.REP:
        return None
    start_s, end_s = planning_build.working_hours(rep)
    return WorkingHours(start_s, end_s)
