"""An appointment too far for the days around it: the way there (or back) is longer than all
the driving those days allow — proven from the direct drive, not searched.

On one day, an appointment out of reach is a matter of the clock: the rep cannot arrive by
its start, or be back by the day's end (:func:`fieldcrm.routing.realise.out_of_reach`). Over
a trip, its day may start at a hotel next to it after a night away, and the question is
whether the rep can drive that far at all by then. Each day drives at most its cap (its
working hours when it has none); the appointment's own day only until its start (after its
end). Travel times are shortest drives, so any way from home to the appointment — through
hotels, visits, other appointments — drives at least the direct drive: when that is more
than the days joined to the appointment by nights away can drive, no plan holds it,
whichever hotels and visits. :func:`long_drives` says so with the figures, how many more
days of driving it would take at least, and whether another hour of its day would lift the
bound (both ways checked).

Examples
--------
>>> import datetime as dt
>>> from fieldcrm.routing.problem import Appointment, Problem, WorkDay
>>> H = 3600
>>> days = tuple(
...     WorkDay(8 * H, 18 * H, max_driving_s=5 * H, date=dt.date(2026, 4, d)) for d in (21, 22)
... )
>>> far = Problem(
...     home=0,
...     days=days,
...     durations_s=((0, 14 * H), (14 * H, 0)),
...     distances_m=((0, 1_400_000), (1_400_000, 0)),
...     appointments=(Appointment("brest", 1, 1, 8 * H + 300, H, "Salon de Brest"),),
... )
>>> there, back = long_drives(far, far.appointments[0], away=True)
>>> there.drive_s // H, there.within_s, there.days, there.more_days, there.back_days
(14, 18300, 1, 2, 2)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, fields, replace
from typing import Any

from fieldcrm.routing import engine
from fieldcrm.routing.problem import Appointment, Problem, WorkDay


@dataclass(frozen=True)
class LongDrive:
    """A way to or from an appointment longer than the days around it can drive
    (:func:`long_drives`); stored as part of the refusal
    (:meth:`fieldcrm.routing.realise.Reach.as_doc`)."""

    drive_s: int
    """The direct drive: from home to the appointment (the way there), or from it back to
    where the trip ends (the way back)."""
    within_s: int
    """The most driving the days allow for that way: each day joined to the appointment's
    day by nights away (:attr:`days`) its cap or working hours, and the appointment's own
    day until its start (after its end)."""
    days: int
    """How many days of the plan are joined to the appointment's day by nights away, before
    it (the way there) or after it (the way back)."""
    cap_s: int | None
    """The most driving any of those days allows (their cap), ``None`` when one has no cap
    (its working hours bound it)."""
    more_days: int
    """At least this many more days of driving (each no more than the plan's days allow)
    that way needs, the appointment staying where it is."""
    move_s: int | None
    """The whole minute the appointment would have to start at, at the earliest (the way
    there) or at the latest (the way back), for its day to drive what the days around it
    cannot of both ways, within its working hours and cap; ``None`` when no hour of its day
    does (then only more days would)."""
    back_days: int = 0
    """For the way there: at least this many more days the way back needs too (0: none
    proven)."""
    date: str | None = None
    """The appointment's day (ISO), when the plan's days have dates."""

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> LongDrive:
        """The long drive stored as ``doc`` (``dataclasses.asdict``); :class:`KeyError`
        for a field it lacks, :class:`TypeError` for a value of the wrong type (a date that
        is no ISO date too)."""
        made = cls(
            **{
                f.name: doc[f.name] if f.default is MISSING else doc.get(f.name, f.default)
                for f in fields(cls)
            }
        )
        counts = (made.drive_s, made.within_s, made.days, made.more_days, made.back_days)
        maybe = (made.cap_s, made.move_s)
        if not all(type(v) is int for v in counts) or not all(
            v is None or type(v) is int for v in maybe
        ):
            raise TypeError("a long drive's figures are whole seconds and days")
        if made.date is not None:
            try:
                dt.date.fromisoformat(made.date)
            except (TypeError, ValueError):
                raise TypeError("a long drive's date is an ISO date") from None
        return made


def most_driving(day: WorkDay, span_s: int | None = None) -> int:
    """The most ``day`` can drive in ``span_s`` seconds of it (default its working hours):
    that time, or its cap when less."""
    span = day.return_s - day.depart_s if span_s is None else max(span_s, 0)
    return span if day.max_driving_s is None else min(span, day.max_driving_s)


def _joined(problem: Problem, k: int, step: int) -> list[int]:
    """The days joined to day ``k`` by nights away, going back (``step`` -1) or on (+1)."""
    out = []
    while 0 <= k + step < len(problem.days) and engine.consecutive(problem, min(k, k + step)):
        k += step
        out.append(k)
    return out


def _more_days(short_s: int, per_day_s: int) -> int:
    return -(-short_s // per_day_s)


def long_drives(
    problem: Problem, a: Appointment, *, away: bool
) -> tuple[LongDrive | None, LongDrive | None]:
    """The way to appointment ``a`` and the way back, each when it is proven longer than the
    days around ``a`` can drive (see the module), else ``None``.

    Parameters
    ----------
    problem
        The plan's problem (its days' frames and caps, its shortest drives).
    a
        One of its appointments.
    away
        Whether nights away are allowed (a hotel to spend them at): without them, each day
        starts and ends at home and only the appointment's day counts.

    Returns
    -------
    tuple
        ``(there, back)``: the way there (with, when the way back is too long as well, the
        more days that one needs, :attr:`LongDrive.back_days`) and the way back.
    """
    day = problem.days[a.day]
    before = _joined(problem, a.day, -1) if away else []
    after = _joined(problem, a.day, 1) if away else []
    end = problem.last_place if a.day + len(after) == len(problem.days) - 1 else problem.home
    begin = problem.first_place if a.day - len(before) == 0 else problem.home
    there_s = problem.durations_s[begin][a.place]
    back_s = problem.durations_s[a.place][end]
    ahead = sum(most_driving(problem.days[k]) for k in before)
    behind = sum(most_driving(problem.days[k]) for k in after)
    # what the appointment's own day must drive of each way, and the hours it may start at
    need_there, need_back = max(there_s - ahead, 0), max(back_s - behind, 0)
    earliest = -(-(day.depart_s + need_there) // 60) * 60
    latest = (day.return_s - a.duration_s - need_back) // 60 * 60
    cap_ok = day.max_driving_s is None or need_there + need_back <= day.max_driving_s
    fits = cap_ok and earliest <= latest
    room_there = ahead + most_driving(day, a.start_s - day.depart_s)
    room_back = behind + most_driving(day, day.return_s - a.start_s - a.duration_s)
    per_day = max(most_driving(d) for d in problem.days)
    caps = [problem.days[k].max_driving_s for k in (*before, a.day, *after)]
    cap = None if None in caps else max(c for c in caps if c is not None)
    date = day.date.isoformat() if day.date else None
    there = back = None
    if there_s > room_there:
        more = _more_days(there_s - room_there, per_day)
        move = earliest if fits else None
        there = LongDrive(there_s, room_there, len(before), cap, more, move, date=date)
    if back_s > room_back:
        more = _more_days(back_s - room_back, per_day)
        move = latest if fits else None
        back = LongDrive(back_s, room_back, len(after), cap, more, move, date=date)
    if there is not None and back is not None:
        there = replace(there, back_days=back.more_days)
    return there, back
