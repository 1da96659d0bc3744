"""Physically possible demo diaries: where each rep is on each working day, and when.

A local rep's day runs from home and back. Sophie, the key-accounts rep living in Antibes,
travels France-wide on a rotation of week-long itineraries (one city a day): she sleeps at
the hotel where a day ends when the next day goes on, by the cost report's own rule of a
night away (:func:`fieldcrm.costs.derive.sleeps_away`). A day's visits are timed one after
the other with the planner's own driving estimate off the road graph
(:func:`fieldcrm.services.planning_build.travel_matrix`) between them, from the start of the
working day, no visit starting in the lunch break, and the day ending at home (or at the
hotel) within the working day and the rep's driving limit.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from fieldcrm.costs.derive import sleeps_away
from fieldcrm.geo import GeoPoint
from fieldcrm.services.planning_build import travel_matrix

Point = tuple[float, float]
"""(lon, lat) in degrees."""

DAY_START = 8 * 60
FIRST_VISIT = 8 * 60 + 30
LAST_START = 17 * 60
LUNCH = (12 * 60 + 15, 14 * 60)
"""No visit starts between these minutes of the day."""
ROUND_MIN = 5

TRIP_REP = 6
PARIS_WEEK = ("Paris",) * 5
LILLE_WEEK = ("Paris", "Paris", "Lille", "Paris", "Paris")
EAST_WEEK = ("Clermont-Ferrand", "Lyon", "Dijon", "Strasbourg", "Strasbourg")
WEST_WEEK = ("Toulouse", "Bordeaux", "Nantes", "Tours", "Tours")
SOUTH_WEEK = ("Toulon", "Marseille", "Montpellier", "Grenoble", None)
ROTATION: tuple[tuple[str | None, ...], ...] = (
    PARIS_WEEK,
    EAST_WEEK,
    LILLE_WEEK,
    WEST_WEEK,
    PARIS_WEEK,
    SOUTH_WEEK,
)
"""Sophie's weeks, Monday to Friday, in turn: the city of each day (None: at the office)."""


def cluster(city: str) -> str:
    """The city a place belongs to for the itineraries: ``Lyon 1er Arrondissement`` → Lyon."""
    return city.split(" ", 1)[0] if "Arrondissement" in city else city


@functools.lru_cache(maxsize=1 << 16)
def drive_minutes(a: Point, b: Point) -> int:
    """The planner's driving estimate from ``a`` to ``b`` off the road graph
    (:func:`~fieldcrm.services.planning_build.travel_matrix` without one), in whole minutes
    (rounded up)."""
    matrix, _ = travel_matrix([GeoPoint(*a), GeoPoint(*b)], None)
    return math.ceil(float(matrix.seconds[0, 1]) / 60)


@dataclass(frozen=True)
class Stop:
    """One visit to time: where it really is and how long it lasts."""

    key: int
    """Which wished visit it is."""
    point: Point
    minutes: int
    located: bool = True
    """The account has a position the cost report can drive to."""


@dataclass(frozen=True)
class Rep:
    """Where a rep starts and ends, and their limits (minutes of the day)."""

    rep_id: int
    home: Point
    day_end: int
    max_drive: int


def _round_up(minute: int) -> int:
    return -(-minute // ROUND_MIN) * ROUND_MIN


def timed(rep: Rep, start: Point, stops: Sequence[Stop], end: Point | None) -> list[int] | None:
    """Start minutes of ``stops`` in this order, leaving ``start`` at the start of the day
    and reaching ``end`` (None: the day ends at its last visit, the hotel) in time; None when
    they do not fit. One visit per clock hour at most, none starting in the lunch break."""
    clock, driven, here, hour = DAY_START, 0, start, -1
    starts = []
    for stop in stops:
        leg = drive_minutes(here, stop.point)
        driven += leg
        begin = _round_up(max(clock + leg, FIRST_VISIT, (hour + 1) * 60))
        if LUNCH[0] <= begin < LUNCH[1]:
            begin = LUNCH[1]
        if begin > LAST_START:
            return None
        starts.append(begin)
        clock, here, hour = begin + stop.minutes, stop.point, begin // 60
    if end is not None:
        leg = drive_minutes(here, end)
        driven += leg
        clock += leg
    if clock > rep.day_end or driven > rep.max_drive:
        return None
    return starts


def stays(rep: Rep, today: Sequence[Stop], tomorrow: Sequence[Stop] | None) -> bool:
    """Whether the rep sleeps away after ``today``, by the cost report's rule at its default
    distance (:func:`fieldcrm.costs.derive.sleeps_away`): tomorrow (the next calendar day)
    has visits, located ones on both days."""
    here = [s.point for s in today if s.located]
    there = [s.point for s in tomorrow or () if s.located]
    return bool(here and there) and sleeps_away(
        GeoPoint(*here[-1]), GeoPoint(*there[0]), GeoPoint(*rep.home)
    )


def itinerary(day: dt.date, *, short_week: bool = False) -> str | None:
    """The city of Sophie's working ``day`` in her rotation of weeks (None: no far visit);
    a week with a public holiday is one of day trips (:data:`SOUTH_WEEK`), not a trip cut
    in two."""
    if day.weekday() > 4:
        return None
    if short_week:
        return SOUTH_WEEK[day.weekday()]
    week = (day.toordinal() - day.weekday()) // 7
    return ROTATION[week % len(ROTATION)][day.weekday()]


def insert(
    rep: Rep, start: Point, stops: list[Stop], new: Stop, end: Point | None
) -> list[Stop] | None:
    """``stops`` with ``new`` inserted where it adds the least driving and the day still
    fits (:func:`timed`); None when it fits nowhere."""
    path = [start, *(s.point for s in stops)]
    costs = []
    for i in range(len(stops) + 1):
        before = path[i]
        after = path[i + 1] if i + 1 < len(path) else end
        added = drive_minutes(before, new.point)
        if after is not None:
            added += drive_minutes(new.point, after) - drive_minutes(before, after)
        costs.append((added, i))
    for _, i in sorted(costs):
        candidate = [*stops[:i], new, *stops[i:]]
        if timed(rep, start, candidate, end) is not None:
            return candidate
    return None


def settle(rep: Rep, days: dict[dt.date, list[Stop]]) -> dict[dt.date, list[int]]:
    """Time every day of ``rep`` from where the previous night was spent, dropping a day's
    last visits until it fits (a day left empty may send the day before home: repeated until
    every day fits). ``days`` is changed in place; the start minutes of each day's visits."""
    while True:
        order = sorted(d for d, stops in days.items() if stops)
        out: dict[dt.date, list[int]] = {}
        dropped = False
        start = rep.home
        for i, day in enumerate(order):
            stops = days[day]
            following = order[i + 1] if i + 1 < len(order) else None
            tomorrow = days[following] if following == day + dt.timedelta(days=1) else None
            away = stays(rep, stops, tomorrow)
            starts = timed(rep, start, stops, None if away else rep.home)
            if starts is None:  # its last visit goes; every day is timed again
                stops.pop()
                dropped = True
            else:
                out[day] = starts
            located = [s.point for s in stops if s.located]
            start = located[-1] if away and located else rep.home
        if not dropped:
            for day in [d for d, stops in days.items() if not stops]:
                del days[day]
            return out
