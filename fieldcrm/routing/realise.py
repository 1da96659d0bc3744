"""A solver answer made concrete: each day's stops and timetable (lunch placed, driving cap
kept, least valuable visits dropped until the day fits), the nights, and the euros."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from fieldcrm.errors import Infeasible, InvalidInput
from fieldcrm.routing import engine
from fieldcrm.routing.engine import Budget, Ref, Solved
from fieldcrm.routing.long_drive import LongDrive, long_drives, most_driving
from fieldcrm.routing.overtime import day_of, earliest_departure
from fieldcrm.routing.plan_model import Figures
from fieldcrm.routing.problem import Appointment, Problem
from fieldcrm.routing.schedule import Leg, Slot, Timetable, hhmm, over_driving_cap, timetable


@dataclass(frozen=True)
class Realised:
    """A solver answer made concrete: per day its stops and timetable, the nights, the euros."""

    solved: Solved
    days: tuple[tuple[tuple[Ref, ...], Timetable, tuple[str, ...]], ...]
    figures: Figures
    bonus_eur: float = 0.0
    """The preferred hotels' bonus of the nights chosen (counted, never paid)."""

    @property
    def net_eur(self) -> float:
        """Net value in euros."""
        return self.figures.net_eur

    @property
    def objective_eur(self) -> float:
        """What plans are compared by: the net value plus the preferred hotels' bonus."""
        return self.figures.net_eur + self.bonus_eur

    def visited(self) -> set[int]:
        """Indices of the candidates visited."""
        return {r.index for refs, _, _ in self.days for r in refs if r.kind == "candidate"}


def places_of(problem: Problem, nights: Sequence[int], k: int) -> tuple[int, int]:
    """Where day ``k`` starts and ends (home, or the hotel of the night before / after; the
    problem's start on the first day, its finish on the last)."""

    def at(night: int) -> int:
        return problem.home if night < 0 else problem.hotels[night].place

    start = problem.first_place if k == 0 else at(nights[k - 1])
    end = problem.last_place if k == len(problem.days) - 1 else at(nights[k])
    return start, end


def slot_of(problem: Problem, ref: Ref, *, reserve: bool = True) -> Slot:
    """The schedule item of an appointment or a candidate on its day.

    A proposed visit occupies its length plus the problem's slot reserve when the day is
    planned (``reserve=True``), its length alone when its bookable slot is computed.
    """
    if ref.kind == "appointment":
        a = problem.appointments[ref.index]
        return Slot(a.place, a.duration_s, ((a.start_s, a.start_s),))
    c = problem.candidates[ref.index]
    extra = problem.slot_reserve_s if reserve else 0
    return Slot(c.place, c.service_s + extra, c.windows[ref.day])


def leg_of(
    problem: Problem, k: int, *, lunch: bool = True, ends: tuple[int, int] | None = None
) -> Leg:
    """The frame of day ``k``; ``ends``: where it starts and ends, the frame those places
    need when its appointments stretch it (:func:`fieldcrm.routing.overtime.day_of`)."""
    d = problem.days[k] if ends is None else day_of(problem, k, *ends)
    return Leg(d.depart_s, d.return_s, d.lunch if lunch else None)


def driving(problem: Problem, places: Sequence[int]) -> tuple[int, int]:
    """Seconds and metres driven along ``places``."""
    pairs = list(itertools.pairwise(places))
    return (
        sum(problem.durations_s[a][b] for a, b in pairs),
        sum(problem.distances_m[a][b] for a, b in pairs),
    )


