"""The planning problem: one rep, one or several working days, in euros.

Plain, validated data for :func:`fieldcrm.routing.planner.plan`, the one entry point of the
web app, the CLI (``fieldcrm plan solve``), the benchmarks and the tests.

Places are indices into the travel matrices (``durations_s[i][j]`` seconds and
``distances_m[i][j]`` metres from place ``i`` to place ``j``). Times of day are seconds since
the day's local midnight. A candidate's windows are the intervals in which its visit may
*start* (an opening interval ``[open, close]`` is ``[open, close - service]``), one tuple of
windows per working day: an empty tuple means closed that day.

Examples
--------
>>> p = Problem(
...     home=0,
...     days=(WorkDay(depart_s=8 * 3600, return_s=18 * 3600),),
...     durations_s=((0, 600), (600, 0)),
...     distances_m=((0, 9000), (9000, 0)),
...     candidates=(Candidate("a", 1, value_eur=80, service_s=1800, windows=((((9 * 3600, 17 * 3600)),),)),),
...     costs=Costs(eur_per_km=0.6),
... )
>>> p.size
2
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from fieldcrm.errors import InvalidInput
from fieldcrm.errors import Problem as InputProblem

PREFERRED_HOTEL_BONUS_EUR = 10.0
"""Default of :attr:`Costs.preferred_hotel_bonus_eur`."""

Window = tuple[int, int]
"""An interval ``(earliest, latest)`` in seconds since the day's midnight."""


@dataclass(frozen=True)
class Lunch:
    """A lunch break of ``duration_s`` taken inside ``[earliest_s, latest_end_s]``."""

    earliest_s: int
    latest_end_s: int
    duration_s: int


@dataclass(frozen=True)
class WorkDay:
    """One working day: earliest departure, latest return, lunch, driving cap."""

    depart_s: int
    return_s: int
    lunch: Lunch | None = None
    max_driving_s: int | None = None
    date: dt.date | None = None
    """The calendar date (``None`` for abstract days, as in benchmark instances)."""
    not_before_s: int | None = None
    """A hard earliest departure, at or before :attr:`depart_s` (now, on a day planned the
    same day): a frame stretched to the day's appointments
    (:func:`fieldcrm.routing.overtime.stretched`) never leaves before it, as the working
    hours may be stretched but the past may not. ``None``: none."""


@dataclass(frozen=True)
class Appointment:
    """A fixed appointment: at ``place`` on day ``day`` (index), starting exactly at ``start_s``."""

    key: str
    place: int
    day: int
    start_s: int
    duration_s: int
    name: str = ""


@dataclass(frozen=True)
class Candidate:
    """An account that may be visited once, worth ``value_eur``; ``required``: it must be."""

    key: str
    place: int
    value_eur: float
    service_s: int
    windows: tuple[tuple[Window, ...], ...]
    """Per working day, the intervals in which the visit may start (empty: closed)."""
    required: bool = False
    name: str = ""


@dataclass(frozen=True)
class Hotel:
    """Somewhere to spend a night away, at ``price_eur`` (the rep's preferred ones first)."""

    key: str
    place: int
    price_eur: float
    preferred: bool = False
    name: str = ""


@dataclass(frozen=True)
class Costs:
    """What the objective charges, in euros (values of visits are in the candidates)."""

    eur_per_km: float = 0.0
    """The rep's own rate from their barème (horsepower, yearly km band, electric)."""
    eur_per_driving_hour: float = 0.0
    meal_eur: float = 0.0
    """Dinner allowance for each night away from home: the part of the meal allowances the
    choice between a hotel and home changes (lunches do not; the full rule, shown on every
    screen, is :func:`fieldcrm.costs.trips.meals_due`, applied by the services)."""
    preferred_hotel_bonus_eur: float = PREFERRED_HOTEL_BONUS_EUR
    """How much cheaper a night at one of the rep's preferred hotels counts when hotels are
    chosen (never below nothing: a preferred hotel is not better than home for free). The
    figures of the plan show the real price; the bonus only decides between hotels (and
    between a hotel and home) that are within this many euros of one another."""

    def night_eur(self, hotel: Hotel) -> float:
        """What a night at ``hotel`` counts in the objective: price and meal, less the bonus
        of a preferred hotel (at least 0)."""
        real = hotel.price_eur + self.meal_eur
        return max(0.0, real - self.preferred_hotel_bonus_eur) if hotel.preferred else real

    def travel_eur(self, seconds: float, metres: float) -> float:
        """What driving ``metres`` in ``seconds`` costs the rep."""
        return metres / 1000 * self.eur_per_km + seconds / 3600 * self.eur_per_driving_hour


