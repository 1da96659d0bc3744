"""The planner's one entry point: :func:`plan` turns a :class:`~fieldcrm.routing.problem.Problem`
into a :class:`~fieldcrm.routing.plan_model.Plan`, for one day or a trip of several days.

One objective in euros for both: value of the visits − km × the rep's rate − driving hours ×
the hourly cost − hotels and meals. All days are optimised together, each night at home or at
the best hotel (:mod:`fieldcrm.routing.engine`). Then every day gets its timetable with lunch
(:mod:`fieldcrm.routing.schedule`); a day the solver's answer does not fit (lunch placed where
the rep is, driving cap) loses its least valuable visit until it does. The best all-home plan
is solved beside a trip and kept when it is worth more (hotels compared with the preferred
hotels' bonus, :meth:`~fieldcrm.routing.problem.Costs.night_eur`). A single day with few
candidates is then searched exhaustively (:mod:`fieldcrm.routing.exact`): the plan is proven
optimal (``Plan.flags``: ``"proven_optimal"``), or replaced by the better one the search
finds. Each day is driven in the cheapest order found for its stops (solved again alone).
Each visit gets its bookable slot, its
detour against the best route without it (solved again) and its contribution in euros; each
left-out candidate gets a reason checked by solving again with it forced in
(:mod:`fieldcrm.routing.explain`).

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
>>> result = plan(p)
>>> [s.key for s in result.visits], round(result.figures.net_eur, 2)
(['a'], 105.0)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from fieldcrm.errors import Infeasible
from fieldcrm.routing import engine, exact, overtime
from fieldcrm.routing import explain as explain_plan
from fieldcrm.routing.engine import Budget, Solved
from fieldcrm.routing.plan_model import Day, Night, Omission, Plan, Stop
from fieldcrm.routing.problem import Problem, WorkDay
from fieldcrm.routing.realise import (
    OutOfReach,
    Reach,
    Realised,
    check_appointments,
    driving,
    leg_of,
    places_of,
    realise,
    slot_of,
    solve_realised,
)
from fieldcrm.routing.schedule import bookable_slots, home_after_last, idle_s, whole_minutes

__all__ = ["Budget", "plan"]


def plan(
    problem: Problem,
    *,
    budget: Budget | None = None,
    explain: bool = True,
    searched: Callable[[], None] | None = None,
) -> Plan:
    """Plan ``problem``: the best days and nights in euros, with slots, detours and reasons.

    ``explain=False`` skips the checking solves (each day's order checked, left-out reasons,
    re-optimised detours): its visits carry no detour and nothing left out is listed.
    ``searched``, if given, is called once the plan is chosen, before the checking solves
    (a progress bar's step).

    A day whose appointments alone need a little more than its working hours (within
    ``problem.overtime_s``) is planned in its frame stretched to them
    (:func:`fieldcrm.routing.overtime.stretched`), the open visits inside the working
    hours; such a day, when its timetable goes beyond them, is flagged ``"overtime"``.

    Raises :class:`InvalidInput` for an appointment outside working hours (beyond that
    tolerance) and :class:`Infeasible` naming what cannot happen.
    """
    budget = budget or Budget()
    budget = replace(budget, deadline=time.monotonic() + budget.time_limit_s)
    problem = overtime.stretched(problem)
    check_appointments(problem)
    home: Realised | None = None
    home_error: str | None = None
    away_error: str | None = None
    home_reach: Reach | None = None
    away_reach: Reach | None = None
    if not engine.chained(problem, range(len(problem.hotels))):
        chosen = first = home = solve_realised(problem, budget=budget)  # every night at home
    else:
        try:
            home = solve_realised(problem, budget=budget, hotels=[])
        except Infeasible as exc:
            home_error, home_reach = str(exc), _reach(exc)
        try:
            first = solve_realised(problem, budget=budget, start=home.solved if home else None)
        except Infeasible as exc:
            if home is None:
                raise
            first, away_error, away_reach = home, str(exc), _reach(exc)
        chosen = (
            home if home is not None and home.objective_eur > first.objective_eur + 1e-6 else first
        )
    chosen, proven = _proven(problem, chosen)
    if searched is not None:
        searched()
    omissions: list[Omission] = []
    if explain:
        # each day in the cheapest order found for its stops, before the reasons are checked
        # against the plan and again after (a better plan they find may replace it): the
        # detours are measured from that order (explain.detours)
        chosen = explain_plan.reordered(problem, chosen, budget=budget)
        chosen, omissions = explain_plan.omissions(problem, chosen, budget=budget)
        chosen = explain_plan.reordered(problem, chosen, budget=budget)
    stays = any(n >= 0 for n in chosen.solved.nights)
    if home is not None and not stays and chosen.objective_eur > home.objective_eur:
        home = chosen
    away = chosen if stays else (first if any(n >= 0 for n in first.solved.nights) else None)
    days = _days(problem, chosen, budget=budget, explain=explain)
    nights = tuple(_night(problem, k, h) for k, h in enumerate(chosen.solved.nights))
    return Plan(
        days=days,
        nights=nights,
        omissions=tuple(omissions),
        figures=chosen.figures,
        all_home=home.figures if home is not None else None,
        away=away.figures if away is not None else None,
        all_home_error=home_error,
        no_night=None if away is not None else _no_night(problem, away_error),
        away_error=away_error,
        all_home_reach=home_reach,
        away_reach=away_reach,
        iterations=chosen.solved.iterations,
        flags=("proven_optimal",) if proven else (),
    )


def _reach(exc: Infeasible) -> Reach | None:
    """The appointment out of reach a refusal names (its data), if that is why."""
    return exc.found[0] if isinstance(exc, OutOfReach) else None


def _proven(problem: Problem, chosen: Realised) -> tuple[Realised, bool]:
    """On a small day, the exact search's answer: the chosen plan proven optimal, or the
    better plan it found (optimal too); elsewhere the chosen plan, not proven."""
    if not exact.applies(problem):
        return chosen, False
    skipped = "lunch_skipped" in chosen.days[0][2]
    better = exact.improve(problem, incumbent_eur=chosen.net_eur, lunch_skipped=skipped)
    if better is None:
        return chosen, True
    keep = [i for i, c in enumerate(problem.candidates) if c.required]
    solved = Solved(
        days=(better.refs,), nights=(), iterations=chosen.solved.iterations, feasible=True
    )
    found = realise(problem, solved, keep=keep)
    if found.solved.days != solved.days or abs(found.net_eur - better.net_eur) > 1e-6:
        return chosen, False  # pragma: no cover - the timetables of both modules agree
    return found, True


def _no_night(problem: Problem, away_error: str | None) -> str:
    """Why the plan has no alternative with a night away (:attr:`Plan.no_night`)."""
    if len(problem.days) < 2:
        return "one_day"
    if not any(engine.consecutive(problem, k) for k in range(len(problem.days) - 1)):
        return "not_consecutive"
    if not problem.hotels:
        return "no_hotel"
    return "no_plan" if away_error is not None else "home_is_better"


def _night(problem: Problem, k: int, hotel: int) -> Night:
    if hotel >= 0:
        h = problem.hotels[hotel]
        return Night(k, h.key, h.place, h.price_eur, problem.costs.meal_eur, "stay_earns")
    possible = engine.consecutive(problem, k) and bool(problem.hotels)
    return Night(k, None, problem.home, 0.0, 0.0, "home_is_better" if possible else "only_home")


def _beyond(day: WorkDay, depart_s: int, return_s: int, driving_s: int) -> bool:
    """Whether a day timed from ``depart_s`` to ``return_s``, driving ``driving_s``, goes
    beyond the working ``day`` (its departure, its return, its cap on driving)."""
    cap = day.max_driving_s
    return (
        depart_s < day.depart_s or return_s > day.return_s or (cap is not None and driving_s > cap)
    )


def _days(problem: Problem, chosen: Realised, *, budget: Budget, explain: bool) -> tuple[Day, ...]:
    """The plan's days, each timed beyond its working hours flagged ``"overtime"``."""
    working = problem.working_hours or problem.days
    detours = (
        explain_plan.detours(problem, chosen, budget=budget)
        if explain
        else {i: (0, 0, 0.0) for i in chosen.visited()}
    )
    out = []
    for k, (refs, table, flags) in enumerate(chosen.days):
        start, end = places_of(problem, chosen.solved.nights, k)
        slots_in = [slot_of(problem, r, reserve=False) for r in refs]
        slots = bookable_slots(
            leg_of(problem, k, ends=(start, end)),
            table,
            start=start,
            end=end,
            stops=slots_in,
            travel=problem.durations_s,
        )
        stops = []
        for j, r in enumerate(refs):
            item = slots_in[j]
            if r.kind == "appointment":
                a = problem.appointments[r.index]
                stop = Stop(
                    "appointment",
                    a.key,
                    a.name,
                    a.place,
                    table.arrivals[j],
                    a.start_s,
                    a.start_s + a.duration_s,
                    (a.start_s, a.start_s),
                )
            else:
                c = problem.candidates[r.index]
                d_s, d_m, cost = detours[r.index]
                stop = Stop(
                    "visit",
                    c.key,
                    c.name,
                    c.place,
                    table.arrivals[j],
                    table.starts[j],
                    table.starts[j] + item.service_s,
                    whole_minutes(slots[j]),  # booked to the minute: rounded inward
                    value_eur=c.value_eur,
                    detour_s=d_s,
                    detour_m=d_m,
                    contribution_eur=c.value_eur - cost,
                )
            stops.append(stop)
        places = [start, *(s.place for s in slots_in), end]
        d_s, d_m = driving(problem, places)
        # home when the last visit ends: no reserve after it (as booked_day times it)
        last_open = bool(refs) and refs[-1].kind == "candidate"
        table = home_after_last(table, problem.slot_reserve_s if last_open else 0)
        waiting = idle_s(leg_of(problem, k, ends=(start, end)), table, slots_in, d_s)
        visits = sum(1 for r in refs if r.kind == "candidate") - int(last_open)
        reserve = min(waiting, visits * problem.slot_reserve_s)
        if _beyond(working[k], table.depart_s, table.return_s, d_s):
            flags = (*flags, "overtime")
        out.append(
            Day(
                k,
                start,
                end,
                table.depart_s,
                table.return_s,
                tuple(stops),
                table.lunch_start_s,
                d_s,
                d_m,
                waiting,
                flags,
                reserve,
            )
        )
    return tuple(out)