def _fit_day(
    problem: Problem, k: int, refs: list[Ref], start: int, end: int, keep: set[int]
) -> tuple[list[Ref], Timetable | None, tuple[str, ...]]:
    """The day's stops and timetable; visits not in ``keep`` are dropped until it fits (in
    the frame its places need, :func:`fieldcrm.routing.overtime.day_of`)."""
    framed = day_of(problem, k, start, end)
    cap = framed.max_driving_s
    flags: tuple[str, ...] = ()

    def check(seq: list[Ref], lunch: bool = True) -> Timetable | None:
        places = [start, *(slot_of(problem, r).place for r in seq), end]
        if over_driving_cap(places, problem.durations_s, cap):
            return None
        stops = [slot_of(problem, r) for r in seq]
        return timetable(
            Leg(framed.depart_s, framed.return_s, framed.lunch if lunch else None),
            start=start,
            end=end,
            stops=stops,
            travel=problem.durations_s,
        )

    # Lunch is skipped only on a day whose fixed part (appointments, required visits) leaves
    # no room for it; visits are never dropped to make room for a lunch that cannot happen.
    fixed = [r for r in refs if r.kind != "candidate" or r.index in keep]
    lunch = problem.days[k].lunch is not None
    if lunch and check(fixed) is None and check(fixed, lunch=False) is not None:
        lunch, flags = False, ("lunch_skipped",)
    table = check(refs, lunch)
    while table is None:
        optional = [r for r in refs if r.kind == "candidate" and r.index not in keep]
        if not optional:
            break
        options = [[x for x in refs if x != r] for r in optional]
        fitting = [seq for seq in options if check(seq, lunch) is not None]
        refs = max(fitting or options, key=lambda seq: _value(problem, seq))
        table = check(refs, lunch)
    if table is None and cap is not None:
        need = driving(problem, [start, *(slot_of(problem, r).place for r in refs), end])[0]
        if need > cap:
            day = problem.days[k].date
            raise Infeasible(
                f"{day.isoformat() if day else f'day {k + 1}'}: what must happen needs "
                f"{need / 3600:.1f} h of driving, more than the rep's maximum of {cap / 3600:.1f} h"
            )
    return refs, table, flags


def _value(problem: Problem, refs: Sequence[Ref]) -> float:
    return sum(problem.candidates[r.index].value_eur for r in refs if r.kind == "candidate")


def realise(problem: Problem, solved: Solved, *, keep: Sequence[int] = ()) -> Realised:
    """Timetables, repairs and euros of a solver answer; candidates in ``keep`` stay.

    Raises :class:`Infeasible` when a day cannot be scheduled even with its visits dropped.
    """
    days = []
    total_s = total_m = 0
    for k, refs in enumerate(solved.days):
        start, end = places_of(problem, solved.nights, k)
        fitted, table, flags = _fit_day(problem, k, list(refs), start, end, set(keep))
        if table is None:
            raise Infeasible(f"day {k + 1}: the fixed appointments do not fit in the working day")
        places = [start, *(slot_of(problem, r).place for r in fitted), end]
        s, m = driving(problem, places)
        total_s, total_m = total_s + s, total_m + m
        days.append((tuple(fitted), table, flags))
    value = sum(_value(problem, refs) for refs, _, _ in days)
    away = [n for n in solved.nights if n >= 0]
    km = total_m / 1000
    figures = Figures(
        value_eur=value,
        km=km,
        driving_s=total_s,
        km_cost_eur=km * problem.costs.eur_per_km,
        time_cost_eur=total_s / 3600 * problem.costs.eur_per_driving_hour,
        hotel_eur=sum(problem.hotels[h].price_eur for h in away),
        meal_eur=len(away) * problem.costs.meal_eur,
        nights_away=len(away),
    )
    fixed = tuple(tuple(refs) for refs, _, _ in days)
    bonus = sum(
        problem.hotels[h].price_eur
        + problem.costs.meal_eur
        - problem.costs.night_eur(problem.hotels[h])
        for h in away
    )
    return Realised(replace(solved, days=fixed), tuple(days), figures, bonus)


