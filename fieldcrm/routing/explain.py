"""Why a candidate is left out, and what a proposed visit costs: each answer checked by solving.

- A left-out candidate is "closed" when it has no window on any day; "no_room" when it cannot
  be inserted anywhere among the fixed appointments of any day (lunch and driving cap
  included, with the nights of the plan); "no_plan_found" when a solve that must include it
  finds no plan; "displaces" when such a solve finds a plan worth ``loss_eur`` less — or the
  chosen plan with it inserted, a visit or two dropped to make room, when that is worth more
  (a short forced solve is no proof of a loss: its answer is never taken worse than that
  insertion). Only the :data:`TRIED` most valuable are solved again (while time is left
  before the plan's deadline); the others are "not_tried". A forced plan *better* than the
  chosen one replaces it, and the reasons are checked again against it.
- A visit's detour is the driving it adds against the best route without it: the cheaper of
  removing it in place and solving its day again without it, measured from a route of its
  day that is itself the best order found of the day's stops (:func:`reordered`: a day the
  plan drives longer than needed is put in that order first — else the detour would count
  the route's own excess as the visit's). The route without it must have room for it: on a
  full day, the others may be driven shorter without it only because its time frees the
  day, a saving of the time it takes, not of where it is. It never exceeds the visit's own
  legs (the drive to it and on from it).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from functools import partial

from fieldcrm.errors import Infeasible
from fieldcrm.routing.engine import Budget, Ref, in_parallel
from fieldcrm.routing.overtime import day_of
from fieldcrm.routing.plan_model import Omission
from fieldcrm.routing.problem import Problem
from fieldcrm.routing.realise import (
    Realised,
    driving,
    leg_of,
    places_of,
    realise,
    slot_of,
    solve_realised,
)
from fieldcrm.routing.schedule import over_driving_cap, timetable

TRIED = 8
"""Left-out candidates (most valuable first) checked by solving again with them forced in."""
ROUNDS = 3
"""Times a better plan found by a forced solve may replace the chosen one."""
CHECK_PATIENCE = 250
MIN_CHECK_S = 0.3
"""Below this much time left before the plan's deadline, no more reasons are checked."""
"""Iterations without improvement for the solves that check a reason or a detour."""


def _checking(budget: Budget) -> Budget:
    """The budget of a solve that checks a reason or a detour: small, fixed patience."""
    return replace(budget, patience=min(budget.patience, CHECK_PATIENCE), per_client=0, restarts=1)


def fits_among_appointments(problem: Problem, chosen: Realised, i: int) -> bool:
    """Whether candidate ``i`` can be inserted among the fixed appointments of some day."""
    c = problem.candidates[i]
    for k, windows in enumerate(c.windows):
        if not windows:
            continue
        start, end = places_of(problem, chosen.solved.nights, k)
        fixed = sorted(
            (Ref("appointment", j, k) for j, a in enumerate(problem.appointments) if a.day == k),
            key=lambda r: problem.appointments[r.index].start_s,
        )
        cap = day_of(problem, k, start, end).max_driving_s
        # lunch counts unless the appointments alone leave no room for it (then it is skipped)
        skeleton = [slot_of(problem, r) for r in fixed]
        lunch = (
            timetable(
                leg_of(problem, k, ends=(start, end)),
                start=start,
                end=end,
                stops=skeleton,
                travel=problem.durations_s,
            )
            is not None
        )
        for pos in range(len(fixed) + 1):
            seq = [*fixed[:pos], Ref("candidate", i, k), *fixed[pos:]]
            stops = [slot_of(problem, r) for r in seq]
            if (
                cap is not None
                and driving(problem, [start, *(s.place for s in stops), end])[0] > cap
            ):
                continue
            table = timetable(
                leg_of(problem, k, lunch=lunch, ends=(start, end)),
                start=start,
                end=end,
                stops=stops,
                travel=problem.durations_s,
            )
            if table is not None:
                return True
    return False


def _time_left(budget: Budget) -> float:
    return float("inf") if budget.deadline is None else budget.deadline - time.monotonic()


