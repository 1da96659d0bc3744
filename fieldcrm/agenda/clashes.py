"""Whether a new (or moved) appointment fits among the rep's other appointments.

Two rules, each refused with a French message that names the other appointment and the
times, in the company's time zone:

- no overlap with another appointment (touching ends are fine);
- reachable: on the same local day, the previous appointment's end plus the driving time
  from its place must not pass the start, and this appointment's end plus the driving time
  to the next one must not pass the next one's start. An appointment without a located place
  is only checked for overlaps.

The driving times come from the caller (the planner's travel-time provider), so this module
stays plain data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from fieldcrm.agenda.times import hm
from fieldcrm.durations import duration_text
from fieldcrm.errors import Conflict
from fieldcrm.geo import GeoPoint


@dataclass(frozen=True)
class Booked:
    """An appointment as the clash rules see it."""

    id: int | None
    """``None`` for the appointment being created."""
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: GeoPoint | None

    def __post_init__(self) -> None:
        # Aware datetimes sharing a zone compare and add as wall clocks: keep instants in UTC.
        for name in ("starts_at", "ends_at"):
            moment: dt.datetime = getattr(self, name)
            if moment.tzinfo is None:
                raise ValueError(f"{name} must be an aware datetime")
            object.__setattr__(self, name, moment.astimezone(dt.UTC))


def _span(b: Booked, zone: ZoneInfo) -> str:
    return f"{hm(b.starts_at, zone)}–{hm(b.ends_at, zone)}"


def check_overlap(new: Booked, others: Sequence[Booked], *, zone: ZoneInfo) -> None:
    """Raise :class:`Conflict` naming the first appointment of ``others`` that ``new`` overlaps.

    Parameters
    ----------
    new
        The appointment to place.
    others
        The rep's other appointments (not cancelled; ``new`` itself left out).
    zone
        The company's time zone, for the message.
    """
    for other in sorted(others, key=lambda b: (b.starts_at, b.id or 0)):
        if other.starts_at < new.ends_at and new.starts_at < other.ends_at:
            day = other.starts_at.astimezone(zone).strftime("%d/%m/%Y")
            raise Conflict(
                f"Ce créneau ({_span(new, zone)}) chevauche le rendez-vous « {other.title} » "
                f"du {day} de {hm(other.starts_at, zone)} à {hm(other.ends_at, zone)}."
            )


def neighbours(
    new: Booked, others: Sequence[Booked], *, zone: ZoneInfo
) -> tuple[Booked | None, Booked | None]:
    """The appointments just before and just after ``new`` on its local day (no overlap assumed).

    Returns
    -------
    tuple
        ``(previous, next)``: the one ending last at or before ``new`` starts, the one
        starting first at or after ``new`` ends; ``None`` where there is none that day.
    """
    day = new.starts_at.astimezone(zone).date()
    same_day = [b for b in others if b.starts_at.astimezone(zone).date() == day]
    before = [b for b in same_day if b.ends_at <= new.starts_at]
    after = [b for b in same_day if b.starts_at >= new.ends_at]
    previous = max(before, key=lambda b: (b.ends_at, b.id or 0), default=None)
    following = min(after, key=lambda b: (b.starts_at, b.id or 0), default=None)
    return previous, following


def check_reachable(
    new: Booked,
    *,
    previous: Booked | None,
    following: Booked | None,
    from_previous_s: float | None,
    to_following_s: float | None,
    zone: ZoneInfo,
) -> None:
    """Raise :class:`Conflict` when the drive from ``previous`` or to ``following`` does not fit.

    Parameters
    ----------
    new
        The appointment to place.
    previous, following
        Its neighbours of the day (see :func:`neighbours`).
    from_previous_s, to_following_s
        Driving seconds from the previous place to ``new``'s, and from ``new``'s to the next
        one's; ``None`` when a place is unknown (then that side is not checked).
    zone
        The company's time zone, for the message.
    """
    if previous is not None and from_previous_s is not None:
        arrival = previous.ends_at + dt.timedelta(seconds=from_previous_s)
        if arrival > new.starts_at:
            raise Conflict(
                f"Impossible d’arriver à {hm(new.starts_at, zone)} : le rendez-vous "
                f"« {previous.title} » ({_span(previous, zone)}) finit à "
                f"{hm(previous.ends_at, zone)} et il faut {duration_text(from_previous_s)} de "
                f"route depuis là-bas (arrivée au plus tôt à {_ceil_hm(arrival, zone)})."
            )
    if following is not None and to_following_s is not None:
        arrival = new.ends_at + dt.timedelta(seconds=to_following_s)
        if arrival > following.starts_at:
            raise Conflict(
                f"Ce rendez-vous finit à {hm(new.ends_at, zone)} et il faut "
                f"{duration_text(to_following_s)} de route jusqu’au rendez-vous suivant "
                f"« {following.title} » ({_span(following, zone)}) : arrivée au plus tôt à "
                f"{_ceil_hm(arrival, zone)}, après son début à {hm(following.starts_at, zone)}."
            )


def _ceil_hm(moment: dt.datetime, zone: ZoneInfo) -> str:
    """``HH:MM`` rounded up to the minute (an arrival at 10:00:20 is not 10:00)."""
    extra = dt.timedelta(seconds=moment.second, microseconds=moment.microsecond)
    if extra:
        moment = moment - extra + dt.timedelta(minutes=1)
    return hm(moment, zone)