def check_appointments(problem: Problem) -> None:
    """Clear errors for appointments outside their day or that cannot follow one another,
    and for required accounts closed on every day."""
    for c in problem.candidates:
        if c.required and not any(c.windows):
            raise Infeasible(
                f"« {c.name or c.key} » doit être visité mais il est fermé tous les jours prévus"
            )
    working = problem.working_hours or problem.days  # said as the hours, never a stretch
    for k, day in enumerate(problem.days):
        today = sorted((a for a in problem.appointments if a.day == k), key=lambda a: a.start_s)
        for a in today:
            name = a.name or a.key
            if day.not_before_s is not None and a.start_s < day.not_before_s:
                raise InvalidInput(
                    f"appointments[{a.key}]",
                    f"appointment '{name}' starts before the earliest departure",
                    value=f"{hhmm(a.start_s)}–{hhmm(a.start_s + a.duration_s)}",
                    allowed=f"{hhmm(day.not_before_s)}–{hhmm(working[k].return_s)}",
                )
            if a.start_s < day.depart_s or a.start_s + a.duration_s > day.return_s:
                why = f"appointment '{name}' is outside working hours"
                if problem.overtime_s:  # the stretch (overtime.stretched) could not hold it
                    tolerance = problem.overtime_s // 60
                    why = f"appointment '{name}' is outside working hours, even {tolerance} min beyond them"
                raise InvalidInput(
                    f"appointments[{a.key}]",
                    why,
                    value=f"{hhmm(a.start_s)}–{hhmm(a.start_s + a.duration_s)}",
                    allowed=f"{hhmm(working[k].depart_s)}–{hhmm(working[k].return_s)}",
                )
        for a, b in itertools.pairwise(today):
            arrive = a.start_s + a.duration_s + problem.durations_s[a.place][b.place]
            if arrive > b.start_s:
                raise Infeasible(
                    f"appointment '{b.name or b.key}' at {hhmm(b.start_s)} cannot be reached "
                    f"after '{a.name or a.key}' (earliest arrival {hhmm(arrive)})"
                )


def solve_realised(
    problem: Problem,
    *,
    budget: Budget,
    hotels: Sequence[int] | None = None,
    required: Sequence[int] = (),
    only: Sequence[int] | None = None,
    start: Solved | None = None,
) -> Realised:
    """Solve with :mod:`engine` and realise its searches' answers; the one worth most once
    realised (the first of equals, in run order), with the iterations of all;
    :class:`Infeasible` if there is none.

    An appointment proven out of reach (:func:`out_of_reach`: a proof from the drives alone)
    is refused before any search: no search can hold it, so none is spent."""
    found = out_of_reach(problem, hotels=hotels)
    if found:
        raise OutOfReach(found, days=len(problem.days))
    answers = engine.solve_each(
        problem, budget=budget, hotels=hotels, required=required, only=only, start=start
    )
    keep = [i for i, c in enumerate(problem.candidates) if c.required] + list(required)
    best: Realised | None = None
    for solved in answers:
        if solved.feasible:
            made = realise(problem, solved, keep=keep)
            if best is None or made.objective_eur > best.objective_eur:
                best = made
    if best is None:
        raise Infeasible(_nothing_fits(problem))
    total = sum(s.iterations for s in answers)
    return replace(best, solved=replace(best.solved, iterations=total))


def _nothing_fits(problem: Problem) -> str:
    """The planner's sentence when no plan was found and no appointment is out of reach:
    it names the accounts that must be visited when there are some (a route through the
    accounts the rep picked), with the hours of a single day."""
    if not any(c.required for c in problem.candidates):
        return "no plan satisfies the fixed appointments and the working days"
    if len(problem.days) == 1:
        day = (problem.working_hours or problem.days)[0]  # the hours, not a stretch of them
        return (
            "no plan visits every required account between "
            f"{hhmm(day.depart_s)} and {hhmm(day.return_s)}"
        )
    return "no plan visits every required account within the working days"


