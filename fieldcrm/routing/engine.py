"""The solver behind :func:`fieldcrm.routing.planner.plan`: a PyVRP prize-collecting VRPTW.

Every day of the problem lies on one time axis (day ``k`` starts at ``k × span`` seconds), and
one vehicle drives the whole trip from home to home:

- a fixed appointment is a required client whose window is its exact start;
- a candidate is an optional client whose prize is its value, one copy per (day, window) in a
  mutually exclusive group (at most one visit); a required candidate's group is required;
- each night is a required group of "night" clients, one at home and one per hotel, whose
  window ends the day at its latest return and whose service lasts until the next morning;
  a hotel's price and meal are charged through the prizes of the group (the group's members
  carry ``top − price``, so choosing a hotel forgoes exactly its price; a preferred hotel's
  price counts its bonus less, :meth:`~fieldcrm.routing.problem.Costs.night_eur`);
- each lunch break is a group of "lunch" clients at the day's likely places (home,
  hotels, appointments, the most valuable candidates open that day); the timetable then puts
  lunch where the rep is (:mod:`fieldcrm.routing.schedule`), which is never later;
- an arc costs the rep's euros per km and per driving hour, plus a tie-break of 1/10 000 €
  per 100 s of driving so that equal-valued plans prefer shorter ones.

Money is in units of 1/10 000 €. The search is deterministic: fixed seeds and an iteration
budget (no improvement for ``patience`` iterations, at most ``max_iterations``); the time limit
is only a safety cap. For one day or interchangeable days, ``restarts`` independent searches
from seeds ``seed, seed + 1…`` each get the whole budget (:func:`solve_each`; the first
search is the one a single search would run, and the caller keeps the answer worth most once
realised, so the plan is never worse than with one search); PyVRP's
late-acceptance history is shortened to :data:`HISTORY_LENGTH`, its search goes back to its
best after :data:`ILS_RESTART` idle iterations, its time-warp penalty starts on the scale
of the problem (:func:`time_warp_penalty`) and half of its iterations remove strings of
consecutive visits and rebuild (:class:`~fieldcrm.routing.ruin.StringRemoval`). The checks
of a left-out reason (a forced visit, a warm start) keep PyVRP's own search and penalty; a
detour's re-solve (the day without one visit) is a fresh solve and searches like a plan.
Days with frames of their own (a trip's all-home plan) and days chained by nights away keep
PyVRP's own search.

With ``Budget.workers > 1`` those independent searches run in parallel processes (a pool
started lazily, once per process, from a ``forkserver``, about 0.5 s the first time; stopped
at exit or by :func:`shutdown_pool`); their answers are combined in run order exactly as one
after the other, so an iteration-bound plan is the same whatever the number of workers, in
about ``1 / workers`` of the wall time. Each parallel search may use the whole time left
before the cap; searches the cap would cut (still improving at :data:`SHARE_AT` of the time
left) pool their best there and go on from it (:func:`_shared`). They stay in this process,
one after the other, when there is one search (a trip, or ``restarts=1``) or when other
processes keep the other CPUs busy (:func:`_free_cpus`): then a plan that stops on the time
cap would collect less.
A program that plans with ``workers > 1`` must guard its entry point with
``if __name__ == "__main__":`` (the pool's processes import the main module).
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from typing import TypeVar

import numpy as np
from pyvrp import (
    Client,
    ClientGroup,
    CostEvaluator,
    ProblemData,
    RandomNumberGenerator,
    Route,
    Solution,
    SolveParams,
    VehicleType,
)
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.IteratedLocalSearch import IteratedLocalSearch, IteratedLocalSearchParams
from pyvrp.PenaltyManager import PenaltyManager, PenaltyParams
from pyvrp.search import LocalSearch, PerturbationManager, compute_neighbours
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria, NoImprovement

from fieldcrm.routing.engine_days import (
    add_choice,
    build_days,
    depot_index,
    depots_of,
    problem_data,
)
from fieldcrm.routing.problem import Problem
from fieldcrm.routing.ruin import StringRemoval

A = TypeVar("A")
R = TypeVar("R")

MONEY = 10_000
"""Money units per euro."""
TIEBREAK_S = 100
"""Seconds of driving that cost one money unit on top of the rep's own costs."""
PATIENCE_PER_CLIENT = 20
"""Default of :attr:`Budget.per_client`."""
LUNCH_PLACES = 25
"""Most valuable open candidates whose places are offered for lunch, per day."""
HISTORY_LENGTH = 30
"""Length of the late-acceptance history of PyVRP's iterated local search for one day or
interchangeable days from home (its default, 300, is kept elsewhere). A short history accepts
only near-best solutions: on the OPTW/TOPTW benchmark and a 150-candidate day it collects
more within the same iteration budget; on a 4-day trip's all-home plan (days with their own
appointments and frames) it collected 1 % less, so it is not used there (bench/README.md)."""
ILS_RESTART = 1_000
"""Iterations without a new best after which PyVRP's iterated local search goes back to its
best solution (``num_iters_no_improvement``; its default, 150 000, never fires within our
budgets), for one day or interchangeable days. Measured through ``plan`` at the shipped
patience on six hard OPTW/TOPTW cases (pr04/1, pr09/1, pr10/1, pr03/3, pr01/4, pr04/4), seeds
0–2: 4 762 points in all against 4 715 without (1 500: 4 743; 2 000: 4 745), at the same CPU
time; on the latency bench's days (seeds 0–3) 1 785 € against 1 742 € (150 candidates) and
1 046 € against 1 043 € (40). Whole OPTW set at the shipped seed, iteration-bound: m = 1
0.9931 of the best known (unchanged), m = 2, 3, 4 0.9868, 0.9846, 0.9803 (0.9855, 0.9841,
0.9798), none below VROOM (one each at m = 3 and 4 before). PyVRP's operators that do not apply here are skipped by PyVRP
itself; dropping Relocate2/Swap21/Swap22 ran 1.5× more iterations a second but found less
within the same patience (bench/README.md, third session)."""
ILS_PARAMS = IteratedLocalSearchParams(
    history_length=HISTORY_LENGTH, num_iters_no_improvement=ILS_RESTART
)
TIME_WARP_WEIGHT = 20.0
"""Initial penalty of a second of lateness (time warp) in the search, in units of the
problem's mean prize per second of its mean drive (:func:`time_warp_penalty`). PyVRP starts
it at 50 000 money units a second whatever the data (its midpoint between 0.1 and 100 000),
which forbids every late solution on our scale (a visit is 10⁵–10⁷ units, a drive
10²–10⁴ s) and leaves its penalty manager, which moves it by ×1.5 or ×0.9 every
:data:`PENALTY_UPDATES` solutions, no time to bring it down. Starting near what an hour
late is worth lets the search pass through late solutions to better feasible ones. Measured
at a fixed budget (3 000 iterations, seeds 0–3) on ten hard OPTW/TOPTW cases: mean 0.9780
of the best known against 0.9699 (weights 5, 20, 50: 0.9757, 0.9791, 0.9744; with 500
solutions between updates 0.9735), bench/README.md."""
PENALTY_UPDATES = 100
"""Solutions between two updates of the time-warp penalty (PyVRP's default: 500)."""
RESTARTS = 2
"""Default of :attr:`Budget.restarts`."""
SHARE_AT = 0.5
"""Share of the time left after which parallel searches that the cap would cut go on from
the best solution found so far (:func:`_shared`)."""


