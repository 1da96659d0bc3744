"""Appointments a little beyond the working hours: a day's frame stretched to its bookings.

A booked appointment is a fact. When a day's appointments alone do not fit its working
hours — the rep must leave earlier for the first, is home later after the last, or drives
more than the cap to hold them —, :func:`stretched` widens that day's frame to what they
alone need, by the one rule the booked days are timed and shown by
(:func:`fieldcrm.routing.reslot.day_frame`: « Hors de vos horaires … retour vers 18:41 »),
provided that no widening exceeds the problem's tolerance
(:attr:`~fieldcrm.routing.problem.Problem.overtime_s`) and that the day leaves no earlier than
its hard earliest departure (:attr:`~fieldcrm.routing.problem.WorkDay.not_before_s`: now, on
a day planned the same day). Beyond them, the day keeps its working hours: the planner
refuses it with its reason, as before (the services then plan the trip that holds it).

Open visits stay inside the working hours: on a stretched day each candidate's start
windows are cut to start at or after the working departure and to end by the working
return, so the stretch adds no open work beyond what the bookings need.

A day that may start or end at a hotel (a night away before or after it) is stretched, for
the solver's search, to every such place from which its appointments are held within the
tolerance (the earliest departure and latest return among them); once the solver has chosen
where the day starts and ends, the day is timed in the frame those two places need
(:func:`day_of`, what the realised plan, its slots and the booked day's note all use), so a
nearer hotel lends no other place's overtime to open work.

Examples
--------
>>> from fieldcrm.routing.problem import Appointment, Problem, WorkDay
>>> H, M = 3600, 60
>>> late = Problem(
...     home=0,
...     days=(WorkDay(depart_s=8 * H, return_s=18 * H + 30 * M),),
...     durations_s=((0, 16 * M), (16 * M, 0)),
...     distances_m=((0, 9000), (9000, 0)),
...     appointments=(Appointment("a", 1, 0, 17 * H + 45 * M, 40 * M),),
...     overtime_s=60 * M,
... )
>>> day = stretched(late).days[0]
>>> day.depart_s == 8 * H, day.return_s == 18 * H + 41 * M
(True, True)
>>> from dataclasses import replace
>>> stretched(replace(late, overtime_s=10 * M)).days[0].return_s == 18 * H + 30 * M
True
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

from fieldcrm.routing import engine
from fieldcrm.routing.problem import Candidate, Problem, Window, WorkDay
from fieldcrm.routing.reslot import DayStop, ReslotDay, day_frame
from fieldcrm.routing.schedule import Leg


def stretched(problem: Problem) -> Problem:
    """``problem`` with each day's frame stretched to what its appointments alone need, when
    that is within :attr:`~fieldcrm.routing.problem.Problem.overtime_s` (see the module);
    ``problem`` itself when no day is. Stretching twice changes nothing more.

    Parameters
    ----------
    problem
        The problem as the working hours frame it.

    Returns
    -------
    Problem
        The same problem, its stretched days' departure, return and driving cap widened (for
        every place each day may start and end at: what the solver searches in), the working
        hours kept (:attr:`~fieldcrm.routing.problem.Problem.working_hours`: each day is
        timed in :func:`day_of` its places, once they are chosen) and its candidates' start
        windows on those days kept inside the working hours.
    """
    if problem.overtime_s <= 0 or not problem.appointments or problem.working_hours:
        return problem
    days = list(problem.days)
    for k, day in enumerate(problem.days):
        leg = _needed(problem, k, day, _ends(problem, k))
        if leg is not None:
            days[k] = _widened(day, leg)
    changed = [k for k, day in enumerate(problem.days) if days[k] != day]
    if not changed:
        return problem
    candidates = tuple(_inside(c, problem.days, changed) for c in problem.candidates)
    return replace(problem, days=tuple(days), candidates=candidates, working_hours=problem.days)


def day_of(problem: Problem, k: int, start: int, end: int) -> WorkDay:
    """Day ``k`` of ``problem`` as it is timed from place ``start`` to place ``end``: its
    working hours stretched to what its appointments alone need from there to there, within
    the tolerance — the frame the booked day is shown in
    (:func:`~fieldcrm.routing.reslot.day_frame`) —, or as they are; the day as given when
    ``problem`` is not :func:`stretched`.

    >>> from fieldcrm.routing.problem import Appointment
    >>> late = Problem(
    ...     home=0,
    ...     days=(WorkDay(8 * 3600, 18 * 3600), WorkDay(8 * 3600, 18 * 3600)),
    ...     durations_s=((0, 1800), (1800, 0)),
    ...     distances_m=((0, 30000), (30000, 0)),
    ...     appointments=(Appointment("a", 1, 0, 17 * 3600, 3600),),
    ...     overtime_s=3600,
    ... )
    >>> day_of(stretched(late), 0, 0, 0).return_s, day_of(stretched(late), 0, 0, 1).return_s
    (66600, 64800)
    """
    if not problem.working_hours:
        return problem.days[k]
    day = problem.working_hours[k]
    leg = _needed(problem, k, day, [(start, end)])
    return day if leg is None else _widened(day, leg)


def _widened(day: WorkDay, leg: Leg) -> WorkDay:
    return replace(
        day, depart_s=leg.depart_s, return_s=leg.return_s, max_driving_s=leg.max_driving_s
    )


def _needed(problem: Problem, k: int, day: WorkDay, ends: Iterable[tuple[int, int]]) -> Leg | None:
    """The working ``day`` (day ``k``) stretched to its appointments (:func:`day_frame`),
    from each place it may start at to each it may end at (``ends``: the pairs), or ``None``
    when they fit it, when they cannot follow one another, or when what they need is beyond
    :attr:`~fieldcrm.routing.problem.Problem.overtime_s` from every such pair. The lunch of
    the frame returned is the working day's (the planner skips it as it does on any day)."""
    today = sorted((a for a in problem.appointments if a.day == k), key=lambda a: a.start_s)
    if not today:
        return None
    working = Leg(day.depart_s, day.return_s, day.lunch, day.max_driving_s)
    stops = [DayStop(a.place, a.duration_s, fixed_s=a.start_s) for a in today]
    needed: list[Leg] = []
    for start, end in ends:
        found = day_frame(ReslotDay(working, start, end, stops, problem.durations_s))
        if found is not None and found.overtime and _within(found.leg, day, problem.overtime_s):
            needed.append(found.leg)
    if not needed:
        return None
    caps = [leg.max_driving_s for leg in needed if leg.max_driving_s is not None]
    return Leg(
        min(leg.depart_s for leg in needed),
        max(leg.return_s for leg in needed),
        day.lunch,
        max(caps) if caps else None,
    )