@dataclass(frozen=True)
class Reach:
    """An appointment its day cannot hold from where the day may start or end: not reached
    by its start from there (``side`` ``"before"``: a night nearby before it would hold it),
    or the rep cannot be back there by the day's latest return (``"after"``) — or, with
    :attr:`drive`, the way there (back) longer than all the days joined to its day by
    nights away can drive (:func:`fieldcrm.routing.long_drive.long_drives`)."""

    key: str
    name: str
    day: int
    side: str
    start_s: int
    """The appointment's start."""
    limit_s: int
    """The appointment's start (``"before"``) or the day's latest return (``"after"``)."""
    earliest_s: int
    """The earliest arrival at the appointment, or the earliest return (with :attr:`drive`,
    as early as the drive alone allows: on its day, after what the days before it can drive
    of the way there; or after it, plus what the days after it cannot drive of the way
    back)."""
    movable: bool = True
    """Whether moving the appointment within its day (to its earliest arrival, or so that
    the rep is back in time) would hold it from home: ``False`` when, at any hour, the way
    there and back drives more than the day's cap or does not fit its working hours (with
    :attr:`drive`: whether an hour of its day lifts the bound, :attr:`LongDrive.move_s`)."""
    drive: LongDrive | None = None
    """The way there (back) proven too long for the days around it, with its figures
    (``None``: the reach is the clock's, on the appointment's day)."""
    overtime_s: int = 0
    """The problem's tolerance beyond the working hours
    (:attr:`~fieldcrm.routing.problem.Problem.overtime_s`) a reach of the clock was refused
    even with: for ``"before"``, :attr:`earliest_s` is then the arrival leaving that much
    before the working day's departure; for ``"after"``, :attr:`limit_s` is the working
    day's latest return, never a frame stretched to the day's appointments and
    :attr:`earliest_s` is later than it plus the tolerance (0: none, or not said)."""
    date: str | None = None
    """The appointment's day (ISO) when the problem has several dated days (a trip: its
    refusal names the day); ``None`` for one day (its page says which) or undated days."""

    def as_doc(self) -> dict[str, Any]:
        """The refusal's data as stored (JSON: a trip planned instead of a day, a failed
        job, a trip's impossible alternative), worded when read
        (:func:`fieldcrm.http.error_text.refusal_text`). Stored beside it, ``advice``:
        whether a night next to the planned days would hold it (:attr:`OutOfReach.extends`
        is not ``None``), which this data alone does not say.

        Examples
        --------
        A reach of the clock (no :attr:`drive`) is stored as before that data was.

        >>> late = Reach("b", "Salon", 0, "after", 61200, 64800, 68400)
        >>> Reach.from_doc(late.as_doc()) == late, "drive" in late.as_doc()
        (True, False)
        """
        doc = asdict(self)
        if self.drive is None:
            del doc["drive"]
        if not self.overtime_s:
            del doc["overtime_s"]
        if self.date is None:
            del doc["date"]
        return doc

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> Reach:
        """The reach stored as ``doc`` (:meth:`as_doc`); :class:`KeyError` for a field
        it lacks, :class:`TypeError` for a ``doc`` that is no mapping (for a malformed
        ``drive`` too, :meth:`LongDrive.from_doc`)."""
        optional = ("movable", "drive", "overtime_s", "date")
        given = {f.name: doc[f.name] for f in fields(cls) if f.name not in optional}
        drive = doc.get("drive")  # older rows: none
        return cls(
            **given,
            movable=bool(doc.get("movable", True)),  # older rows: unknown
            drive=None if drive is None else LongDrive.from_doc(drive),
            overtime_s=int(doc.get("overtime_s") or 0),  # older rows: not said
            date=doc.get("date"),  # older rows and one day: not said
        )

    def sentence(self) -> str:
        """The planner's sentence (translated at the edge, :mod:`fieldcrm.http.error_text`)."""
        drive = self.drive
        if drive is not None and self.side == "before":
            return (
                f"appointment '{self.name}' at {hhmm(self.start_s)} is "
                f"{drive.drive_s / 3600:.1f} h of driving from home, more than the "
                f"{drive.within_s / 3600:.1f} h of driving the days until then allow"
            )
        if drive is not None:
            return (
                f"after appointment '{self.name}' the way back is {drive.drive_s / 3600:.1f} h"
                f" of driving, more than the {drive.within_s / 3600:.1f} h of driving the days"
                " after it allow"
            )
        if self.side == "before":
            early = f", even leaving {self.overtime_s // 60} min early" if self.overtime_s else ""
            return (
                f"appointment '{self.name}' at {hhmm(self.start_s)} cannot be reached{early} "
                f"(earliest arrival {hhmm(self.earliest_s)})"
            )
        even = f", even {self.overtime_s // 60} min beyond it" if self.overtime_s else ""
        return (
            f"after appointment '{self.name}' the rep cannot be back by "
            f"{hhmm(self.limit_s)}{even} (earliest {hhmm(self.earliest_s)})"
        )