def omissions(
    problem: Problem, chosen: Realised, *, budget: Budget
) -> tuple[Realised, list[Omission]]:
    """The reasons of every left-out candidate, and the chosen plan (improved if a check found
    a better one; the reasons are then checked again against it)."""
    check = _checking(budget)
    out: list[Omission] = []
    for attempt in range(ROUNDS + 1):
        forced_plans: dict[int, Realised] = {}
        out = []
        best = chosen
        tried: list[int] = []
        left = [i for i in range(len(problem.candidates)) if i not in chosen.visited()]
        left.sort(key=lambda i: (-problem.candidates[i].value_eur, i))
        time_left = _time_left(budget) >= MIN_CHECK_S
        for i in left:
            c = problem.candidates[i]
            reason = None
            if not any(c.windows):
                reason = "closed"
            elif not fits_among_appointments(problem, chosen, i):
                reason = "no_room"
            elif len(tried) >= TRIED or not time_left:
                reason = "not_tried"
            else:
                tried.append(i)
            if reason is not None:
                out.append(Omission(c.key, c.name, c.value_eur, reason))
        # the forced solves are independent: side by side on the planner's processes
        force = partial(_forced, problem, chosen, budget=replace(check, workers=1))
        for i, forced in zip(tried, in_parallel(force, tried, workers=budget.workers), strict=True):
            c = problem.candidates[i]
            if forced is None:
                out.append(Omission(c.key, c.name, c.value_eur, "no_plan_found"))
                continue
            forced_plans[i] = forced
            if attempt < ROUNDS and forced.objective_eur > best.objective_eur + 1e-6:
                best = forced
        if best is chosen:
            break
        chosen = best
    out += [
        Omission(
            problem.candidates[i].key,
            problem.candidates[i].name,
            problem.candidates[i].value_eur,
            "displaces",
            loss_eur=round(max(0.0, chosen.net_eur - forced.net_eur), 2),
            displaced=_traded(problem, chosen, forced),
            joined=len(forced.visited() - chosen.visited() - {i}),
        )
        for i, forced in forced_plans.items()
    ]
    order = {c.key: k for k, c in enumerate(problem.candidates)}
    out.sort(key=lambda o: (-o.value_eur, order[o.key]))
    return chosen, out


def _traded(problem: Problem, chosen: Realised, forced: Realised) -> tuple[str, ...]:
    """The names of the chosen plan's visits ``forced`` goes without, most valuable first."""
    gone = sorted(
        chosen.visited() - forced.visited(), key=lambda j: (-problem.candidates[j].value_eur, j)
    )
    return tuple(problem.candidates[j].name or problem.candidates[j].key for j in gone)


def _forced(problem: Problem, chosen: Realised, i: int, *, budget: Budget) -> Realised | None:
    """The best plan found that visits candidate ``i``: the solve that must include it, or
    ``i`` inserted into the chosen plan (:func:`inserted`) when that is worth more — a short
    forced solve may return a plan far worse than the chosen one with a visit or two traded
    for ``i``, and the loss said must be what ``i`` really costs. ``None``: neither holds
    (keeping the lunch the chosen plan has, :func:`_keeps_lunch`)."""
    try:
        solved = solve_realised(problem, budget=budget, required=[i], start=chosen.solved)
    except Infeasible:
        solved = None
    if solved is not None and (i not in solved.visited() or not _keeps_lunch(solved, chosen)):
        solved = None
    by_hand = inserted(problem, chosen, i, budget=budget)
    if by_hand is not None and not _keeps_lunch(by_hand, chosen):
        by_hand = None
    if by_hand is not None and (solved is None or by_hand.objective_eur > solved.objective_eur):
        return by_hand
    return solved


def _keeps_lunch(plan: Realised, chosen: Realised) -> bool:
    """Whether ``plan`` has lunch on every day ``chosen`` has it. A visit forced in may leave
    its day no room for lunch, and the day then skips it (the rule for fixed appointments,
    :func:`~fieldcrm.routing.realise.realise`): such a plan is worth more only for the lunch
    it drops, so it is neither adopted nor a measure of what the visit costs."""
    return all(
        "lunch_skipped" not in new[2] or "lunch_skipped" in old[2]
        for new, old in zip(plan.days, chosen.days, strict=True)
    )