@dataclass(frozen=True)
class Budget:
    """How long the search goes on: iterations without improvement, a cap, a safety time."""

    patience: int = 2_000
    per_client: int = PATIENCE_PER_CLIENT
    """Larger problems get more patience: at least this many iterations per candidate."""
    max_iterations: int = 50_000
    time_limit_s: float = 30.0
    seed: int = 0
    restarts: int = RESTARTS
    """Searches with seeds ``seed``, ``seed + 1``…, each with the whole patience and
    iteration cap; the best answer is kept (a search that stalls in one region is not the
    last word). On one day or interchangeable days only; a trip runs one search."""
    workers: int = 1
    """Processes the ``restarts`` searches of one solve share (1: one after the other in this
    process), at most; fewer while other processes keep the CPUs busy. The plan does not
    depend on it when the searches stop on their iteration budget, only the wall time does;
    a search stopped by the time cap finds more with a CPU to itself. The services pass the
    ``planner_workers`` setting (``FIELDCRM_PLANNER_WORKERS``)."""
    deadline: float | None = None
    """``time.monotonic()`` by which every solve of one plan must stop (set by ``plan``)."""

    def seconds_left(self) -> float:
        """The time this solve may take: the time limit, or less near the deadline."""
        if self.deadline is None:
            return self.time_limit_s
        return max(0.05, min(self.time_limit_s, self.deadline - time.monotonic()))


@dataclass(frozen=True)
class Ref:
    """What a solver client stands for."""

    kind: str  # "appointment" | "candidate" | "night" | "lunch"
    index: int  # into problem.appointments / candidates; hotel index for nights (-1: home)
    day: int