class OutOfReach(Infeasible):
    """No plan: the appointments :attr:`found` cannot be held from where their days may start
    or end (:func:`out_of_reach`); the message is the first one's sentence."""

    def __init__(self, found: Sequence[Reach], *, days: int) -> None:
        self.found = tuple(found)
        self.days = days
        super().__init__(self.found[0].sentence())

    @property
    def extends(self) -> tuple[bool, bool] | None:
        """Whether a night away before the first day, after the last day, would hold every
        appointment found — ``(before, after)`` — or ``None`` when one of them is not on
        that side of those days (a night next to the plan's days would not help it)."""
        before = after = False
        for r in self.found:
            joined = r.drive.days if r.drive is not None else 0  # days away next to its day
            if r.side == "before" and r.day - joined == 0:
                before = True
            elif r.side == "after" and r.day + joined == self.days - 1:
                after = True
            else:
                return None
        return before, after


def out_of_reach(problem: Problem, *, hotels: Sequence[int] | None = None) -> list[Reach]:
    """Every appointment that cannot be held in its day, in the order of the days and times.

    The day may start at home or, after a night away, at any allowed hotel; it must end at
    home on the last day (or where the next night may be spent). When its day holds it from
    such a hotel, the way there (back) may still be longer than all the days joined to it
    by nights away can drive: that reach carries its figures (:attr:`Reach.drive`,
    :func:`~fieldcrm.routing.long_drive.long_drives`).
    """
    away = bool(problem.hotels if hotels is None else hotels)  # a night away may be spent
    working = problem.working_hours or problem.days
    tolerance = problem.overtime_s
    out = []
    for a in sorted(problem.appointments, key=lambda a: (a.day, a.start_s)):
        day = problem.days[a.day]
        starts, ends = engine.day_places(problem, a.day, hotels)
        name = a.name or a.key
        there = min(problem.durations_s[p][a.place] for p in starts)
        home = min(problem.durations_s[a.place][p] for p in ends)
        arrive = day.depart_s + there
        # held at some hour of the day from home: the way there and back within the working
        # hours and the cap (a whole-day trip away is then the only way)
        movable = arrive + a.duration_s + home <= day.return_s and (
            day.max_driving_s is None or there + home <= day.max_driving_s
        )
        # over several days: the way there (back) longer than the days around it can drive
        far_there, far_back = long_drives(problem, a, away=away)
        # its day named on a trip (several days): « du mercredi 9 décembre à 10:00 »
        dated = day.date.isoformat() if len(problem.days) > 1 and day.date else None
        if arrive > a.start_s:
            reach = Reach(a.key, name, a.day, "before", a.start_s, a.start_s, arrive, movable)
            soonest = earliest_departure(working[a.day], tolerance)
            if tolerance and soonest + there > a.start_s:  # not even leaving that early
                # said with the tolerance when it is what bounds the departure (not now)
                bound = soonest == working[a.day].depart_s - tolerance
                reach = replace(
                    reach, earliest_s=soonest + there, overtime_s=tolerance if bound else 0
                )
            out.append(replace(reach, date=dated))
        elif far_there is not None:
            out.append(_too_far(problem, a, "before", far_there))
        back = a.start_s + a.duration_s + home
        if back > day.return_s:  # the day's frame, stretched or not; said as the hours
            latest = working[a.day].return_s
            reach = Reach(a.key, name, a.day, "after", a.start_s, latest, back, movable)
            beyond = back > latest + tolerance  # not even with the tolerance: say it
            out.append(replace(reach, overtime_s=tolerance if beyond else 0, date=dated))
        elif far_back is not None:
            out.append(_too_far(problem, a, "after", far_back))
    return out


def _too_far(problem: Problem, a: Appointment, side: str, drive: LongDrive) -> Reach:
    """The reach of ``a`` whose way there (``side`` ``"before"``) or back is ``drive``: its
    earliest arrival (return) as the drive alone allows, on its day."""
    day = problem.days[a.day]
    finish = a.start_s + a.duration_s
    if side == "before":  # what its day must drive, the days before it driving their most
        own = drive.drive_s - drive.within_s + most_driving(day, a.start_s - day.depart_s)
        limit, earliest = a.start_s, day.depart_s + max(own, 0)
    else:
        own = drive.drive_s - drive.within_s + most_driving(day, day.return_s - finish)
        limit, earliest = day.return_s, finish + max(own, 0)
    name = a.name or a.key
    movable = drive.move_s is not None
    return Reach(a.key, name, a.day, side, a.start_s, limit, earliest, movable, drive)
