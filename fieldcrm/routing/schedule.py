"""The timetable of one day's route: when each stop starts, where lunch goes, what can be booked.

A route is a fixed order of stops between a start and an end place. :func:`timetable` finds
the earliest schedule (waiting allowed) with the lunch break placed on the leg that brings the
rep back earliest (eaten where the rep is when its window opens: at a stop, on the road or on
arrival), or ``None`` when no placement fits. :func:`bookable_slots` then gives, for
every stop, the widest interval of start times such that *any* start in it keeps the whole
day feasible (other stops may move, order and lunch gap kept): a forward pass for the
earliest, a backward pass for the latest start. :func:`whole_minutes` narrows such an
interval to the minutes a rep can book (bookings are made to the minute).

Examples
--------
>>> day = Leg(depart_s=8 * 3600, return_s=12 * 3600)
>>> travel = ((0, 600), (600, 0))
>>> t = timetable(day, start=0, end=0, stops=[Slot(1, 1800, ((9 * 3600, 11 * 3600),))], travel=travel)
>>> t.starts, t.return_s
((32400,), 34800)
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from fieldcrm.routing.problem import Lunch, Window


@dataclass(frozen=True)
class Leg:
    """The frame of a day: earliest departure, latest return, optional lunch, optional cap
    on the seconds driven along the route (:func:`over_driving_cap`)."""

    depart_s: int
    return_s: int
    lunch: Lunch | None = None
    max_driving_s: int | None = None


@dataclass(frozen=True)
class Slot:
    """A stop to schedule: its place, how long it lasts, when it may start."""

    place: int
    service_s: int
    windows: tuple[Window, ...]


@dataclass(frozen=True)
class Timetable:
    """A feasible schedule: start of each stop, lunch gap and start, departure and return."""

    starts: tuple[int, ...]
    arrivals: tuple[int, ...]
    lunch_gap: int | None
    """Lunch is taken on the leg into stop ``lunch_gap`` (``len(stops)``: the leg to the end
    place), at its start, on the way or on arrival; ``None``: no lunch."""
    lunch_start_s: int | None
    depart_s: int
    return_s: int
    windows: tuple[Window, ...]
    """The window each stop starts in (what its slot is bounded by)."""


MINUTE = 60


def whole_minutes(window: Window) -> Window:
    """The whole-minute starts of ``window`` (seconds): its start rounded up to the next
    minute, its end down — what a rep can book, since bookings are made to the minute.

    Its start is after its end when ``window`` holds no whole minute (nothing bookable).

    >>> whole_minutes((13 * 3600 + 46 * 60 + 20, 15 * 3600 + 26 * 60 + 59))
    (49620, 55560)
    >>> whole_minutes((600, 600))
    (600, 600)
    """
    a, b = window
    return (-(-a // MINUTE) * MINUTE, b // MINUTE * MINUTE)


def booking_start(planned_s: int, slot: Window) -> int:
    """The whole minute a planned visit is booked at when the rep does not pick another: its
    planned start rounded up to the minute, kept inside the slot's whole minutes.

    >>> booking_start(14 * 3600 + 10 * 60 + 5, (13 * 3600 + 46 * 60 + 20, 15 * 3600 + 26 * 60))
    51060
    >>> booking_start(13 * 3600, (13 * 3600 + 46 * 60 + 20, 15 * 3600 + 26 * 60))
    49620
    """
    first, last = whole_minutes(slot)
    return min(max(-(-planned_s // MINUTE) * MINUTE, first), last)


def hhmm(seconds: int) -> str:
    """``HH:MM`` of a time given in seconds since midnight."""
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def over_driving_cap(
    places: Sequence[int], travel: Sequence[Sequence[int]], cap: int | None
) -> bool:
    """Whether the route through ``places`` (start, stops, end) drives more than ``cap``
    seconds (``None``: no cap) — the planner's rule for a day's maximum driving time.

    >>> over_driving_cap([0, 1, 0], ((0, 600), (600, 0)), 1199)
    True
    >>> over_driving_cap([0, 1, 0], ((0, 600), (600, 0)), None)
    False
    """
    if cap is None:
        return False
    return sum(travel[a][b] for a, b in itertools.pairwise(places)) > cap


def idle_s(day: Leg, table: Timetable, stops: Sequence[Slot], driving_s: int) -> int:
    """Seconds of ``table``'s day spent neither driving (``driving_s``), at its ``stops`` nor
    at lunch: the day's waiting, between its departure and its return.

    >>> day = Leg(depart_s=8 * 3600, return_s=12 * 3600)
    >>> stops = [Slot(1, 1800, ((9 * 3600, 11 * 3600),))]
    >>> table = timetable(day, start=0, end=0, stops=stops, travel=((0, 600), (600, 0)))
    >>> idle_s(day, table, stops, 1200)
    0
    """
    busy = sum(s.service_s for s in stops)
    if table.lunch_gap is not None and day.lunch is not None:
        busy += day.lunch.duration_s
    return max(0, table.return_s - table.depart_s - driving_s - busy)


def home_after_last(table: Timetable, reserve_s: int) -> Timetable:
    """``table`` (timed with ``reserve_s`` kept free after its last stop, a proposed visit
    with the planner's reserve) returning when that visit ends and the rep drives home: the
    reserve keeps a slot wide for the stops after it, there is none after the last. The one
    rule of a day's return, as planned and as booked (the return is then the last stop's
    end plus the drive home whichever stops are booked). Lunch on the way home stays where
    the timetable put it (its start depends on when the rep leaves).

    >>> day = Leg(depart_s=8 * 3600, return_s=12 * 3600)
    >>> padded = [Slot(1, 1800 + 900, ((9 * 3600, 11 * 3600),))]
    >>> t = timetable(day, start=0, end=0, stops=padded, travel=((0, 600), (600, 0)))
    >>> t.return_s, home_after_last(t, 900).return_s
    (35700, 34800)
    """
    if reserve_s <= 0 or not table.starts or table.lunch_gap == len(table.starts):
        return table
    return Timetable(
        table.starts,
        table.arrivals,
        table.lunch_gap,
        table.lunch_start_s,
        table.depart_s,
        table.return_s - reserve_s,
        table.windows,
    )


def _window_from(windows: tuple[Window, ...], t: int) -> Window | None:
    """The first window in which a start at ``t`` or later is possible."""
    for a, b in windows:
        if t <= b:
            return (a, b)
    return None


def _lunch_on_leg(lunch: Lunch, leave: int, drive: int) -> tuple[int, int]:
    """Lunch taken on the way from one place to the next: its start, and when the rep is at
    the next place ready to work.

    The rep stops as soon as the window opens (at the start of the leg, on the way, or on
    arrival before the visit); the leg then takes its driving plus the break.
    """
    start = max(leave, lunch.earliest_s)
    return start, max(leave + drive, lunch.earliest_s) + lunch.duration_s


def _forward(
    day: Leg,
    start: int,
    end: int,
    stops: Sequence[Slot],
    travel: Sequence[Sequence[int]],
    gap: int | None,
) -> Timetable | None:
    """Earliest schedule with lunch in ``gap`` (``None``: no lunch); ``None`` if infeasible."""
    t, here = day.depart_s, start
    starts: list[int] = []
    arrivals: list[int] = []
    chosen: list[Window] = []
    lunch_start = None
    for k, stop in enumerate([*stops, None]):
        there = end if stop is None else stop.place
        if gap == k and day.lunch is not None:
            lunch_start, t = _lunch_on_leg(day.lunch, t, travel[here][there])
            if lunch_start + day.lunch.duration_s > day.lunch.latest_end_s:
                return None
        else:
            t += travel[here][there]
        if stop is None:
            break
        window = _window_from(stop.windows, t)
        if window is None:
            return None
        arrivals.append(t)
        t = max(t, window[0])
        starts.append(t)
        chosen.append(window)
        t += stop.service_s
        here = there
    if t > day.return_s:
        return None
    return Timetable(
        starts=tuple(starts),
        arrivals=tuple(arrivals),
        lunch_gap=gap if day.lunch is not None else None,
        lunch_start_s=lunch_start,
        depart_s=day.depart_s,
        return_s=t,
        windows=tuple(chosen),
    )


def timetable(
    day: Leg,
    *,
    start: int,
    end: int,
    stops: Sequence[Slot],
    travel: Sequence[Sequence[int]],
    lunch_gaps: Sequence[int] | None = None,
) -> Timetable | None:
    """The earliest feasible schedule of ``stops`` in this order, lunch included; ``None`` if none.

    Lunch goes in the gap that brings the rep back earliest (the earliest gap on ties), among
    ``lunch_gaps`` if given (the legs it may go on, ``len(stops)``: the way to the end). The
    departure is then delayed as much as the first start allows (no waiting at the first stop).
    ``None`` too when the route drives more than the day's cap (:attr:`Leg.max_driving_s`).
    """
    if over_driving_cap([start, *(s.place for s in stops), end], travel, day.max_driving_s):
        return None
    tried = range(len(stops) + 1) if lunch_gaps is None else lunch_gaps
    gaps: list[int | None] = list(tried) if day.lunch else [None]
    best: Timetable | None = None
    for gap in gaps:
        found = _forward(day, start, end, stops, travel, gap)
        if found is not None and (best is None or found.return_s < best.return_s):
            best = found
    if best is None:
        return None
    if stops and best.lunch_gap != 0:
        latest = best.starts[0] - travel[start][stops[0].place]
        best = Timetable(
            best.starts,
            (best.starts[0], *best.arrivals[1:]),
            best.lunch_gap,
            best.lunch_start_s,
            max(day.depart_s, latest),
            best.return_s,
            best.windows,
        )
    return best


def bookable_slots(
    day: Leg,
    table: Timetable,
    *,
    start: int,
    end: int,
    stops: Sequence[Slot],
    travel: Sequence[Sequence[int]],
    to_minute: bool = False,
) -> list[Window]:
    """For each stop, every start time in ``(earliest, latest)`` keeps the day feasible.

    The order, the lunch gap and each stop's window are those of ``table``; the other stops
    move as needed (each starts at the earliest possible before, the latest allowed after).
    ``to_minute``: the other stops are booked to the minute too — each earliest start is
    rounded up and each latest start down to a whole minute as the passes go (a stop whose
    window is a single instant, a fixed appointment, is left as it is), so that booking any
    minute of one slot leaves every other slot a whole minute to book.
    """
    n = len(stops)
    lunch = day.lunch if table.lunch_gap is not None else None
    gap = table.lunch_gap
    places = [start, *(s.place for s in stops), end]

    # forward: earliest start of each stop
    earliest: list[int] = []
    t = day.depart_s
    for k in range(n + 1):
        if lunch is not None and gap == k:
            t = _lunch_on_leg(lunch, t, travel[places[k]][places[k + 1]])[1]
        else:
            t += travel[places[k]][places[k + 1]]
        if k == n:
            break
        t = max(t, table.windows[k][0])
        if to_minute and table.windows[k][0] < table.windows[k][1]:
            t = -(-t // MINUTE) * MINUTE
        earliest.append(t)
        t += stops[k].service_s

    # backward: latest start of each stop
    latest: list[int] = [0] * n
    limit = day.return_s  # latest arrival at the next place
    for k in range(n, -1, -1):
        leave = limit - travel[places[k]][places[k + 1]]
        if lunch is not None and gap == k:
            leave = min(leave - lunch.duration_s, lunch.latest_end_s - lunch.duration_s)
        if k == 0:
            break
        latest[k - 1] = min(table.windows[k - 1][1], leave - stops[k - 1].service_s)
        if to_minute and table.windows[k - 1][0] < table.windows[k - 1][1]:
            latest[k - 1] = latest[k - 1] // MINUTE * MINUTE
        limit = latest[k - 1]
    return list(zip(earliest, latest, strict=True))