def inserted(
    problem: Problem, chosen: Realised, i: int, *, budget: Budget | None = None
) -> Realised | None:
    """The chosen plan with candidate ``i`` inserted where it is worth most: at every
    position of every day it is open on (the nights kept), the day's least valuable other
    visits dropped until it fits (:func:`~fieldcrm.routing.realise.realise`'s own repair,
    the required candidates and ``i`` kept); ``None`` when no day holds it. With ``budget``,
    the positions left when its deadline passes are not tried."""
    keep = [j for j, c in enumerate(problem.candidates) if c.required] + [i]
    best: Realised | None = None
    for k, refs in enumerate(chosen.solved.days):
        if not problem.candidates[i].windows[k]:
            continue
        for pos in range(len(refs) + 1):
            if budget is not None and _time_left(budget) <= 0:
                return best
            days = list(chosen.solved.days)
            days[k] = (*refs[:pos], Ref("candidate", i, k), *refs[pos:])
            try:
                made = realise(problem, replace(chosen.solved, days=tuple(days)), keep=keep)
            except Infeasible:
                continue
            if i in made.visited() and (best is None or made.objective_eur > best.objective_eur):
                best = made
    return best


def _as_set(refs: Sequence[Ref]) -> list[Ref]:
    """A day's stops in a fixed order (appointments, then visits, by index): a day solved
    again depends on its stops, never on the order the plan has them in."""
    return sorted(refs, key=lambda r: (r.kind, r.index))


def day_problem(
    problem: Problem, chosen: Realised, k: int, *, without: int | None = None
) -> Problem:
    """Day ``k`` of the chosen plan alone, its visits required (candidate ``without``, if
    given, left out): the same start and end places, the same frame (as those places need
    it, :func:`~fieldcrm.routing.overtime.day_of`), no night to choose."""
    start, end = places_of(problem, chosen.solved.nights, k)
    refs = _as_set(chosen.days[k][0])
    keep = [r.index for r in refs if r.kind == "candidate" and r.index != without]
    return replace(
        problem,
        home=start,
        finish=end,
        start=None,
        days=(day_of(problem, k, start, end),),
        working_hours=(),
        appointments=tuple(
            replace(problem.appointments[r.index], day=0) for r in refs if r.kind == "appointment"
        ),
        candidates=tuple(
            replace(
                problem.candidates[i], required=True, windows=(problem.candidates[i].windows[k],)
            )
            for i in keep
        ),
        hotels=(),
    )


def _day_again(
    problem: Problem, chosen: Realised, k: int, *, without: int | None = None, budget: Budget
) -> tuple[Ref, ...] | None:
    """Day ``k``'s stops (but ``without``) in the order a solve of the day alone finds
    (:func:`day_problem`), as refs of ``problem``; ``None`` when it finds none that keeps them
    all (or drops the lunch the day has, :func:`_keeps_lunch`)."""
    refs = _as_set(chosen.days[k][0])
    appointments = [r.index for r in refs if r.kind == "appointment"]
    visits = [r.index for r in refs if r.kind == "candidate" and r.index != without]
    try:
        alone = solve_realised(day_problem(problem, chosen, k, without=without), budget=budget)
    except Infeasible:
        return None
    (got, _, flags) = alone.days[0]
    if len(got) != len(appointments) + len(visits) or (
        "lunch_skipped" in flags and "lunch_skipped" not in chosen.days[k][2]
    ):
        return None
    return tuple(
        Ref(r.kind, (appointments if r.kind == "appointment" else visits)[r.index], k) for r in got
    )


def _route(problem: Problem, chosen: Realised, k: int, refs: Sequence[Ref]) -> tuple[int, int]:
    """Seconds and metres of driving day ``k`` through ``refs``."""
    start, end = places_of(problem, chosen.solved.nights, k)
    return driving(problem, [start, *(slot_of(problem, r).place for r in refs), end])


