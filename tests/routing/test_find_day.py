""" "Trouver un jour" against brute force: every day, every gap, every start minute, simulated
with a minute-by-minute agenda (an independent oracle), on small random problems."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from fieldcrm.routing.find_day import Planned, rank_days
from fieldcrm.routing.problem import Appointment, Costs, Lunch, Problem, WorkDay

H = 3600
M = 60


@dataclass(frozen=True)
class Case:
    problem: Problem
    place: int
    service_s: int
    windows: list[list[tuple[int, int]]]
    planned: list[Planned]


@st.composite
def cases(draw: st.DrawFn) -> Case:
    n = draw(st.integers(3, 5))
    coords = [(draw(st.integers(0, 40)), draw(st.integers(0, 40))) for _ in range(n)]
    minutes = [[(abs(a[0] - b[0]) + abs(a[1] - b[1])) * M for b in coords] for a in coords]
    metres = [[m * 700 for m in row] for row in minutes]
    days, appointments, planned, windows = [], [], [], []
    for d in range(draw(st.integers(1, 3))):
        lunch = (
            Lunch(12 * H, 14 * H, draw(st.sampled_from([30, 45, 60])) * M)
            if draw(st.booleans())
            else None
        )
        cap = draw(st.sampled_from([None, 2 * H, 4 * H]))
        days.append(WorkDay(8 * H, 18 * H, lunch=lunch, max_driving_s=cap))
        t = 9 * H
        for k in range(draw(st.integers(0, 2))):
            t += draw(st.integers(0, 3)) * H
            if t > 16 * H:
                break
            appointments.append(
                Appointment(f"r{d}{k}", draw(st.integers(1, n - 1)), d, t, 45 * M, f"RDV {d}{k}")
            )
            t += 2 * H
        if draw(st.booleans()):
            start = draw(st.integers(9, 16)) * H
            planned.append(Planned(f"p{d}", f"Prévu {d}", d, start, start + 30 * M, 40.0))
        if draw(st.integers(0, 4)) == 0:
            windows.append([])
        else:
            lo = draw(st.integers(8, 12)) * H
            windows.append([(lo, lo + draw(st.integers(2, 8)) * H)])
    problem = Problem(
        home=0,
        days=tuple(days),
        durations_s=minutes,
        distances_m=metres,
        appointments=tuple(appointments),
        costs=Costs(eur_per_km=0.5, eur_per_driving_hour=12.0),
    )
    return Case(
        problem, draw(st.integers(1, n - 1)), draw(st.sampled_from([20, 45])) * M, windows, planned
    )


def brute_force(case: Case) -> dict[int, dict[tuple[int, int], float]]:
    """{day: {(gap, start): euros added}} over every feasible gap and start minute."""
    p, x = case.problem, case.place
    out: dict[int, dict[tuple[int, int], float]] = {}
    for d, work in enumerate(p.days):
        fixed = sorted((a for a in p.appointments if a.day == d), key=lambda a: a.start_s)
        stops = (
            [(p.home, work.depart_s, work.depart_s)]
            + [(a.place, a.start_s, a.start_s + a.duration_s) for a in fixed]
            + [(p.home, work.return_s, work.return_s)]
        )
        base_drive = sum(p.durations_s[a[0]][b[0]] for a, b in itertools.pairwise(stops))
        lunch = work.lunch
        if lunch is not None:  # skipped when the appointments alone leave it no room
            alone = [False] * (24 * 60)
            for k in range(len(stops) - 1):
                (qa, qs, qe), (qb, rs, _) = stops[k], stops[k + 1]
                for lo, hi in ((qs, qe), (rs - p.durations_s[qa][qb], rs)):
                    for minute in range(lo // M, -(-hi // M)):
                        alone[minute] = True
            run = best = 0
            for minute in range(lunch.earliest_s // M, lunch.latest_end_s // M):
                run = 0 if alone[minute] else run + 1
                best = max(best, run)
            if best * M < lunch.duration_s:
                lunch = None
        feasible: dict[tuple[int, int], float] = {}
        for gap in range(len(stops) - 1):
            (pa, _, a_end), (pb, b_start, _) = stops[gap], stops[gap + 1]
            to_x, from_x = p.durations_s[pa][x], p.durations_s[x][pb]
            extra_s = to_x + from_x - p.durations_s[pa][pb]
            if work.max_driving_s is not None and base_drive + extra_s > work.max_driving_s:
                continue
            for s in range(work.depart_s, work.return_s + 1, M):
                if a_end + to_x > s or s + case.service_s + from_x > b_start:
                    continue
                if not any(lo <= s <= hi for lo, hi in case.windows[d]):
                    continue
                busy = [False] * (24 * 60)

                def block(lo: int, hi: int, busy: list[bool] = busy) -> None:
                    for minute in range(lo // M, -(-hi // M)):
                        busy[minute] = True

                for k in range(len(stops) - 1):
                    (qa, qs, qe), (qb, rs, _) = stops[k], stops[k + 1]
                    if qe > qs:
                        block(qs, qe)
                    if k != gap:
                        block(rs - p.durations_s[qa][qb], rs)
                block(s - to_x, s + case.service_s + from_x)
                if lunch is not None:
                    run = best = 0
                    for minute in range(lunch.earliest_s // M, lunch.latest_end_s // M):
                        run = 0 if busy[minute] else run + 1
                        best = max(best, run)
                    if best * M < lunch.duration_s:
                        continue
                metres = p.distances_m[pa][x] + p.distances_m[x][pb] - p.distances_m[pa][pb]
                lo, hi = s - to_x, s + case.service_s + from_x
                displaced = sum(
                    q.value_eur
                    for q in case.planned
                    if q.day == d and q.start_s < hi and lo < q.end_s
                )
                feasible[(gap, s)] = p.costs.travel_eur(extra_s, metres) + displaced
        out[d] = feasible
    return out


@settings(max_examples=150, deadline=None)
@given(case=cases())
def test_days_are_ranked_as_brute_force_ranks_them_and_every_slot_minute_is_bookable(
    case: Case,
) -> None:
    oracle = brute_force(case)
    options = rank_days(
        case.problem,
        place=case.place,
        service_s=case.service_s,
        windows=case.windows,
        planned=case.planned,
    )
    best = {d: min(f.values()) for d, f in oracle.items() if f}
    expected = sorted(best, key=lambda d: (round(best[d], 6), d)) + sorted(
        d for d in oracle if not oracle[d]
    )
    assert [o.day for o in options] == expected
    for option in options:
        feasible = oracle[option.day]
        if option.slot is None:
            assert not feasible and option.reason
            continue
        assert abs(option.added_eur - best[option.day]) < 1e-6
        first, last = option.slot
        costs_in_slot = {cost for (gap, s), cost in feasible.items() if first <= s <= last}
        for s in range(first, last + 1, M):  # every minute of the slot is bookable, at that cost
            assert any(
                gs == s and abs(cost - option.added_eur) < 1e-6
                for (gap, gs), cost in feasible.items()
            )
        assert costs_in_slot


def test_a_day_whose_appointments_leave_no_room_for_lunch_still_takes_a_visit() -> None:
    """QA 22: « Trouver un jour » said « aucun créneau » on a day « Ma journée » offered
    17:26–17:56: the day's appointments (12:00–13:00, then 13:30) left no hour for lunch, so
    the planned day skips it, and so must this search."""
    minutes = [[0, 10 * M, 10 * M], [10 * M, 0, 10 * M], [10 * M, 10 * M, 0]]
    problem = Problem(
        home=0,
        days=(WorkDay(8 * H, 18 * H, lunch=Lunch(12 * H, 14 * H, H)),),
        durations_s=minutes,
        distances_m=[[m * 700 for m in row] for row in minutes],
        appointments=(
            Appointment("a", 1, 0, 12 * H, H, "Cannes"),
            Appointment("b", 1, 0, 13 * H + 30 * M, 45 * M, "Carnot"),
        ),
    )
    (option,) = rank_days(problem, place=2, service_s=30 * M, windows=[[(16 * H, 17 * H)]])
    assert option.slot == (16 * H, 17 * H) and option.after == "Carnot"
