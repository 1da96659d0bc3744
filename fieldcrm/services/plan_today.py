"""A plan for today starts from now: the one rule for « Ma journée », « Itinéraire » and a
trip whose first day is today.

The day leaves no earlier than now plus :data:`GET_GOING_S` (its hard earliest departure,
:attr:`fieldcrm.routing.problem.WorkDay.not_before_s`: a booking a little before the working
hours may stretch them, never into the past). The day's bookings are read as a rep reads
them at that minute:

- one already over is past: not part of the plan;
- one that has begun by the earliest departure and is not over (10:00–11:00 at 10:20) is
  where the rep is: the day starts from its place at its end (or at the earliest departure,
  if later), its hard earliest departure too (no stretch of the hours leaves a client
  before the booking is over); it cannot be driven to, so it is not a stop of the plan
  either;
- the others are planned as usual (one the day cannot reach from there and then is refused
  with its reason, never planned with a departure before now).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from fieldcrm.geo import GeoPoint
from fieldcrm.services.planning_inputs import PlanningInputs
from fieldcrm.store.plans import AppointmentRow

GET_GOING_S = 5 * 60
"""From the request to the earliest departure: the minutes it takes to get going."""


@dataclasses.dataclass(frozen=True)
class Today:
    """How today's plan starts (:func:`from_now`)."""

    inputs: PlanningInputs
    """The inputs, without the bookings past or under way."""
    start: GeoPoint | None
    """Where the day starts: the booking under way's place, else the place given (``None``:
    home)."""
    depart_s: int
    """The earliest departure, seconds since midnight: now plus :data:`GET_GOING_S`, or the
    end of the booking under way, or the departure asked, whichever is latest."""
    not_before_s: int
    """The hard earliest departure of the day: now plus :data:`GET_GOING_S`, or the end of
    the booking under way if later (the rep leaves it when it is over)."""
    under_way: AppointmentRow | None = None
    """The booking the rep is at, which the day starts after (``None``: none)."""


def _seconds(moment: dt.datetime, zone: ZoneInfo) -> int:
    local = moment.astimezone(zone)
    return local.hour * 3600 + local.minute * 60 + local.second


def earliest_s(now: dt.datetime, zone: ZoneInfo) -> int:
    """The earliest departure of a day planned at ``now`` (aware), seconds since midnight in
    ``zone``: now plus :data:`GET_GOING_S`, rounded up to the whole minute."""
    soon = _seconds(now, zone) + GET_GOING_S
    return -(-soon // 60) * 60


def from_now(
    inputs: PlanningInputs,
    *,
    now: dt.datetime,
    zone: ZoneInfo,
    start: GeoPoint | None = None,
    depart_s: int | None = None,
) -> Today:
    """Today's day as it can still be planned at ``now`` (aware), in the company's ``zone``
    (see the module): the bookings past or under way left out, the start moved to the one
    under way (the one ending last, if several), the earliest departure not before now
    plus :data:`GET_GOING_S` rounded up to the whole minute (nor before ``depart_s``)."""
    today = now.astimezone(zone).date()
    not_before = earliest_s(now, zone)
    kept: list[AppointmentRow] = []
    under_way: AppointmentRow | None = None
    for a in inputs.appointments:
        if a.ends_at <= now:
            continue  # over: past, not part of the plan
        if (
            a.starts_at.astimezone(zone).date() == today
            and _seconds(a.starts_at, zone) < not_before
        ):
            if under_way is None or a.ends_at > under_way.ends_at:
                under_way = a  # begun: the rep is there
            continue
        kept.append(a)
    earliest = max(not_before, depart_s or 0)
    if under_way is not None:
        over = _seconds(under_way.ends_at, zone)
        earliest, not_before = max(earliest, over), max(not_before, over)
        start = inputs.appointment_point(under_way)
    return Today(
        dataclasses.replace(inputs, appointments=kept), start, earliest, not_before, under_way
    )