def _holds(problem: Problem, chosen: Realised, k: int, refs: Sequence[Ref]) -> bool:
    """Whether day ``k`` can be driven through ``refs`` in its frame, with the lunch it has
    and within its driving cap."""
    start, end = places_of(problem, chosen.solved.nights, k)
    stops = [slot_of(problem, r) for r in refs]
    if over_driving_cap(
        [start, *(s.place for s in stops), end],
        problem.durations_s,
        day_of(problem, k, start, end).max_driving_s,
    ):
        return False
    lunch = "lunch_skipped" not in chosen.days[k][2]
    leg = leg_of(problem, k, lunch=lunch, ends=(start, end))
    return timetable(leg, start=start, end=end, stops=stops, travel=problem.durations_s) is not None


def _room_for(problem: Problem, chosen: Realised, k: int, refs: Sequence[Ref], r: Ref) -> bool:
    """Whether visit ``r`` can join day ``k`` driven through ``refs`` (at some position)."""
    return any(
        _holds(problem, chosen, k, [*refs[:pos], r, *refs[pos:]]) for pos in range(len(refs) + 1)
    )


def reordered(problem: Problem, chosen: Realised, *, budget: Budget) -> Realised:
    """The chosen plan with each day's stops in the cheapest order found for them: a day
    driven longer than a solve of the day alone drives the same stops (in the same frame,
    lunch kept) takes that order. The stops, the nights and the value stay; the plan is
    returned as it is when no day can be driven for less."""
    check = _checking(budget)
    costs = problem.costs
    days = list(chosen.solved.days)
    for k, (refs, _, _) in enumerate(chosen.days):
        if all(r.kind == "appointment" for r in refs) or _time_left(budget) < MIN_CHECK_S:
            continue  # fixed appointments alone have one order: their times'
        again = _day_again(problem, chosen, k, budget=check)
        if (
            again is not None
            and costs.travel_eur(*_route(problem, chosen, k, again))
            < costs.travel_eur(*_route(problem, chosen, k, refs)) - 1e-9
        ):
            days[k] = again
    if days == list(chosen.solved.days):
        return chosen
    keep = [j for j, c in enumerate(problem.candidates) if c.required] + sorted(chosen.visited())
    try:
        made = realise(problem, replace(chosen.solved, days=tuple(days)), keep=keep)
    except Infeasible:  # pragma: no cover - each day was timed by the solve that found it
        return chosen
    if made.visited() != chosen.visited() or not _keeps_lunch(made, chosen):
        return chosen  # pragma: no cover - the same stops, timed as the solves timed them
    return made if made.objective_eur > chosen.objective_eur + 1e-9 else chosen


def detours(
    problem: Problem, chosen: Realised, *, budget: Budget
) -> dict[int, tuple[int, int, float]]:
    """Per visited candidate: detour seconds, detour metres, and the euros of travel it adds.

    The route without the visit is the cheaper of removing it in place and solving its day
    again (the day's other stops required, its start and end kept) — a route the visit could
    join: one with no room left for it is shorter only because its time is freed on a full
    day, a saving of the time it takes, not of where it is. The route with it is the chosen
    one, which :func:`reordered` has made the cheapest order found of the day's stops (else
    the difference would count the route's own excess as the visit's). Neither figure
    exceeds the visit's own legs in the route (the drive to it and on from it).
    """
    check = _checking(budget)
    out: dict[int, tuple[int, int, float]] = {}
    costs = problem.costs
    for k, (refs, _, _) in enumerate(chosen.days):
        start, end = places_of(problem, chosen.solved.nights, k)
        places = [start, *(slot_of(problem, r).place for r in refs), end]
        with_s, with_m = driving(problem, places)
        for j, r in enumerate(refs):
            if r.kind != "candidate":
                continue
            best = driving(problem, places[: j + 1] + places[j + 2 :])  # removed in place
            again = _day_again(problem, chosen, k, without=r.index, budget=check)
            if again is not None and _room_for(problem, chosen, k, again, r):
                solved = _route(problem, chosen, k, again)
                if costs.travel_eur(*solved) < costs.travel_eur(*best):
                    best = solved
            legs = driving(problem, places[j : j + 3])
            d_s = min(max(0, with_s - best[0]), legs[0])
            d_m = min(max(0, with_m - best[1]), legs[1])
            out[r.index] = (d_s, d_m, costs.travel_eur(d_s, d_m))
    return out