def earliest_departure(day: WorkDay, tolerance_s: int) -> int:
    """The earliest the working ``day`` may leave once stretched to its bookings:
    ``tolerance_s`` before its departure, never before its hard earliest departure
    (:attr:`~fieldcrm.routing.problem.WorkDay.not_before_s`: now, on a day planned the same
    day — the working hours stretch, the past does not).

    >>> earliest_departure(WorkDay(8 * 3600, 18 * 3600), 3600) == 7 * 3600
    True
    >>> now = WorkDay(8 * 3600, 18 * 3600, not_before_s=7 * 3600 + 1800)
    >>> earliest_departure(now, 3600) == 7 * 3600 + 1800
    True
    """
    earliest = day.depart_s - tolerance_s
    return earliest if day.not_before_s is None else max(earliest, day.not_before_s)


def _within(leg: Leg, day: WorkDay, tolerance_s: int) -> bool:
    """Whether ``leg`` widens ``day`` by at most ``tolerance_s`` on each side and cap, and
    leaves no earlier than :func:`earliest_departure`."""
    cap = day.max_driving_s
    more = 0 if cap is None or leg.max_driving_s is None else leg.max_driving_s - cap
    return (
        leg.depart_s >= earliest_departure(day, tolerance_s)
        and leg.return_s - day.return_s <= tolerance_s
        and more <= tolerance_s
    )


def _ends(problem: Problem, k: int) -> Iterator[tuple[int, int]]:
    """Every (start, end) place day ``k`` may have: home (or the start, on the first day; the
    finish, on the last), or a hotel when a night away may join it to the day before
    (start) or after (end)."""
    starts, ends = engine.day_places(problem, k)
    for start in dict.fromkeys(starts):
        for end in dict.fromkeys(ends):
            yield start, end


def _inside(c: Candidate, working: tuple[WorkDay, ...], changed: list[int]) -> Candidate:
    """``c`` with its start windows on the days ``changed`` kept inside their working hours
    (a visit starts at or after the departure and ends by the return)."""

    def cut(windows: tuple[Window, ...], day: WorkDay) -> tuple[Window, ...]:
        out = []
        for a, b in windows:
            a, b = max(a, day.depart_s), min(b, day.return_s - c.service_s)
            if a <= b:
                out.append((a, b))
        return tuple(out)

    windows = tuple(cut(w, working[k]) if k in changed else w for k, w in enumerate(c.windows))
    return c if windows == c.windows else replace(c, windows=windows)
