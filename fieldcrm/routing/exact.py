"""Exact answers for small days: a labelling search that proves a one-day plan optimal.

A day with few candidates open (at most :data:`MAX_CANDIDATES`) is small enough to search
completely. :func:`improve` enumerates every order of every subset of the day's stops (its
fixed appointments, which must all happen, and its open candidates), in the timetable
arithmetic of :mod:`fieldcrm.routing.schedule` (earliest starts, waiting allowed, lunch
taken on one leg, the driving cap), keeping per (stops visited, last stop, lunch taken) only
the partial routes no other beats on time, driving and metres at once. A partial route is
dropped as soon as even visiting every remaining candidate for free could not beat the
incumbent (the heuristic's plan). When nothing better exists the incumbent is proven optimal;
otherwise the better route is returned, and it is then optimal.

The objective is the planner's: value of the visits minus the rep's km and hourly costs.
Lunch is required when the day has one, unless the fixed appointments leave no room for it
(then it is skipped, as :func:`fieldcrm.routing.realise.realise` does).

Examples
--------
>>> from fieldcrm.routing.problem import Candidate, Costs, Problem, WorkDay
>>> p = Problem(
...     home=0,
...     days=(WorkDay(depart_s=8 * 3600, return_s=18 * 3600),),
...     durations_s=((0, 900), (900, 0)),
...     distances_m=((0, 15000), (15000, 0)),
...     candidates=(Candidate("a", 1, 120.0, 3600, (((9 * 3600, 16 * 3600),),)),),
...     costs=Costs(eur_per_km=0.5),
... )
>>> found = improve(p, incumbent_eur=0.0)
>>> [r.index for r in found.refs], found.net_eur
([0], 105.0)
>>> improve(p, incumbent_eur=105.0) is None  # nothing better: 105 € is optimal
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from fieldcrm.routing.engine import Ref
from fieldcrm.routing.problem import Lunch, Problem
from fieldcrm.routing.realise import slot_of

MAX_CANDIDATES = 10
"""Candidates open on the day up to which the exact search runs."""
EPS = 1e-6


@dataclass(frozen=True)
class Better:
    """A route better than the incumbent (and optimal): its stops in order, its net euros."""

    refs: tuple[Ref, ...]
    net_eur: float


_Label = tuple[int, float, int, bool, tuple[int, ...]]
"""(free to leave the last stop at, euros of driving, seconds of driving, lunch taken, path)."""


def applies(problem: Problem) -> bool:
    """Whether :func:`improve` runs: one day, no night to choose, few candidates open."""
    if len(problem.days) != 1:
        return False
    return sum(1 for c in problem.candidates if c.windows[0]) <= MAX_CANDIDATES


def improve(
    problem: Problem, *, incumbent_eur: float, lunch_skipped: bool = False
) -> Better | None:
    """The optimal route of a one-day problem if it is worth more than ``incumbent_eur``.

    ``None`` proves that no feasible route is worth more than the incumbent (when the
    incumbent is the net value of a feasible plan, that plan is optimal).
    ``lunch_skipped``: the incumbent has no lunch break; if the day can have one, the
    incumbent does not count and the optimum with lunch is returned.
    """
    day_lunch = problem.days[0].lunch
    lunch = day_lunch
    if lunch is not None and _search(problem, lunch=lunch, fixed_only=True) is None:
        lunch = None  # the fixed part leaves no room for lunch: skipped, as realise does
    if day_lunch is not None and lunch_skipped != (lunch is None):
        incumbent_eur = -math.inf
    return _search(problem, lunch=lunch, incumbent_eur=incumbent_eur)


def _search(
    problem: Problem,
    *,
    lunch: Lunch | None,
    incumbent_eur: float = -math.inf,
    fixed_only: bool = False,
) -> Better | None:
    """The best route worth more than the incumbent (``None`` if none); ``fixed_only``: the
    appointments and required candidates alone (any route taking them all)."""
    day = problem.days[0]
    start, end = problem.first_place, problem.last_place
    refs = [Ref("appointment", i, 0) for i, a in enumerate(problem.appointments) if a.day == 0]
    refs += [
        Ref("candidate", i, 0)
        for i, c in enumerate(problem.candidates)
        if c.windows[0] and (c.required or not fixed_only)
    ]
    slots = [slot_of(problem, r) for r in refs]
    values = [problem.candidates[r.index].value_eur if r.kind == "candidate" else 0.0 for r in refs]
    required = 0
    for j, r in enumerate(refs):
        if r.kind == "appointment" or problem.candidates[r.index].required:
            required |= 1 << j
    travel, metres = problem.durations_s, problem.distances_m
    costs = problem.costs
    cap = day.max_driving_s
    # an optimistic bound on what the time left can still collect: every stop costs at least
    # its service and its cheapest way in; filled by value per second, the last one in part
    cheapest_in = [
        min(
            [travel[start][slots[j].place]]
            + [travel[slots[i].place][slots[j].place] for i in range(len(refs)) if i != j]
        )
        for j in range(len(refs))
    ]
    by_density = sorted(
        (j for j in range(len(refs)) if values[j] > 0),
        key=lambda j: -values[j] / max(1, slots[j].service_s + cheapest_in[j]),
    )

    def room_value(time: int, ate: bool, mask: int) -> float:
        room = day.return_s - time - (0 if ate or lunch is None else lunch.duration_s)
        total = 0.0
        for j in by_density:
            if mask >> j & 1:
                continue
            need = slots[j].service_s + cheapest_in[j]
            if need > room:
                return total + values[j] * max(0, room) / max(1, need)
            total += values[j]
            room -= need
        return total

    rate_s = costs.eur_per_driving_hour / 3600
    rate_m = costs.eur_per_km / 1000
    step_cost = [
        [travel[a][b] * rate_s + metres[a][b] * rate_m for b in range(problem.size)]
        for a in range(problem.size)
    ]
    places = [slot.place for slot in slots]
    windows = [slot.windows for slot in slots]
    services = [slot.service_s for slot in slots]
    n = len(refs)
    back = day.return_s
    # non-dominated partial routes per (stops visited, last stop); -1 is the start place;
    # a label is (free to leave at, euros of driving, seconds of driving, lunch taken, path)
    frontier: dict[tuple[int, int], list[_Label]] = {
        (0, -1): [(day.depart_s, 0.0, 0, lunch is None, ())]
    }
    value_of = {0: 0.0}
    best: Better | None = None
    best_key = (incumbent_eur + EPS, -math.inf)
    while frontier:
        following: dict[tuple[int, int], list[_Label]] = {}
        for (mask, last), labels in sorted(frontier.items()):
            here = start if last < 0 else places[last]
            value = value_of[mask]
            closing = mask & required == required
            for time, spent, driven, ate, path in labels:
                if closing:  # back to the end place
                    arrive = _move(time, travel[here][end], lunch, not ate)
                    total = driven + travel[here][end]
                    if 0 <= arrive <= back and (cap is None or total <= cap):
                        net = value - spent - step_cost[here][end]
                        if (net, -total) > best_key:
                            best_key = (net, -total)
                            best = Better(tuple(refs[j] for j in path), round(net, 6))
                            if fixed_only:
                                return best
                for j in range(n):
                    if mask >> j & 1:
                        continue
                    there = places[j]
                    drive = travel[here][there]
                    if cap is not None and driven + drive > cap:
                        continue
                    child = mask | 1 << j
                    for eat in (False, True) if not ate else (False,):
                        arrive = _move(time, drive, lunch, eat)
                        if arrive < 0:
                            continue
                        window = next((w for w in windows[j] if arrive <= w[1]), None)
                        if window is None:
                            continue
                        free = max(arrive, window[0]) + services[j]
                        if free > back:
                            continue
                        cost = spent + step_cost[here][there]
                        if child not in value_of:
                            value_of[child] = value + values[j]
                        # even the best use of the time left, for free, could not beat the best
                        bound = value_of[child] + room_value(free, ate or eat, child) - cost
                        if bound <= best_key[0]:
                            continue
                        _add(
                            following,
                            (child, j),
                            (free, cost, driven + drive, ate or eat, (*path, j)),
                            cap is not None,
                        )
        frontier = following
    return best


def _move(time: int, drive: int, lunch: Lunch | None, eat: bool) -> int:
    """Arrival after a leg leaving at ``time`` (lunch taken on it if ``eat``); -1 when the
    break cannot be taken in its window on that leg."""
    if not eat:
        return time + drive
    assert lunch is not None
    if max(time, lunch.earliest_s) + lunch.duration_s > lunch.latest_end_s:
        return -1
    return max(time + drive, lunch.earliest_s) + lunch.duration_s


def _add(
    table: dict[tuple[int, int], list[_Label]], key: tuple[int, int], new: _Label, capped: bool
) -> None:
    """Keep ``new`` unless a label of the same state is as good on every count (time, euros,
    lunch taken, and driving when the day has a driving cap); drop those it beats."""
    labels = table.setdefault(key, [])
    t, c, d, ate = new[0], new[1] + EPS, new[2], new[3]
    for old in labels:
        if old[0] <= t and old[1] <= c and (old[3] or not ate) and (not capped or old[2] <= d):
            return
    labels[:] = [
        old
        for old in labels
        if not (
            t <= old[0]
            and new[1] <= old[1] + EPS
            and (ate or not old[3])
            and (not capped or d <= old[2])
        )
    ]
    labels.append(new)