@dataclass(frozen=True)
class Solved:
    """The solver's answer: per day the stops in order, per night the hotel (-1: home)."""

    days: tuple[tuple[Ref, ...], ...]
    nights: tuple[int, ...]
    iterations: int
    feasible: bool


def day_span(problem: Problem) -> int:
    """Seconds between the starts of two consecutive days on the solver's time axis."""
    return max(86_400, max(d.return_s for d in problem.days) + 1)


def arc_costs(problem: Problem) -> np.ndarray:
    """Money units of driving from place i to place j (the rep's rates and the tie-break)."""
    metres = np.asarray(problem.distances_m, dtype=np.float64)
    seconds = np.asarray(problem.durations_s, dtype=np.float64)
    euros = (
        problem.costs.eur_per_km * metres / 1000
        + problem.costs.eur_per_driving_hour * seconds / 3600
    )
    return np.rint(euros * MONEY + seconds / TIEBREAK_S).astype(np.int64)


def chained(problem: Problem, hotels: Sequence[int]) -> bool:
    """Whether a night away is possible: the days are then chained on one time axis."""
    return bool(hotels) and any(consecutive(problem, k) for k in range(len(problem.days) - 1))


def consecutive(problem: Problem, k: int) -> bool:
    """Whether day ``k + 1`` is the calendar day after day ``k`` (a night away is possible)."""
    a, b = problem.days[k].date, problem.days[k + 1].date
    return a is None or b is None or (b - a).days == 1


def day_places(
    problem: Problem, k: int, hotels: Sequence[int] | None = None
) -> tuple[list[int], list[int]]:
    """The places day ``k`` may start at and end at: home (the start, on the first day; the
    finish, on the last), or one of the ``hotels`` allowed (default all) when a night away
    joins it to the day before (start) or after (end), :func:`consecutive`."""
    allowed = range(len(problem.hotels)) if hotels is None else hotels
    away = [problem.hotels[h].place for h in allowed]
    last = len(problem.days) - 1
    starts = [
        problem.first_place if k == 0 else problem.home,
        *(away if k > 0 and consecutive(problem, k - 1) else []),
    ]
    ends = [
        problem.last_place if k == last else problem.home,
        *(away if k < last and consecutive(problem, k) else []),
    ]
    return starts, ends


def build(
    problem: Problem,
    *,
    hotels: Sequence[int] | None = None,
    required: Sequence[int] = (),
    only: Sequence[int] | None = None,
) -> tuple[ProblemData, list[Ref]]:
    """PyVRP data for ``problem`` and what each of its clients stands for.

    ``hotels``: the hotel indices allowed (default all); ``required``: candidates that must be
    visited; ``only``: the candidates offered (default all).
    """
    span = day_span(problem)
    allowed_hotels = range(len(problem.hotels)) if hotels is None else hotels
    offered = range(len(problem.candidates)) if only is None else only
    must = set(required)
    if not chained(problem, allowed_hotels):
        lunch_places = [
            _lunch_places(problem, k, hotels=(), offered=offered) for k in range(len(problem.days))
        ]
        return build_days(
            problem,
            offered=offered,
            must=must,
            lunch_places=lunch_places,
            lunch_prize=lunch_prize(problem),
            costs=arc_costs(problem),
            money=MONEY,
            ref=Ref,
        )
    clients: list[Client] = []
    refs: list[Ref] = []
    groups: list[ClientGroup] = []

    def add_group(members: list[Client], member_refs: list[Ref], *, needed: bool) -> None:
        add_choice(
            clients, refs, groups, list(zip(members, member_refs, strict=True)), needed=needed
        )

    for i, a in enumerate(problem.appointments):
        at = a.day * span + a.start_s
        clients.append(
            Client(location=a.place, service_duration=a.duration_s, tw_early=at, tw_late=at)
        )
        refs.append(Ref("appointment", i, a.day))
    for i in offered:
        c = problem.candidates[i]
        prize = round(c.value_eur * MONEY)
        spans = merged_windows(problem, i, span)
        copies = [
            Client(
                location=c.place,
                service_duration=c.service_s + problem.slot_reserve_s,
                tw_early=a,
                tw_late=b,
                prize=prize,
                required=False,
            )
            for _, a, b in spans
        ]
        copy_refs = [Ref("candidate", i, k) for k, _, _ in spans]
        if copies:
            add_group(copies, copy_refs, needed=c.required or i in must)
    for k in range(len(problem.days) - 1):
        here, after = problem.days[k], problem.days[k + 1]
        end = k * span + here.return_s
        service = (k + 1) * span + after.depart_s - end
        options = [(-1, problem.home, 0.0)]
        if consecutive(problem, k):
            options += [
                (h, problem.hotels[h].place, problem.costs.night_eur(problem.hotels[h]))
                for h in allowed_hotels
            ]
        top = max(price for _, _, price in options)
        add_group(
            [
                Client(
                    location=place,
                    service_duration=service,
                    tw_early=end,
                    tw_late=end,
                    prize=round((top - price) * MONEY),
                    required=False,
                )
                for _, place, price in options
            ],
            [Ref("night", h, k) for h, _, _ in options],
            needed=True,
        )
    break_prize = lunch_prize(problem)
    for k, day in enumerate(problem.days):
        if day.lunch is None:
            continue
        places = _lunch_places(problem, k, hotels=allowed_hotels, offered=offered)
        lunch = day.lunch
        add_group(
            [
                Client(
                    location=p,
                    service_duration=lunch.duration_s,
                    tw_early=k * span + lunch.earliest_s,
                    tw_late=k * span + lunch.latest_end_s - lunch.duration_s,
                    prize=break_prize,
                    required=False,
                )
                for p in places
            ],
            [Ref("lunch", p, k) for p in places],
            needed=False,
        )
    first, last = problem.days[0], problem.days[-1]
    depots = depots_of(problem)
    vehicle = VehicleType(
        num_available=1,
        start_depot=depot_index(problem, problem.first_place),
        end_depot=depot_index(problem, problem.last_place),
        tw_early=first.depart_s,
        tw_late=(len(problem.days) - 1) * span + last.return_s,
    )
    durations = np.asarray(problem.durations_s, dtype=np.int64)
    data = problem_data(
        problem,
        list(range(problem.size)),
        clients,
        depots,
        [vehicle],
        [arc_costs(problem)],
        [durations],
        groups,
    )
    return data, refs


