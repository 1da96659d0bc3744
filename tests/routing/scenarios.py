"""Tiny named planning problems and an exhaustive solver to check the planner against.

Places sit on a plane in metres; driving is at 15 m/s (54 km/h). The exhaustive solver
enumerates every night choice, every assignment of candidates to days and every order of
each day's stops, schedules each day with the same timetable rules (lunch on a leg, windows,
driving cap), and returns the best net value in euros.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from fieldcrm.routing import engine
from fieldcrm.routing.engine import Ref
from fieldcrm.routing.problem import Appointment, Candidate, Costs, Hotel, Lunch, Problem, WorkDay
from fieldcrm.routing.realise import driving, leg_of, slot_of
from fieldcrm.routing.schedule import timetable

SPEED = 15.0
H = 3600


def matrices(points: Sequence[tuple[float, float]]) -> tuple[list[list[int]], list[list[int]]]:
    """Durations (s) and distances (m) between points given in metres."""
    metres = [[round(math.dist(a, b)) for b in points] for a in points]
    return [[round(m / SPEED) for m in row] for row in metres], metres


def day(
    depart_h: float = 8, return_h: float = 18, *, lunch: bool = False, cap_h: float | None = None
) -> WorkDay:
    """A working day; with ``lunch``, one hour inside 12:00–14:00."""
    return WorkDay(
        round(depart_h * H),
        round(return_h * H),
        Lunch(12 * H, 14 * H, H) if lunch else None,
        round(cap_h * H) if cap_h else None,
    )


def problem(
    points: Sequence[tuple[float, float]],
    *,
    days: Sequence[WorkDay],
    candidates: Sequence[Candidate] = (),
    appointments: Sequence[Appointment] = (),
    hotels: Sequence[Hotel] = (),
    eur_per_km: float = 0.5,
    meal_eur: float = 0.0,
) -> Problem:
    """A problem over ``points`` (place 0 is home)."""
    durations, distances = matrices(points)
    return Problem(
        home=0,
        days=tuple(days),
        durations_s=durations,
        distances_m=distances,
        appointments=tuple(appointments),
        candidates=tuple(candidates),
        hotels=tuple(hotels),
        costs=Costs(eur_per_km=eur_per_km, meal_eur=meal_eur),
    )


def open_all_day(n_days: int, a_h: float = 8, b_h: float = 18, service_h: float = 1) -> tuple:
    """Start windows of an account open ``a_h``–``b_h`` every day, for a visit of ``service_h``."""
    return tuple(((round(a_h * H), round((b_h - service_h) * H)),) for _ in range(n_days))


def best_net(p: Problem) -> float:
    """The exact best net value of ``p`` by enumeration (tiny problems only)."""
    n_days = len(p.days)
    night_options = [
        [-1, *range(len(p.hotels))] if engine.consecutive(p, k) else [-1] for k in range(n_days - 1)
    ]
    best = -math.inf
    for nights in itertools.product(*night_options):
        hotel_cost = sum(p.hotels[h].price_eur + p.costs.meal_eur for h in nights if h >= 0)
        for assign in itertools.product(range(-1, n_days), repeat=len(p.candidates)):
            if any(c.required and assign[i] < 0 for i, c in enumerate(p.candidates)):
                continue
            net = -hotel_cost
            for k in range(n_days):
                cost = _best_day_cost(p, k, nights, [i for i, d in enumerate(assign) if d == k])
                if cost is None:
                    net = -math.inf
                    break
                net += cost
            best = max(best, net)
    return best


def _best_day_cost(p: Problem, k: int, nights: Sequence[int], chosen: list[int]) -> float | None:
    """Value minus driving cost of the best order of day ``k`` (``None``: none fits)."""
    start = p.home if k == 0 else (p.home if nights[k - 1] < 0 else p.hotels[nights[k - 1]].place)
    end = (
        p.home if k == len(p.days) - 1 else (p.home if nights[k] < 0 else p.hotels[nights[k]].place)
    )
    refs = [Ref("appointment", j, k) for j, a in enumerate(p.appointments) if a.day == k]
    refs += [Ref("candidate", i, k) for i in chosen]
    if any(not p.candidates[i].windows[k] for i in chosen):
        return None
    value = sum(p.candidates[i].value_eur for i in chosen)
    best: float | None = None
    for order in itertools.permutations(refs):
        stops = [slot_of(p, r) for r in order]
        places = [start, *(s.place for s in stops), end]
        seconds, metres = driving(p, places)
        cap = p.days[k].max_driving_s
        if cap is not None and seconds > cap:
            continue
        if timetable(leg_of(p, k), start=start, end=end, stops=stops, travel=p.durations_s):
            cost = (
                metres / 1000 * p.costs.eur_per_km + seconds / 3600 * p.costs.eur_per_driving_hour
            )
            if best is None or value - cost > best:
                best = value - cost
    return best
