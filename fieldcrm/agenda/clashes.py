"""Whether a new (or moved) appointment fits among the rep's other appointments.

Two rules, each refused with a French message that names the other appointment and the
times, in the company's time zone; the refusal carries its template (:data:`OVERLAP`,
:data:`FROM_PREVIOUS`, :data:`TO_FOLLOWING`, catalogue msgids) and what fills it as data
(``Conflict.code``, ``Conflict.params``: times ``HH:MM``, the day a date, drives in seconds),
so that the edge words it for a reader of another language:

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

OVERLAP = (
    "Ce créneau (%(span)s) chevauche le rendez-vous « %(other)s » du %(day)s de %(start)s à"
    " %(end)s."
)
FROM_PREVIOUS = (
    "Impossible d’arriver à %(start)s : le rendez-vous « %(previous)s » (%(span)s) finit à"
    " %(end)s et il faut %(drive)s de route depuis là-bas (arrivée au plus tôt à %(arrival)s)."
)
TO_FOLLOWING = (
    "Ce rendez-vous finit à %(end)s et il faut %(drive)s de route jusqu’au rendez-vous suivant"
    " « %(following)s » (%(span)s) : arrivée au plus tôt à %(arrival)s, après son début à"
    " %(start)s."
)
"""The clash refusals' French templates (catalogue msgids, English in the catalogue)."""


def _refusal(template: str, params: dict[str, object]) -> Conflict:
    """The refusal worded by ``template`` from ``params`` in French (the day ``dd/mm/yyyy``,
    a drive as :func:`duration_text` writes it), keeping both for other readers."""
    return Conflict(
        template % {k: _french(k, v) for k, v in params.items()}, code=template, params=params
    )


def _french(name: str, value: object) -> object:
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if name == "drive" and isinstance(value, int | float):
        return duration_text(value)
    return value


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
            raise _refusal(
                OVERLAP,
                {
                    "span": _span(new, zone),
                    "other": other.title,
                    "day": other.starts_at.astimezone(zone).date(),
                    "start": hm(other.starts_at, zone),
                    "end": hm(other.ends_at, zone),
                },
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
            raise _refusal(
                FROM_PREVIOUS,
                {
                    "start": hm(new.starts_at, zone),
                    "previous": previous.title,
                    "span": _span(previous, zone),
                    "end": hm(previous.ends_at, zone),
                    "drive": from_previous_s,
                    "arrival": _ceil_hm(arrival, zone),
                },
            )
    if following is not None and to_following_s is not None:
        arrival = new.ends_at + dt.timedelta(seconds=to_following_s)
        if arrival > following.starts_at:
            raise _refusal(
                TO_FOLLOWING,
                {
                    "end": hm(new.ends_at, zone),
                    "drive": to_following_s,
                    "following": following.title,
                    "span": _span(following, zone),
                    "arrival": _ceil_hm(arrival, zone),
                    "start": hm(following.starts_at, zone),
                },
            )


def _ceil_hm(moment: dt.datetime, zone: ZoneInfo) -> str:
    """``HH:MM`` rounded up to the minute (an arrival at 10:00:20 is not 10:00)."""
    extra = dt.timedelta(seconds=moment.second, microseconds=moment.microsecond)
    if extra:
        moment = moment - extra + dt.timedelta(minutes=1)
    return hm(moment, zone)
