""" "Trouver un jour": where a new visit fits best in the days already booked, in euros.

Each working day of a :class:`~fieldcrm.routing.problem.Problem` holds its fixed
appointments (the problem's appointments of that day). The new visit (one place, one duration,
the windows in which it may start on each day) goes between two consecutive stops of that
day — home, the appointments in time order, home — where it can start in its window, on
time for the next stop, with the day's lunch still possible (unless its appointments alone
leave no room for it: the day then skips it, as a planned day does) and its driving cap kept (the rep
drives to the new visit right before it and on right after it; lunch fits in any free time of
its window, never while driving). What it
adds is the detour (extra kilometres and driving time, costed at the rep's rates) plus the
value of the planned visits its time overlaps (they would have to move: ``planned``), at the
best start of the day. Days are ranked by that, cheapest first; a day where it fits nowhere
says why.

Slots are exact to the minute: every start minute of a slot is bookable, and none outside it
is, in the stop it is reported for.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace

from fieldcrm.routing.problem import Problem, Window, WorkDay

MINUTE = 60


@dataclass(frozen=True)
class Planned:
    """A visit already planned (not booked) on a day: it moves if the new one takes its time."""

    key: str
    name: str
    day: int
    start_s: int
    end_s: int
    value_eur: float = 0.0


@dataclass(frozen=True)
class DayOption:
    """What booking the new visit on one day adds, or why it cannot be."""

    day: int
    date: dt.date | None
    slot: Window | None
    """First and last bookable start (seconds since midnight): the earliest run of minutes
    that costs the least — same gap, same displaced visits, every minute bookable. None: no
    room."""
    after: str
    """What the visit comes after in that gap (an appointment's name, or "départ": the start
    from home, worded by the page)."""
    extra_km: float = 0.0
    extra_driving_s: int = 0
    extra_eur: float = 0.0
    displaced: tuple[Planned, ...] = ()
    reason: str = ""
    """Why there is no room (French), when ``slot`` is None."""

    @property
    def added_eur(self) -> float:
        """The detour's cost plus the value of the planned visits it displaces."""
        return self.extra_eur + sum(p.value_eur for p in self.displaced)


@dataclass(frozen=True)
class _Stop:
    place: int
    start_s: int  # arrival deadline (appointments) or departure (home)
    end_s: int
    name: str


def _stops(problem: Problem, day: int) -> list[_Stop]:
    work = problem.days[day]
    fixed = sorted(
        (a for a in problem.appointments if a.day == day), key=lambda a: (a.start_s, a.key)
    )
    return [
        _Stop(problem.home, work.depart_s, work.depart_s, "départ"),
        *(_Stop(a.place, a.start_s, a.start_s + a.duration_s, a.name or a.key) for a in fixed),
        _Stop(problem.home, work.return_s, work.return_s, "retour"),
    ]


def _busy(stops: Sequence[_Stop], problem: Problem, *, skip_leg: int | None) -> list[Window]:
    """Intervals the rep is at an appointment or driving to the next stop (each leg as late
    as possible, right before the stop), leaving out leg ``skip_leg`` (replaced by the visit)."""
    out: list[Window] = []
    for k, (a, b) in enumerate(itertools.pairwise(stops)):
        if a.end_s > a.start_s:
            out.append((a.start_s, a.end_s))
        if k != skip_leg:
            out.append((b.start_s - problem.durations_s[a.place][b.place], b.start_s))
    return out


def _lunch_fits(work: WorkDay, busy: Sequence[Window]) -> bool:
    """Whether the day's lunch still has ``duration_s`` free inside its window."""
    if work.lunch is None:
        return True
    lunch = work.lunch
    free_from = lunch.earliest_s
    for start, end in sorted(busy):
        if end <= free_from:
            continue
        if start >= lunch.latest_end_s:
            break
        if min(start, lunch.latest_end_s) - free_from >= lunch.duration_s:
            return True
        free_from = max(free_from, end)
    return lunch.latest_end_s - free_from >= lunch.duration_s


def _driving(stops: Sequence[_Stop], problem: Problem) -> int:
    return sum(problem.durations_s[a.place][b.place] for a, b in itertools.pairwise(stops))