def merged_windows(problem: Problem, i: int, span: int) -> list[tuple[int, int, int]]:
    """Candidate ``i``'s start windows on the solver's time axis, as ``(day, early, late)``.

    A window that lasts to the end of its day joins the next day's window that opens with
    the day: the nights in between are spent at a night client, so one client covers both
    days (day ``-1``: read from the route). An account open whenever the rep works is then
    one client for the whole trip, not one copy per day.
    """
    c = problem.candidates[i]
    out: list[tuple[int, int, int]] = []
    joinable = False
    for k, windows in enumerate(c.windows):
        day = problem.days[k]
        for a, b in windows:
            if joinable and out and a <= day.depart_s:
                out[-1] = (-1, out[-1][1], k * span + b)
            else:
                out.append((k, k * span + a, k * span + b))
            joinable = b >= day.return_s - c.service_s
        if not windows:
            joinable = False
    return out


def lunch_prize(problem: Problem) -> int:
    """The prize of a lunch break: worth more than every visit together, so lunch is only left
    out of a day whose fixed appointments leave no room for it."""
    return round((sum(c.value_eur for c in problem.candidates) + 100) * MONEY)


def _lunch_places(
    problem: Problem, k: int, *, hotels: Sequence[int], offered: Sequence[int]
) -> list[int]:
    places = [
        problem.first_place if k == 0 else problem.home,
        *(problem.hotels[h].place for h in hotels),
    ]
    places += [a.place for a in problem.appointments if a.day == k]
    open_today = sorted(
        (i for i in offered if problem.candidates[i].windows[k]),
        key=lambda i: (-problem.candidates[i].value_eur, i),
    )
    places += [problem.candidates[i].place for i in open_today[:LUNCH_PLACES]]
    return list(dict.fromkeys(places))


