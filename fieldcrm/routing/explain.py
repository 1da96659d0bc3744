"""Why a candidate is left out, and what a proposed visit costs: each answer checked by solving.

- A left-out candidate is "closed" when it has no window on any day; "no_room" when it cannot
  be inserted anywhere among the fixed appointments of any day (lunch and driving cap
  included, with the nights of the plan); "no_plan_found" when a solve that must include it
  finds no plan; "displaces" when such a solve finds a plan worth ``loss_eur`` less. Only the
  :data:`TRIED` most valuable are solved again (while time is left before the plan's
  deadline); the others are "not_tried". A forced solve that finds a *better* plan replaces
  the chosen one, and the reasons are checked again against it.
- A visit's detour is the driving it adds against the best route without it: the cheaper of
  removing it in place and solving again without it.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import replace

from fieldcrm.errors import Infeasible
from fieldcrm.routing.engine import Budget, Ref
from fieldcrm.routing.plan_model import Omission
from fieldcrm.routing.problem import Problem
from fieldcrm.routing.realise import (
    Realised,
    driving,
    leg_of,
    places_of,
    slot_of,
    solve_realised,
)
from fieldcrm.routing.schedule import timetable

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
        cap = problem.days[k].max_driving_s
        # lunch counts unless the appointments alone leave no room for it (then it is skipped)
        skeleton = [slot_of(problem, r) for r in fixed]
        lunch = (
            timetable(
                leg_of(problem, k), start=start, end=end, stops=skeleton, travel=problem.durations_s
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
                leg_of(problem, k, lunch=lunch),
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
        forced_net: dict[int, float] = {}
        out = []
        best = chosen
        tried = 0
        left = [i for i in range(len(problem.candidates)) if i not in chosen.visited()]
        left.sort(key=lambda i: (-problem.candidates[i].value_eur, i))
        for i in left:
            c = problem.candidates[i]
            reason = None
            if not any(c.windows):
                reason = "closed"
            elif not fits_among_appointments(problem, chosen, i):
                reason = "no_room"
            elif tried >= TRIED or _time_left(budget) < MIN_CHECK_S:
                reason = "not_tried"
            else:
                tried += 1
                try:
                    forced = solve_realised(
                        problem, budget=check, required=[i], start=chosen.solved
                    )
                except Infeasible:
                    forced = None
                if forced is None or i not in forced.visited():
                    reason = "no_plan_found"
                else:
                    forced_net[i] = forced.net_eur
                    if attempt < ROUNDS and forced.objective_eur > best.objective_eur + 1e-6:
                        best = forced
            if reason is not None:
                out.append(Omission(c.key, c.name, c.value_eur, reason))
        if best is chosen:
            break
        chosen = best
    out += [
        Omission(
            problem.candidates[i].key,
            problem.candidates[i].name,
            problem.candidates[i].value_eur,
            "displaces",
            loss_eur=round(max(0.0, chosen.net_eur - net), 2),
        )
        for i, net in forced_net.items()
    ]
    order = {c.key: k for k, c in enumerate(problem.candidates)}
    out.sort(key=lambda o: (-o.value_eur, order[o.key]))
    return chosen, out


def day_problem(problem: Problem, chosen: Realised, k: int, *, without: int) -> Problem:
    """Day ``k`` of the chosen plan alone, its other visits required, candidate ``without``
    left out: the same start and end places, the same frame, no night to choose."""
    start, end = places_of(problem, chosen.solved.nights, k)
    refs = chosen.days[k][0]
    keep = [r.index for r in refs if r.kind == "candidate" and r.index != without]
    return replace(
        problem,
        home=start,
        finish=end,
        days=(problem.days[k],),
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


def detours(
    problem: Problem, chosen: Realised, *, budget: Budget
) -> dict[int, tuple[int, int, float]]:
    """Per visited candidate: detour seconds, detour metres, and the euros of travel it adds.

    The route without the visit is the cheaper of removing it in place and solving its day
    again (the day's other stops required, its start and end kept).
    """
    check = _checking(budget)
    out: dict[int, tuple[int, int, float]] = {}
    costs = problem.costs
    for k, (refs, _, _) in enumerate(chosen.days):
        start, end = places_of(problem, chosen.solved.nights, k)
        with_s, with_m = driving(problem, [start, *(slot_of(problem, r).place for r in refs), end])
        for r in refs:
            if r.kind != "candidate":
                continue
            rest = [x for x in refs if x != r]
            best = driving(problem, [start, *(slot_of(problem, x).place for x in rest), end])
            with contextlib.suppress(Infeasible):
                alone = solve_realised(
                    day_problem(problem, chosen, k, without=r.index), budget=check
                )
                again = alone.figures.driving_s, round(alone.figures.km * 1000)
                if costs.travel_eur(*again) < costs.travel_eur(*best):
                    best = again
            d_s, d_m = max(0, with_s - best[0]), max(0, with_m - best[1])
            out[r.index] = (d_s, d_m, costs.travel_eur(d_s, d_m))
    return out
