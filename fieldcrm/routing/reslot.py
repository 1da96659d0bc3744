"""The slots of a planned day's open proposals, once some of its visits are booked.

A plan gives each proposed visit a slot computed with every other proposal still open
(:func:`fieldcrm.routing.schedule.bookable_slots`). Once the rep books one (at any minute of
its slot) or rejects one, the day has changed: :func:`open_slots` takes the day as it is now
(:class:`ReslotDay`) — its stops in route order, the booked ones fixed at their minute, the open ones with their
start windows — and gives each open stop the whole minutes it can be booked at now, with the
planner's own timetable (:func:`~fieldcrm.routing.schedule.timetable`: lunch on a leg, the
working day's frame) and slot rule (:func:`~fieldcrm.routing.schedule.bookable_slots`,
:func:`~fieldcrm.routing.schedule.whole_minutes`). One calculator: this module only decides
which open stops still fit, and (:func:`unfit_cause`) which bookings keep one out. A booking
beyond the working hours stretches the day's frame to it and no further (:func:`day_frame`):
it never takes the slots of the open stops that still fit; :func:`beyond_hours` says where
the day as booked then goes beyond the hours (departure, return, driving).

Examples
--------
>>> from fieldcrm.routing.schedule import Leg
>>> frame = Leg(depart_s=8 * 3600, return_s=12 * 3600)
>>> travel = ((0, 600, 600), (600, 0, 600), (600, 600, 0))
>>> booked = DayStop(place=1, service_s=3600, fixed_s=9 * 3600)
>>> visit = DayStop(place=2, service_s=1800, windows=((8 * 3600, 11 * 3600),))
>>> open_slots(ReslotDay(frame, start=0, end=0, stops=[booked, visit], travel=travel))
[(32400, 32400), (36600, 39600)]
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace

from fieldcrm.routing.problem import Window
from fieldcrm.routing.schedule import (
    Leg,
    Slot,
    Timetable,
    bookable_slots,
    home_after_last,
    idle_s,
    timetable,
    whole_minutes,
)


@dataclass(frozen=True)
class DayStop:
    """A stop of a planned day: fixed at ``fixed_s`` (an appointment, a booked visit), or
    open (a proposal still to book) with the ``windows`` its visit may start in.

    ``place`` indexes the travel matrix; ``service_s`` is how long the stop lasts.
    """

    place: int
    service_s: int
    windows: tuple[Window, ...] = ()
    fixed_s: int | None = None

    @property
    def fixed(self) -> bool:
        """Whether the stop is booked (it starts at ``fixed_s``, nothing else)."""
        return self.fixed_s is not None

    def slot(self) -> Slot:
        """The stop as the timetable schedules it."""
        if self.fixed_s is not None:
            return Slot(self.place, self.service_s, ((self.fixed_s, self.fixed_s),))
        return Slot(self.place, self.service_s, self.windows)


def not_before(stops: Sequence[DayStop], earliest_s: int | None) -> list[DayStop]:
    """The stops with each open one's start windows cut to start at ``earliest_s`` or later
    (``None``: as they are); an open stop with no window left has none (it cannot fit).
    Fixed stops stay as they are (they are booked).

    >>> not_before([DayStop(1, 60, ((100, 200), (300, 400)))], 350)
    [DayStop(place=1, service_s=60, windows=((350, 400),), fixed_s=None)]
    """
    if earliest_s is None:
        return list(stops)
    return [
        s
        if s.fixed
        else DayStop(
            s.place,
            s.service_s,
            tuple((max(a, earliest_s), b) for a, b in s.windows if b >= earliest_s),
        )
        for s in stops
    ]


@dataclass(frozen=True)
class ReslotDay:
    """A planned day as it is now, what its open stops' slots are computed from.

    Attributes
    ----------
    frame
        The working day's frame: earliest departure, latest return, lunch (``None``: none),
        cap on driving (``frame.max_driving_s``, as the planner's).
    start, end
        Where the day starts and ends (places of ``travel``).
    stops
        The day's stops in route order (the plan's order, the booked ones kept in it).
    travel
        ``travel[i][j]``: driving seconds from place ``i`` to place ``j``.
    lunch_at
        Where the plan put lunch: before stop ``lunch_at`` (``len(stops)``: on the way to
        the end). It stays before the first stop kept from there on if it fits there (the
        slots then only move with the bookings); otherwise, or if ``None``, it goes where
        the timetable puts it (the earliest return).
    earliest_s
        The earliest start an open stop may be booked at (a whole minute: now, on the day
        itself; ``None``: any). An open stop that can only start before it has no slot.
    """

    frame: Leg
    start: int
    end: int
    stops: Sequence[DayStop]
    travel: Sequence[Sequence[int]]
    lunch_at: int | None = None
    earliest_s: int | None = None


def _from_earliest(day: ReslotDay) -> ReslotDay:
    """``day`` with its open stops' windows cut to ``earliest_s`` (:func:`not_before`), which
    is then spent (``None``)."""
    return replace(day, stops=not_before(day.stops, day.earliest_s), earliest_s=None)


def _table(day: ReslotDay, keep: Sequence[int]) -> Timetable | None:
    """The timetable of the stops ``keep`` (``day.earliest_s`` not applied): lunch before the
    first of them at or after ``day.lunch_at`` if it fits there, else where the timetable
    puts it (:func:`_lunch_where_bookable` among gaps that bring the rep back as early)."""
    kept = [day.stops[i].slot() for i in keep]
    frame, lunch_at = day.frame, day.lunch_at
    if lunch_at is not None and frame.lunch is not None:
        gap = sum(1 for i in keep if i < lunch_at)
        found = timetable(
            frame, start=day.start, end=day.end, stops=kept, travel=day.travel, lunch_gaps=[gap]
        )
        if found is not None:
            return found
    found = timetable(frame, start=day.start, end=day.end, stops=kept, travel=day.travel)
    return None if found is None else _lunch_where_bookable(day, kept, found)


def _lunch_where_bookable(day: ReslotDay, kept: Sequence[Slot], found: Timetable) -> Timetable:
    """Among the lunch gaps that bring the rep back as early as ``found`` (the timetable's
    choice, the earliest such gap), the first that leaves the most stops a whole minute to
    book: lunch before a visit may push it into a later window with no whole minute in it
    (opening at 13:00:01) when lunch after it leaves its morning minute bookable."""
    frame = day.frame
    if frame.lunch is None or not kept:
        return found

    def bookable(table: Timetable) -> int:
        slots = bookable_slots(
            frame,
            table,
            start=day.start,
            end=day.end,
            stops=kept,
            travel=day.travel,
            to_minute=True,
        )
        return sum(1 for slot in slots if (m := whole_minutes(slot))[0] <= m[1])

    best, most = found, bookable(found)
    if most == len(kept):
        return found
    for gap in range(len(kept) + 1):
        if gap == found.lunch_gap:
            continue
        other = timetable(
            frame, start=day.start, end=day.end, stops=kept, travel=day.travel, lunch_gaps=[gap]
        )
        if other is None or other.return_s != found.return_s:
            continue
        count = bookable(other)
        if count > most:  # on equal counts the earlier gap (found is the earliest tie)
            best, most = other, count
    return best


LATEST_S = 48 * 3600
"""The latest return of a day timed beyond its working hours (:func:`day_frame`)."""


@dataclass(frozen=True)
class DayFrame:
    """The frame a booked day is timed and slotted in (:func:`day_frame`)."""

    leg: Leg
    lunch_skipped: bool
    """The fixed stops leave no room for lunch: none is planned (the planner's rule)."""
    overtime: bool
    """The fixed stops do not fit the working day: the frame is stretched to them."""


def _overtime(day: ReslotDay, keep: Sequence[int], lunch: bool) -> Leg:
    """The frame of ``day`` with no return limit nor driving cap, leaving in time for its
    first stop ``keep[0]`` if that is before the working day's departure."""
    frame = day.frame
    first = day.stops[keep[0]] if keep else None
    depart = frame.depart_s
    if first is not None and first.fixed_s is not None:
        depart = max(0, min(depart, first.fixed_s - day.travel[day.start][first.place]))
    return Leg(depart, LATEST_S, frame.lunch if lunch else None)


def day_frame(day: ReslotDay) -> DayFrame | None:
    """The frame the stops of ``day`` are timed and slotted in: its working day
    (:attr:`ReslotDay.frame`) while its fixed stops fit in it — without lunch when they leave
    no room for it, as the planner skips it —; otherwise that frame stretched to what the
    fixed stops alone need, and no further: leaving in time for the first, back when the
    rep is home after them timed as booked (if later than the working return), the driving
    cap raised to what they alone drive. Open stops keep their start windows (inside the
    working day): a booking beyond the working hours leaves them the room the day still has
    for them, and adds no work beyond what it needs. ``None``: the fixed stops cannot follow
    one another at all.

    Examples
    --------
    >>> travel = ((0, 600), (600, 0))
    >>> late = DayStop(place=1, service_s=3600, fixed_s=12 * 3600)
    >>> found = day_frame(ReslotDay(Leg(8 * 3600, 12 * 3600), 0, 0, [late], travel))
    >>> found.leg.depart_s, found.leg.return_s, found.overtime
    (28800, 47400, True)
    """
    fixed = [i for i, s in enumerate(day.stops) if s.fixed]
    frame = day.frame
    lunches = [frame.lunch, None] if frame.lunch is not None else [None]
    for lunch in lunches:
        leg = replace(frame, lunch=lunch)
        if _table(replace(day, frame=leg), fixed) is not None:
            return DayFrame(leg, frame.lunch is not None and lunch is None, overtime=False)
    for lunch in lunches:
        loose = _overtime(day, fixed, lunch is not None)
        table = _table(replace(day, frame=loose), fixed)
        if table is None:
            continue
        places = [day.start, *(day.stops[i].place for i in fixed), day.end]
        drive = sum(day.travel[a][b] for a, b in itertools.pairwise(places))
        cap = frame.max_driving_s
        leg = Leg(
            loose.depart_s,
            max(frame.return_s, table.return_s),
            loose.lunch,
            None if cap is None else max(cap, drive),
        )
        # Overtime is the bookings': a day without them stretched only for its own way
        # home (a trip's day to a far hotel) has no booking beyond the hours to say it on.
        return DayFrame(leg, frame.lunch is not None and lunch is None, overtime=bool(fixed))
    return None


def shown_minutes(seconds: int) -> int:
    """``seconds`` in the whole minutes the pages show (rounded half to even, as babel
    rounds): the driving over its cap is said only when these exceed the cap's, so the note
    never reads « 240 min de route, au-delà de votre maximum (240 min) ».

    >>> shown_minutes(240 * 60 + 24), shown_minutes(240 * 60 + 31)
    (240, 241)
    """
    return round(seconds / 60)


@dataclass(frozen=True)
class Beyond:
    """How the day as booked goes beyond its working hours (:func:`beyond_hours`): its
    departure when before the working day's earliest (``leave_s``), its return when after
    its latest (``back_s``), its driving when over its cap in the minutes shown (``driving_s``, :func:`shown_minutes`);
    ``None``: within."""

    leave_s: int | None
    back_s: int | None
    driving_s: int | None = None


def beyond_hours(day: ReslotDay, found: BookedDay | None = None) -> dict[int, Beyond]:
    """Where the day as booked (:func:`booked_day`: its fixed stops and the open ones it
    keeps, timed as the planner times a day) goes beyond its working hours, whatever the
    cause — a booking too early or too late on its own, several that only fit one at a
    time, the cap on driving —, said on the booking it follows from (by stop index): its
    true departure, when before the working day's, on its first fixed stop (the rep leaves
    for it); its true return, when after the latest, and its driving, when over the cap, on
    its last (the rep is home after it). Empty when the day keeps to its hours, or when its
    fixed stops cannot follow one another (:func:`booked_day` is ``None``). One rule for
    every page that says so. ``found``: the day as booked when the caller timed it already
    (:func:`booked_day` of ``day``, its reserve included: the figures it shows), so the
    note says that day's return and driving; else timed here.

    >>> travel = ((0, 600), (600, 0))
    >>> late = DayStop(place=1, service_s=3600, fixed_s=12 * 3600)
    >>> beyond_hours(ReslotDay(Leg(8 * 3600, 12 * 3600), 0, 0, [late], travel))
    {0: Beyond(leave_s=None, back_s=47400, driving_s=None)}
    """
    if found is None:
        found = booked_day(day)
    if found is None or not found.overtime:
        return {}
    frame, table = day.frame, found.table
    fixed = [i for i in found.keep if day.stops[i].fixed]
    cap = frame.max_driving_s
    leave = table.depart_s if table.depart_s < frame.depart_s else None
    back = table.return_s if table.return_s > frame.return_s else None
    over = cap is not None and shown_minutes(found.driving_s) > shown_minutes(cap)
    driving = found.driving_s if over else None
    out: dict[int, Beyond] = {}
    if not fixed:  # nothing booked to say it on (day_frame: no overtime then)
        return out
    if leave is not None:
        out[fixed[0]] = Beyond(leave, None)
    if back is not None or driving is not None:
        first = out.get(fixed[-1])
        out[fixed[-1]] = Beyond(first.leave_s if first else None, back, driving)
    return out


def kept_stops(day: ReslotDay) -> list[int]:
    """Indices of the stops the day keeps, in route order: every fixed stop, and every open
    one when they all fit; otherwise the open ones that fit taken greedily in route order
    (each kept if the day with the fixed stops and those kept before it still has a
    timetable), in the day's frame (:func:`day_frame`: stretched to fixed stops beyond the
    working hours). Empty of open stops when the fixed ones cannot follow one another.
    Lunch and ``earliest_s`` as in :func:`open_slots`."""
    framed = _framed(day)
    if framed is None:
        return [i for i, s in enumerate(day.stops) if s.fixed]
    return _kept(framed[0])


def _framed(day: ReslotDay) -> tuple[ReslotDay, DayFrame] | None:
    """``day`` from its earliest minute (:func:`_from_earliest`) in its frame stretched to
    its fixed stops (:func:`day_frame`), with that frame; ``None`` when the fixed stops
    cannot follow one another."""
    day = _from_earliest(day)
    frame = day_frame(day)
    return None if frame is None else (replace(day, frame=frame.leg), frame)


def _kept(day: ReslotDay) -> list[int]:
    """:func:`kept_stops` of a day already :func:`_framed`."""
    stops = day.stops

    def fits(keep: Sequence[int]) -> bool:
        return _table(day, keep) is not None

    every = list(range(len(stops)))
    if fits(every):
        return every
    keep = [i for i in every if stops[i].fixed]
    if not fits(keep):
        return keep
    for i in every:
        if not stops[i].fixed and fits(sorted([*keep, i])):
            keep = sorted([*keep, i])
    return keep


@dataclass(frozen=True)
class BookedDay:
    """A planned day's route and timetable as it is booked now (:func:`booked_day`)."""

    keep: tuple[int, ...]
    """The stops the day keeps (:func:`kept_stops`), in route order."""
    table: Timetable
    driving_s: int
    driving_m: int | None
    """``None``: no distances given."""
    waiting_s: int
    reserve_s: int
    """Of ``waiting_s``, the time kept free after the open stops (the planner's reserve)."""
    lunch_skipped: bool
    """The fixed stops leave no room for lunch: the day is timed without it."""
    overtime: bool = False
    """The fixed stops do not fit the working day (its departure, return or driving cap):
    the day is timed in the frame stretched to them (:func:`day_frame`), from home in time
    for the first, home after the last."""


def booked_day(
    day: ReslotDay, *, metres: Sequence[Sequence[int]] | None = None, reserve_s: int = 0
) -> BookedDay | None:
    """The day as it stands (:class:`ReslotDay`): the stops it keeps (:func:`kept_stops`,
    those whose cards hold a slot), timed as the planner times a day — each open stop with
    ``reserve_s`` kept free after it when the day has room for that, as when it was
    planned —, with the seconds and metres driven (``metres[i][j]``: metres from place ``i``
    to place ``j``), the waiting (:func:`~fieldcrm.routing.schedule.idle_s`) and, of it, the
    reserve. As the planner does, lunch is skipped only when the fixed stops leave no room
    for it. When the fixed stops do not fit the working day even then (booked before its
    departure, after its return, beyond its driving cap), the day is timed in the frame
    stretched to them (:func:`day_frame`, :attr:`BookedDay.overtime`): the open stops that
    still fit in it are kept. ``None`` only when the fixed stops cannot be held one after the
    other at all.

    Examples
    --------
    >>> frame = Leg(depart_s=8 * 3600, return_s=12 * 3600)
    >>> travel = ((0, 600, 600), (600, 0, 600), (600, 600, 0))
    >>> booked = DayStop(place=1, service_s=3600, fixed_s=10 * 3600)
    >>> visit = DayStop(place=2, service_s=1800, windows=((8 * 3600, 11 * 3600),))
    >>> found = booked_day(ReslotDay(frame, start=0, end=0, stops=[visit, booked], travel=travel))
    >>> found.keep, found.table.depart_s, found.table.return_s, found.driving_s, found.waiting_s
    ((0, 1), 28800, 40200, 1800, 4200)
    >>> booked_day(ReslotDay(frame, 0, 0, [visit, booked], travel), reserve_s=900).reserve_s
    900
    >>> late = DayStop(place=1, service_s=3600, fixed_s=11 * 3600 + 30 * 60)
    >>> found = booked_day(ReslotDay(frame, 0, 0, [visit, late], travel))
    >>> found.keep, found.table.return_s, found.overtime
    ((0, 1), 45600, True)
    """
    framed = _framed(day)
    if framed is None:
        return None
    day, frame = framed
    keep = _kept(day)
    padded = [s if s.fixed else replace(s, service_s=s.service_s + reserve_s) for s in day.stops]
    table = _table(replace(day, stops=padded), keep) if reserve_s else None
    reserved = table is not None
    table = table or _table(day, keep)
    assert table is not None
    # home when the last stop ends, reserve or not: the return does not depend on whether
    # the reserves of the stops before it still fit (a morning booking leaves it alone)
    last_open = reserved and bool(keep) and not day.stops[keep[-1]].fixed
    table = home_after_last(table, reserve_s if last_open else 0)
    places = [day.start, *(day.stops[i].place for i in keep), day.end]
    legs = list(itertools.pairwise(places))
    driving_s = sum(day.travel[a][b] for a, b in legs)
    waiting = idle_s(day.frame, table, [day.stops[i].slot() for i in keep], driving_s)
    visits = sum(1 for i in keep if not day.stops[i].fixed) - int(last_open)
    return BookedDay(
        keep=tuple(keep),
        table=table,
        driving_s=driving_s,
        driving_m=None if metres is None else sum(metres[a][b] for a, b in legs),
        waiting_s=waiting,
        reserve_s=min(waiting, visits * reserve_s) if reserved else 0,
        lunch_skipped=frame.lunch_skipped,
        overtime=frame.overtime,
    )


def open_slots(day: ReslotDay) -> list[Window | None]:
    """What each stop of the day (:class:`ReslotDay`) can be booked at now, in seconds since
    midnight.

    Returns
    -------
    list
        Per stop: a fixed stop's ``(start, start)``; an open stop's first and last whole
        minutes such that any of them keeps the whole day feasible (the other open stops
        moving, the order and the lunch gap kept) and leaves each other open stop a whole
        minute to book (:func:`~fieldcrm.routing.schedule.bookable_slots` to the minute); ``None`` for an open stop that no longer
        fits (see :func:`kept_stops`) or whose slot holds no whole minute. A fixed stop the
        day cannot hold (the booked stops do not fit together) is ``None`` too. The day's
        frame is :func:`day_frame`'s: a booking beyond the working hours stretches it only
        as far as it needs, the open stops keep the room left to them.
    """
    out: list[Window | None] = [None] * len(day.stops)
    framed = _framed(day)
    if framed is None:
        return out
    day = framed[0]
    keep = _kept(day)
    table = _table(day, keep)
    if table is None:
        return out
    slots = bookable_slots(
        day.frame,
        table,
        start=day.start,
        end=day.end,
        stops=[day.stops[i].slot() for i in keep],
        travel=day.travel,
        to_minute=True,
    )
    for i, slot in zip(keep, slots, strict=True):
        fixed_s = day.stops[i].fixed_s
        if fixed_s is not None:
            out[i] = (fixed_s, fixed_s)
            continue
        first, last = whole_minutes(slot)
        out[i] = (first, last) if first <= last else None
    return out


def _fits_without(day: ReslotDay, stop: int, drop: frozenset[int]) -> bool:
    """Whether open ``stop`` gets a slot (:func:`open_slots`) once the stops ``drop`` are gone
    (the order, and the lunch gap among the stops left, kept)."""
    left = [s for i, s in enumerate(day.stops) if i not in drop]
    lunch_at = day.lunch_at
    gap = None if lunch_at is None else lunch_at - sum(1 for i in drop if i < lunch_at)
    at = stop - sum(1 for i in drop if i < stop)
    found = open_slots(replace(day, stops=left, lunch_at=gap))
    return found[at] is not None


@dataclass(frozen=True)
class Cause:
    """Why an open stop gets no slot: the suspects (fixed stops) whose removal alone lets it
    fit again, in the order given; if none, whether removing all of them together does."""

    alone: tuple[int, ...]
    together: bool


def unfit_cause(day: ReslotDay, *, stop: int, suspects: Sequence[int]) -> Cause:
    """Which of the fixed stops ``suspects`` keep the open stop ``stop`` out of ``day`` (it
    has no slot by :func:`open_slots`): each is tried alone, by re-running
    :func:`open_slots` without it (:class:`Cause`).

    >>> from fieldcrm.routing.schedule import Leg
    >>> frame = Leg(depart_s=8 * 3600, return_s=12 * 3600)
    >>> travel = ((0, 0, 0, 0), (0, 0, 0, 0), (0, 0, 0, 0), (0, 0, 0, 0))
    >>> early = DayStop(place=1, service_s=3600, fixed_s=8 * 3600)
    >>> late = DayStop(place=2, service_s=3600, fixed_s=10 * 3600)
    >>> visit = DayStop(place=3, service_s=3600, windows=((8 * 3600, 8 * 3600 + 1800),))
    >>> day = ReslotDay(frame, start=0, end=0, stops=[early, visit, late], travel=travel)
    >>> unfit_cause(day, stop=1, suspects=[0, 2])
    Cause(alone=(0,), together=True)
    """

    def fits_without(drop: frozenset[int]) -> bool:
        return _fits_without(day, stop, drop)

    alone = tuple(i for i in suspects if fits_without(frozenset({i})))
    together = bool(alone) or (bool(suspects) and fits_without(frozenset(suspects)))
    return Cause(alone, together)