def solve_each(
    problem: Problem,
    *,
    budget: Budget = Budget(),
    hotels: Sequence[int] | None = None,
    required: Sequence[int] = (),
    only: Sequence[int] | None = None,
    start: Solved | None = None,
) -> tuple[Solved, ...]:
    """Solve ``problem`` (see :func:`build` for the options; ``start``: a warm start): each
    search's answer in run order (seed ``seed`` first), each with its own iterations. The
    caller keeps the one worth most once realised
    (:func:`fieldcrm.routing.realise.solve_realised`): the engine's objective does not hold
    every rule of the day (the driving cap is applied after)."""
    data, refs = build(problem, hotels=hotels, required=required, only=only)
    offered_ids = range(len(problem.candidates)) if only is None else only
    offered = len(offered_ids)
    allowed = range(len(problem.hotels)) if hotels is None else hotels
    # the short history and the restarts where they were measured better: one day, or
    # interchangeable days from home (OPTW/TOPTW); days with their own frames (a trip's
    # all-home plan) or chained by nights away (OPHS) keep PyVRP's defaults and one search
    tuned = not chained(problem, allowed) and (
        len(problem.days) == 1 or data.num_vehicle_types == 1
    )
    patience = max(budget.patience, budget.per_client * offered)
    runs = max(1, budget.restarts) if tuned else 1
    initial = _initial(data, refs, start) if start is not None else None
    # a forced or warm-started solve (the checks of a left-out reason) starts from a late
    # solution and has a short patience: PyVRP's high penalty gets it back in time at once,
    # the scaled one may not within its budget (bench/README.md, fifth session)
    scaled = tuned and not required and start is None
    warp = time_warp_penalty(problem, offered_ids) if scaled else None
    # string removals where they were measured better (bench/README.md, sixth session): not
    # in those checks, nor in a trip's all-home plan (as many euros lost as won, twice the time)
    searches = [
        _Search(budget.seed + run, patience, budget.max_iterations, tuned, warp, ruin=scaled)
        for run in range(runs)
    ]
    found = _run_searches(data, searches, budget=budget, initial=initial)
    return tuple(_solved(problem, data, refs, solution, n) for solution, n in found)


def _solved(
    problem: Problem, data: ProblemData, refs: list[Ref], solution: Solution, iterations: int
) -> Solved:
    """``solution`` read back as the problem's days and nights."""
    days: list[list[Ref]] = [[] for _ in problem.days]
    nights = [-1] * (len(problem.days) - 1)
    today = 0
    routes = solution.routes()
    fleet = data.num_vehicles > 1 and data.num_vehicle_types == 1  # identical days
    day_of = fleet_days(problem, [r.travel_duration() for r in routes]) if fleet else []
    for number, route in enumerate(routes):
        if data.num_vehicles > 1:  # one vehicle per day
            today = day_of[number] if fleet else route.vehicle_type()
        for ref in (refs[a.idx] for a in route if a.is_client()):
            if ref.kind == "night":
                nights[ref.day] = ref.index
                today = ref.day + 1
            elif ref.kind in ("appointment", "candidate"):
                days[today].append(Ref(ref.kind, ref.index, today))
    return Solved(
        days=tuple(tuple(d) for d in days),
        nights=tuple(nights),
        iterations=iterations,
        feasible=solution.is_feasible() and solution.is_complete(),
    )


def fleet_days(problem: Problem, driving_s: Sequence[int]) -> list[int]:
    """The day each route of interchangeable days goes to, given the seconds each drives.

    The solver sees those days as one fleet: they differ at most by their driving caps, which
    are applied once the routes are known (:mod:`fieldcrm.routing.realise`). The routes that
    drive most go to the days that allow most driving, so no route is cut short by a day's
    cap while a day that allows it is given a shorter route; route order where the caps are
    equal.

    >>> from fieldcrm.routing.problem import Problem, WorkDay
    >>> days = (WorkDay(0, 36_000, max_driving_s=3_600), WorkDay(0, 36_000))
    >>> p = Problem(home=0, days=days, durations_s=((0,),), distances_m=((0,),))
    >>> fleet_days(p, [5_400, 1_800])  # the 1.5 h route goes to the day without a cap
    [1, 0]
    """
    caps = [d.max_driving_s for d in problem.days]
    if len(set(caps)) == 1:
        return list(range(len(driving_s)))
    allowed = [float("inf") if c is None else c for c in caps]
    days = sorted(range(len(caps)), key=lambda k: (-allowed[k], k))
    longest = sorted(range(len(driving_s)), key=lambda r: (-driving_s[r], r))
    out = [0] * len(driving_s)
    for route, day in zip(longest, days, strict=False):
        out[route] = day
    return out


@dataclass(frozen=True)
class _Search:
    """One independent search of a solve: its seed, patience, iteration cap and parameters."""

    seed: int
    patience: int
    max_iterations: int
    tuned: bool
    """:data:`ILS_PARAMS` (one day or interchangeable days) rather than PyVRP's defaults."""
    time_warp: float | None = None
    """Initial time-warp penalty (:func:`time_warp_penalty`; ``None``: PyVRP's)."""
    ruin: bool = False
    """Half the iterations remove strings of visits (:class:`~fieldcrm.routing.ruin.StringRemoval`)."""


@dataclass
class _StartPenalty(PenaltyParams):
    """PyVRP's penalty parameters with the initial penalties given rather than halfway
    between the bounds (PyVRP reads them from :meth:`midpoint_penalties`)."""

    initial: float = 1.0

    def midpoint_penalties(self, data: ProblemData) -> tuple[list[float], float, float]:
        return [self.initial] * data.num_load_dimensions, self.initial, self.initial