def _in(windows: Sequence[Window], s: int) -> bool:
    return any(lo <= s <= hi for lo, hi in windows)


def option_for_day(
    problem: Problem,
    day: int,
    *,
    place: int,
    service_s: int,
    windows: Sequence[Window],
    planned: Sequence[Planned] = (),
) -> DayOption:
    """The cheapest way to fit the new visit into ``day`` (see the module docstring)."""
    work = problem.days[day]
    stops = _stops(problem, day)
    if not windows:
        return DayOption(day, work.date, None, "", reason="fermé ce jour-là")
    if not _lunch_fits(work, _busy(stops, problem, skip_leg=None)):
        # the appointments alone leave no room for lunch: the day skips it, as the planner's
        # days do (:func:`~fieldcrm.routing.realise.realise`), and a visit is not refused for it
        work = replace(work, lunch=None)
    driving = _driving(stops, problem)
    best: DayOption | None = None
    for i, (a, b) in enumerate(itertools.pairwise(stops)):
        to_x, from_x = problem.durations_s[a.place][place], problem.durations_s[place][b.place]
        direct = problem.durations_s[a.place][b.place]
        extra_s = to_x + from_x - direct
        if work.max_driving_s is not None and driving + extra_s > work.max_driving_s:
            continue
        earliest = a.end_s + to_x
        latest = b.start_s - from_x - service_s
        metres = (
            problem.distances_m[a.place][place]
            + problem.distances_m[place][b.place]
            - problem.distances_m[a.place][b.place]
        )
        extra_eur = problem.costs.travel_eur(extra_s, metres)
        runs: list[tuple[int, int, tuple[Planned, ...]]] = []  # (first, last, displaced)
        for start in range(_ceil_minute(earliest), latest + 1, MINUTE):
            occupied = (start - to_x, start + service_s + from_x)
            if not _in(windows, start) or not _lunch_fits(
                work, [*_busy(stops, problem, skip_leg=i), occupied]
            ):
                continue
            displaced = tuple(
                p
                for p in planned
                if p.day == day and p.start_s < occupied[1] and occupied[0] < p.end_s
            )
            if runs and runs[-1][1] == start - MINUTE and runs[-1][2] == displaced:
                runs[-1] = (runs[-1][0], start, displaced)
            else:
                runs.append((start, start, displaced))
        for first, last, displaced in runs:
            option = DayOption(
                day,
                work.date,
                (first, last),
                a.name,
                extra_km=metres / 1000,
                extra_driving_s=extra_s,
                extra_eur=extra_eur,
                displaced=displaced,
            )
            if best is None or option.added_eur < best.added_eur - 1e-9:
                best = option
    if best is None:
        return DayOption(
            day, work.date, None, "", reason="aucun créneau entre les rendez-vous de ce jour"
        )
    return best


def _ceil_minute(s: int) -> int:
    return -(-s // MINUTE) * MINUTE


def rank_days(
    problem: Problem,
    *,
    place: int,
    service_s: int,
    windows: Sequence[Sequence[Window]],
    planned: Sequence[Planned] = (),
) -> list[DayOption]:
    """Every day's option, the days with room first, cheapest first (then earliest).

    ``windows[d]``: the intervals in which the visit may start on day ``d`` (empty: closed).

    >>> from fieldcrm.routing.problem import Costs
    >>> p = Problem(home=0, days=(WorkDay(8 * 3600, 18 * 3600), WorkDay(8 * 3600, 18 * 3600)),
    ...             durations_s=((0, 900), (900, 0)), distances_m=((0, 12000), (12000, 0)),
    ...             costs=Costs(eur_per_km=0.5))
    >>> [o.day for o in rank_days(p, place=1, service_s=1800, windows=[[], [(9 * 3600, 17 * 3600)]])]
    [1, 0]
    """
    options = [
        option_for_day(
            problem, d, place=place, service_s=service_s, windows=windows[d], planned=planned
        )
        for d in range(len(problem.days))
    ]
    return sorted(options, key=lambda o: (o.slot is None, round(o.added_eur, 6), o.day))