@dataclass(frozen=True)
class Problem:
    """Everything :func:`~fieldcrm.routing.planner.plan` needs; validated when built."""

    home: int
    days: tuple[WorkDay, ...]
    durations_s: Sequence[Sequence[int]]
    distances_m: Sequence[Sequence[int]]
    appointments: tuple[Appointment, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    hotels: tuple[Hotel, ...] = ()
    costs: Costs = field(default_factory=Costs)
    places: tuple[tuple[float, float], ...] = ()
    """Optional ``(lon, lat)`` of each place, for maps and reasons; not used to solve."""
    finish: int | None = None
    """Where the last day ends, if not at home (a trip ending at the office, say)."""
    start: int | None = None
    """Where the first day starts, if not at home (the rep's position, or the booking they
    are at, on a day planned the same day); every night not away is still spent at home."""
    slot_reserve_s: int = 0
    """Time kept free after each proposed visit when the day is planned, so that each visit's
    bookable slot is at least this wide (a full day otherwise leaves slots of a minute)."""
    overtime_s: int = 0
    """How far a day's appointments may stretch its working hours: leave earlier for the
    first, be home later after the last, drive more than the cap to hold them — each by at
    most this many seconds (:func:`fieldcrm.routing.overtime.stretched`). Open visits stay
    inside the working hours. 0: the working hours are hard."""
    working_hours: tuple[WorkDay, ...] = ()
    """Set by :func:`~fieldcrm.routing.overtime.stretched`, not an input: the days' working
    hours when :attr:`days` are stretched to their appointments (empty: :attr:`days` are the
    working hours)."""

    @property
    def last_place(self) -> int:
        """Where the last day ends."""
        return self.home if self.finish is None else self.finish

    @property
    def first_place(self) -> int:
        """Where the first day starts."""
        return self.home if self.start is None else self.start

    def __post_init__(self) -> None:
        InvalidInput.collect(self._problems())

    @property
    def size(self) -> int:
        """Number of places (rows of the matrices)."""
        return len(self.durations_s)

    def _problems(self) -> Iterator[InputProblem]:
        n = len(self.durations_s)
        for name, matrix in (("durations_s", self.durations_s), ("distances_m", self.distances_m)):
            if len(matrix) != n or any(len(row) != n for row in matrix):
                yield InputProblem(
                    name, "must be a square matrix over every place", allowed=f"{n}×{n}"
                )
            elif any(v < 0 for row in matrix for v in row):
                yield InputProblem(name, "travel cannot be negative")
        if not 0 <= self.home < n:
            yield InputProblem("home", "not a place of the matrices", self.home, f"0..{n - 1}")
        if self.slot_reserve_s < 0:
            yield InputProblem("slot_reserve_s", "negative", self.slot_reserve_s)
        if self.overtime_s < 0:
            yield InputProblem("overtime_s", "negative", self.overtime_s)
        if self.working_hours and len(self.working_hours) != len(self.days):
            yield InputProblem(
                "working_hours", "one per day", len(self.working_hours), str(len(self.days))
            )
        if self.finish is not None:
            yield from self._place("finish", self.finish, n)
        if self.start is not None:
            yield from self._place("start", self.start, n)
        if not self.days:
            yield InputProblem("days", "at least one working day is needed")
        for k, d in enumerate(self.days):
            if not 0 <= d.depart_s < d.return_s:
                yield InputProblem(f"days[{k}]", "the day must end after it starts", d.return_s)
            if d.not_before_s is not None and not 0 <= d.not_before_s <= d.depart_s:
                yield InputProblem(
                    f"days[{k}].not_before_s",
                    "the earliest departure must be at or before the day's departure",
                    d.not_before_s,
                    f"0..{d.depart_s}",
                )
            if d.lunch is not None and not (
                0 < d.lunch.duration_s <= d.lunch.latest_end_s - d.lunch.earliest_s
            ):
                yield InputProblem(f"days[{k}].lunch", "the break does not fit its window")
        keys = [a.key for a in self.appointments] + [c.key for c in self.candidates]
        keys += [h.key for h in self.hotels]
        for key in sorted({k for k in keys if keys.count(k) > 1}):
            yield InputProblem("key", "used twice", key)
        for a in self.appointments:
            yield from self._place(f"appointments[{a.key}].place", a.place, n)
            if not 0 <= a.day < len(self.days):
                yield InputProblem(f"appointments[{a.key}].day", "no such day", a.day)
            if a.duration_s < 0:
                yield InputProblem(f"appointments[{a.key}].duration_s", "negative", a.duration_s)
        for c in self.candidates:
            yield from self._place(f"candidates[{c.key}].place", c.place, n)
            if len(c.windows) != len(self.days):
                yield InputProblem(
                    f"candidates[{c.key}].windows",
                    "one list of windows per working day",
                    len(c.windows),
                    str(len(self.days)),
                )
            if any(a > b for day in c.windows for a, b in day):
                yield InputProblem(f"candidates[{c.key}].windows", "a window ends before it starts")
            if c.service_s < 0 or c.value_eur < 0:
                yield InputProblem(f"candidates[{c.key}]", "negative value or duration")
        for h in self.hotels:
            yield from self._place(f"hotels[{h.key}].place", h.place, n)
            if h.price_eur < 0:
                yield InputProblem(f"hotels[{h.key}].price_eur", "negative", h.price_eur)
        if self.costs.preferred_hotel_bonus_eur < 0:
            yield InputProblem(
                "costs.preferred_hotel_bonus_eur", "negative", self.costs.preferred_hotel_bonus_eur
            )

    @staticmethod
    def _place(name: str, place: int, n: int) -> Iterator[InputProblem]:
        if not 0 <= place < n:
            yield InputProblem(name, "not a place of the matrices", place, f"0..{n - 1}")