def time_warp_penalty(problem: Problem, offered: Sequence[int]) -> float | None:
    """The initial penalty of a second of time warp: :data:`TIME_WARP_WEIGHT` times the
    offered candidates' mean prize per second of the mean drive between two places
    (``None`` when there is no candidate, no value or no drive: PyVRP's default).

    >>> from fieldcrm.routing.problem import Candidate, Problem, WorkDay
    >>> day = WorkDay(depart_s=0, return_s=36_000)
    >>> visit = Candidate(key="a", place=1, value_eur=60.0, service_s=600, windows=(((0, 36_000),),))
    >>> p = Problem(home=0, days=(day,), durations_s=((0, 600), (600, 0)),
    ...             distances_m=((0, 0), (0, 0)), candidates=(visit,))
    >>> time_warp_penalty(p, [0])  # 20 × 600 000 units / 600 s
    20000.0
    """
    values = [problem.candidates[i].value_eur for i in offered]
    seconds = np.asarray(problem.durations_s, dtype=np.float64)
    drives = seconds[seconds > 0]
    if not values or drives.size == 0 or sum(values) <= 0:
        return None
    prize = sum(values) / len(values) * MONEY
    return TIME_WARP_WEIGHT * prize / float(drives.mean())


def _params(search: _Search) -> SolveParams:
    """PyVRP's parameters for ``search`` (built in the process that runs it: they do not
    pickle)."""
    ils = ILS_PARAMS if search.tuned else IteratedLocalSearchParams()
    if search.time_warp is None:
        return SolveParams(ils=ils)
    penalty = _StartPenalty(
        min_penalty=search.time_warp / 1000,
        max_penalty=max(PenaltyParams().max_penalty, 1000 * search.time_warp),
        solutions_between_updates=PENALTY_UPDATES,
        initial=search.time_warp,
    )
    return SolveParams(ils=ils, penalty=penalty)


def _search(
    data: ProblemData,
    search: _Search,
    budget: Budget,
    initial: Solution | None,
    limit_s: float | None = None,
) -> tuple[Solution, int]:
    """Run one search (here or in a pool's process); its best solution and its iterations.
    ``limit_s``: stop after that many seconds at most, if sooner than the budget's cap."""
    seconds = budget.seconds_left() if limit_s is None else min(limit_s, budget.seconds_left())
    stop = MultipleCriteria(
        [
            NoImprovement(max(1, search.patience)),
            MaxIterations(search.max_iterations),
            MaxRuntime(seconds),
        ]
    )
    params = _params(search)
    # pyvrp.solve, with string removals as the search method where they were measured better
    rng = RandomNumberGenerator(seed=search.seed)
    local = LocalSearch(
        data,
        rng,
        compute_neighbours(data, params.neighbourhood),
        PerturbationManager(params.perturbation),
    )
    for operator in params.operators:
        if operator.supports(data):
            local.add_operator(operator(data))
    penalties = PenaltyManager(params.penalty.midpoint_penalties(data), params.penalty)
    with warnings.catch_warnings():
        # raised when the penalties saturate, as they do on a problem with no solution
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        if initial is None:
            random_start = Solution.make_random(data, rng)
            initial = local(random_start, penalties.max_cost_evaluator(), exhaustive=True)
        method = StringRemoval(data, local, seed=search.seed) if search.ruin else local
        ils = IteratedLocalSearch(data, penalties, method, initial, params.ils)
        result = ils.run(stop, collect_stats=False)
    return result.best, result.num_iterations


def _run_searches(
    data: ProblemData, searches: list[_Search], *, budget: Budget, initial: Solution | None
) -> list[tuple[Solution, int]]:
    """Every search's answer, in run order: in the pool when there are several searches,
    ``budget.workers > 1`` and CPUs free for them, else one after the other here (also if the
    pool breaks)."""

    def pooled(pool: ProcessPoolExecutor) -> list[tuple[Solution, int]]:
        if initial is None and all(s.ruin for s in searches):
            return _shared(pool, data, searches, budget)
        return _in_pool(pool, data, searches, budget, initial)

    return _pooled(
        len(searches),
        budget.workers,
        pooled,
        lambda: [_search(data, s, budget, initial) for s in searches],
    )


def in_parallel(fn: Callable[[A], R], args: Sequence[A], *, workers: int) -> list[R]:
    """``[fn(a) for a in args]``, computed side by side in the pool when there are several,
    ``workers > 1`` and CPUs free for them, else one after the other here (also if the pool
    breaks). ``fn`` must be picklable (a module-level function, or a ``functools.partial`` of
    one) and its answer must not depend on the process that runs it.

    >>> in_parallel(abs, [-1, 2, -3], workers=1)
    [1, 2, 3]
    """
    return _pooled(
        len(args),
        workers,
        lambda pool: [f.result() for f in [pool.submit(fn, a) for a in args]],
        lambda: [fn(a) for a in args],
    )


def _pooled(
    count: int,
    workers: int,
    pooled: Callable[[ProcessPoolExecutor], list[R]],
    here: Callable[[], list[R]],
) -> list[R]:
    """``pooled(pool)`` when ``count`` tasks may run side by side (``workers > 1`` and CPUs
    free for them, :func:`_free_cpus`), else — or if the pool breaks — ``here()``."""
    parallel = count > 1 and workers > 1 and min(workers, _free_cpus()) > 1
    pool = _pool(workers) if parallel else None
    if pool is not None:
        try:
            return pooled(pool)
        except BrokenProcessPool:  # a worker died (killed, out of memory): start afresh
            shutdown_pool(only=pool)
        except CancelledError:  # another solve's BrokenProcessPool stopped this pool
            pass
        except (RuntimeError, OSError, AssertionError):
            # the pool was shut down meanwhile (at exit), or this process may not start
            # processes (a daemonic one): one after the other here
            pass
    return here()


def _in_pool(
    pool: ProcessPoolExecutor,
    data: ProblemData,
    searches: Sequence[_Search],
    budget: Budget,
    initial: Solution | None,
    limit_s: float | None = None,
) -> list[tuple[Solution, int]]:
    """The searches side by side in ``pool``; their answers in run order."""
    futures: list[Future[tuple[Solution, int]]] = [
        pool.submit(_search, data, s, budget, initial, limit_s) for s in searches
    ]
    return [f.result() for f in futures]


def _shared(
    pool: ProcessPoolExecutor, data: ProblemData, searches: Sequence[_Search], budget: Budget
) -> list[tuple[Solution, int]]:
    """The searches side by side; those the time cap would cut pool the best found at
    :data:`SHARE_AT` of the time left: each search still improving then goes on from the best
    solution any of them has found, with a seed of its own after theirs (``seed +
    len(searches)``…). The answers of both halves, in run order.

    A search still climbing when the cap comes has most to gain from the best basin found:
    at the same iterations, two searches that share halfway collect more than two that do
    not (bench/README.md, seventh session). A search that stops on its iteration budget
    before then is not touched (its own clock decides, not the wait for a busy pool), so the
    plan of searches that converge stays the same whatever the load.
    """
    budget = replace(budget, deadline=time.monotonic() + budget.seconds_left())
    half = SHARE_AT * budget.seconds_left()
    futures: list[Future[tuple[Solution, int, bool]]] = [
        pool.submit(_search_cut, data, s, budget, half) for s in searches
    ]
    first = [f.result() for f in futures]
    answers = [(solution, n) for solution, n, _ in first]
    best = _best(data, [solution for solution, _ in answers])
    cut = [(s, n) for s, (_, n, was_cut) in zip(searches, first, strict=True) if was_cut]
    if not cut or best is None:
        return answers
    again = [
        replace(s, seed=s.seed + len(searches), max_iterations=max(1, s.max_iterations - n))
        for s, n in cut
    ]
    return answers + _in_pool(pool, data, again, budget, best)


def _search_cut(
    data: ProblemData, search: _Search, budget: Budget, limit_s: float
) -> tuple[Solution, int, bool]:
    """:func:`_search` stopped after ``limit_s`` seconds at most, and whether that limit
    stopped it (rather than its patience or its iteration cap), by its own clock."""
    clock = time.monotonic()
    solution, iterations = _search(data, search, budget, None, limit_s)
    ran = time.monotonic() - clock
    return solution, iterations, iterations < search.max_iterations and ran >= 0.95 * limit_s


def _best(data: ProblemData, solutions: Sequence[Solution]) -> Solution | None:
    """The complete feasible solution of lowest cost in the engine's objective (the first of
    equals), if any."""
    exact = CostEvaluator([0.0] * data.num_load_dimensions, 0.0, 0.0)
    fit = [s for s in solutions if s.is_feasible() and s.is_complete()]
    return min(fit, key=exact.cost) if fit else None


def _free_cpus() -> int:
    """CPUs this process may use that no other process is running on now (Linux; elsewhere
    all of them): the fewest over three looks 10 ms apart, so that only steady work counts.

    Two searches in parallel on a machine whose other CPU is taken (another plan, a test
    suite) get half a CPU each within the same time cap and collect less than one search on
    a whole one (bench/README.md, fourth session); they then run one after the other.
    """
    try:
        cpus = len(os.sched_getaffinity(0))
        running = []
        for look in range(3):
            if look:
                time.sleep(0.01)
            with open("/proc/loadavg", encoding="ascii") as fh:
                running.append(int(fh.read().split()[3].split("/")[0]))
    except (OSError, ValueError, IndexError, AttributeError):
        return os.cpu_count() or 1
    return max(1, cpus - (min(running) - 1))  # this thread is one of those running


_POOL: ProcessPoolExecutor | None = None
_POOL_WORKERS = 0
_POOL_LOCK = threading.Lock()


def _pool(workers: int) -> ProcessPoolExecutor | None:
    """The process pool of this process, started on first use with ``workers`` processes
    (again, larger, if more are asked for); None where processes cannot be started."""
    global _POOL, _POOL_WORKERS
    with _POOL_LOCK:
        if _POOL is not None and workers <= _POOL_WORKERS:
            return _POOL
        old, _POOL = _POOL, None
        if old is not None:
            old.shutdown(wait=True)
        try:
            # a forkserver, not fork: the web app and the worker run threads (a fork copies
            # their locks), and its workers start from a clean process with the engine loaded
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload([__name__])
            _POOL = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=context,
                initializer=_watch_parent,
                initargs=(os.getpid(),),
            )
        except (OSError, ValueError, AssertionError):  # e.g. inside a daemonic process
            return None
        _POOL_WORKERS = workers
        return _POOL


def start_pool(workers: int) -> bool:
    """Start the pool's ``workers`` processes now rather than on the first plan that needs
    them (about 0.5 s; a long-running server does it as it starts). Whether a pool runs."""
    if workers < 2:
        return False
    pool = _pool(workers)
    if pool is None:
        return False
    try:
        for started in [pool.submit(os.getpid) for _ in range(workers)]:
            started.result()
    except (BrokenProcessPool, CancelledError, RuntimeError, OSError):
        shutdown_pool(only=pool)  # broken, or stopped at exit meanwhile
        return False
    return True


def _watch_parent(pid: int) -> None:
    """In a pool's process: end when the process that started the pool is gone (killed
    without its exit handlers, the pool's processes would otherwise wait for work forever)."""

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(pid, 0)
            except (ProcessLookupError, PermissionError):  # gone (or its pid reused)
                os._exit(0)

    threading.Thread(target=watch, name="fieldcrm-pool-watch", daemon=True).start()


def shutdown_pool(only: ProcessPoolExecutor | None = None) -> None:
    """Stop the pool's processes, if any (at exit; the next parallel solve starts a new one);
    with ``only``, only if that pool is still the current one (a broken pool is not mistaken
    for the fresh one another solve has just started)."""
    global _POOL, _POOL_WORKERS
    with _POOL_LOCK:
        if only is not None and _POOL is not only:
            return
        pool, _POOL, _POOL_WORKERS = _POOL, None, 0
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


def _forget_pool() -> None:
    """In a process forked from one with a pool: that pool's threads and processes belong to
    the parent; this process starts its own when it needs one."""
    global _POOL, _POOL_WORKERS, _POOL_LOCK
    _POOL, _POOL_WORKERS, _POOL_LOCK = None, 0, threading.Lock()


atexit.register(shutdown_pool)
os.register_at_fork(after_in_child=_forget_pool)


def _initial(data: ProblemData, refs: list[Ref], start: Solved) -> Solution | None:
    """The client order of a previous answer in this data (clients it lacks are skipped)."""
    index = {ref: i for i, ref in enumerate(refs)}
    index.update({Ref(r.kind, r.index, -1): i for i, r in enumerate(refs)})
    per_day = data.num_vehicles > 1
    order: list[int] = []
    routes = []
    for k, day in enumerate(start.days):
        found = (index.get(r, index.get(Ref(r.kind, r.index, -1))) for r in day)
        order += [i for i in found if i is not None]
        if per_day:
            if order:
                routes.append(Route(data, order, k if data.num_vehicle_types > 1 else 0))
            order = []
        elif k < len(start.nights):
            night = Ref("night", start.nights[k], k)
            if night in index:
                order.append(index[night])
    try:
        return Solution(data, routes if per_day else ([order] if order else []))
    except (RuntimeError, ValueError, IndexError):
        return None
