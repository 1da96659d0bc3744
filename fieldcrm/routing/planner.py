"""Pure OR-Tools day planner used by :mod:`fieldcrm.services.planning`.

The service calls it through :func:`solve_day` only. Plain values in and out; no database,
no settings.

Model (one vehicle, one day, times in seconds since local midnight): a time dimension with the
working day as horizon, service times, fixed appointments as mandatory nodes whose start is
pinned to their exact time, candidates as optional nodes (a disjunction whose penalty is
``score × score_seconds``: an orienteering problem with time windows), opening hours as the
allowed start times (a visit must end by closing time), a flexible lunch break, a driving-time
cap, arc cost = driving seconds. Guided local search within the time limit.

Each proposed visit gets the slot that can be booked: the range of its start (after
propagation on the final route) that keeps the rest of the plan feasible, restricted to the
opening interval holding the planned start; and the detour it costs against going straight
from the previous to the next stop.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from fieldcrm.errors import Infeasible, InvalidInput
from fieldcrm.geo import GeoPoint
from fieldcrm.routing.travel import TravelMatrix

UNREACHABLE_S = 10 * 24 * 3600
"""Stand-in travel time for unreachable pairs (keeps the solver's arithmetic finite)."""
FIRST_SOLUTION = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
REASONS = ("closed", "window_conflict", "detour_too_long", "day_full")
"""Why a candidate was left out, in order of precedence."""


@dataclass(frozen=True)
class Visit:
    """A place to visit: a fixed appointment (one allowed start) or a candidate account."""

    key: str
    kind: str  # "appointment" or "candidate"
    name: str
    point: GeoPoint
    service_s: int
    windows: tuple[tuple[int, int], ...]
    """Allowed start intervals, seconds since midnight; empty: closed that day."""
    score: float = 0.0
    account_id: int | None = None
    appointment_id: int | None = None


@dataclass(frozen=True)
class DayInput:
    """One working day of a rep."""

    start: GeoPoint
    end: GeoPoint | None
    """``None``: the day ends at its last stop (an overnight stay near it)."""
    day_start_s: int
    day_end_s: int
    fixed: tuple[Visit, ...]
    candidates: tuple[Visit, ...]
    lunch: tuple[int, int, int] | None = None
    """(earliest start, latest end, duration) of the lunch break, seconds."""
    max_driving_s: int | None = None
    max_detour_s: int = 45 * 60


@dataclass
class PlannedStop:
    """A stop of the solved day."""

    visit: Visit
    arrival_s: int
    start_s: int
    departure_s: int
    slot: tuple[int, int]
    """Earliest and latest start that keep the plan feasible."""
    detour_s: float = 0.0
    detour_m: float = 0.0


@dataclass
class DayResult:
    """A solved day: stops in order, left-out candidates with reasons, totals."""

    stops: list[PlannedStop]
    omitted: list[tuple[Visit, str]]
    departure_s: int
    return_s: int
    end_point: GeoPoint
    driving_s: float
    driving_m: float
    waiting_s: float
    score: float
    lunch_start_s: int | None = None
    flags: list[str] = field(default_factory=list)


def _check_fixed(day: DayInput, seconds: list[list[float]], index: dict[str, int]) -> None:
    """Clear errors for appointments outside the day or that cannot follow one another."""
    fixed = sorted(day.fixed, key=lambda v: v.windows[0][0])
    for v in fixed:
        begin = v.windows[0][0]
        if begin < day.day_start_s or begin + v.service_s > day.day_end_s:
            raise InvalidInput(
                f"appointments[{v.appointment_id}]",
                f"appointment '{v.name}' is outside working hours",
                value=f"{_hm(begin)}–{_hm(begin + v.service_s)}",
                allowed=f"{_hm(day.day_start_s)}–{_hm(day.day_end_s)}",
            )
    previous_end, previous_node, previous_name = day.day_start_s, 0, "home"
    for v in fixed:
        node = index[v.key]
        arrive = previous_end + seconds[previous_node][node]
        if arrive > v.windows[0][0] + 1:
            raise Infeasible(
                f"appointment '{v.name}' at {_hm(v.windows[0][0])} cannot be reached from "
                f"{previous_name} (earliest arrival {_hm(int(arrive))})"
            )
        previous_end, previous_node, previous_name = v.windows[0][0] + v.service_s, node, v.name
    if day.end is not None and previous_end + seconds[previous_node][1] > day.day_end_s + 1:
        raise Infeasible(f"after '{previous_name}' the rep cannot be back by {_hm(day.day_end_s)}")
    chain = [0, *(index[v.key] for v in fixed), 1]
    driving = sum(seconds[a][b] for a, b in itertools.pairwise(chain))
    if day.max_driving_s is not None and driving > day.max_driving_s:
        raise Infeasible(
            f"the fixed appointments need {driving / 3600:.1f} h of driving, more than the "
            f"rep's maximum of {day.max_driving_s / 3600:.1f} h"
        )


def _hm(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def solve_day(
    day: DayInput, matrix: TravelMatrix, *, time_limit_s: float, score_seconds: float = 120.0
) -> DayResult:
    """Solve one day; ``matrix`` is over ``[start, end-or-start, *fixed, *candidates]``.

    Raises :class:`InvalidInput` for an appointment outside working hours and
    :class:`Infeasible` naming the appointments that cannot both be reached.
    """
    visits: list[Visit] = [*day.fixed, *day.candidates]
    n = 2 + len(visits)
    sec = [[float(x) if math.isfinite(x) else UNREACHABLE_S for x in row] for row in matrix.seconds]
    met = [[float(x) if math.isfinite(x) else 0.0 for x in row] for row in matrix.metres]
    if day.end is None:  # open end: the day stops at its last stop
        for i in range(n):
            sec[i][1] = met[i][1] = 0.0
    index = {v.key: 2 + k for k, v in enumerate(visits)}
    _check_fixed(day, sec, index)
    service = [0, 0, *(v.service_s for v in visits)]
    for lunch in (day.lunch, None) if day.lunch else (None,):
        result = _solve(day, visits, sec, met, service, lunch, time_limit_s, score_seconds)
        if result is not None:
            if day.lunch and lunch is None:
                result.flags.append("lunch_skipped")
            return result
    raise Infeasible("no plan satisfies the fixed appointments and the working day")


def _solve(
    day: DayInput,
    visits: list[Visit],
    sec: list[list[float]],
    met: list[list[float]],
    service: list[int],
    lunch: tuple[int, int, int] | None,
    time_limit_s: float,
    score_seconds: float,
) -> DayResult | None:
    n = len(sec)
    manager = pywrapcp.RoutingIndexManager(n, 1, [0], [1])
    routing = pywrapcp.RoutingModel(manager)

    def drive(i: int, j: int) -> int:
        return int(round(sec[manager.IndexToNode(i)][manager.IndexToNode(j)]))  # noqa: RUF046

    def transit(i: int, j: int) -> int:
        a, b = manager.IndexToNode(i), manager.IndexToNode(j)
        return int(round(sec[a][b])) + int(service[a])  # noqa: RUF046

    drive_cb = routing.RegisterTransitCallback(drive)
    time_cb = routing.RegisterTransitCallback(transit)
    routing.SetArcCostEvaluatorOfAllVehicles(drive_cb)
    horizon = day.day_end_s
    routing.AddDimension(time_cb, horizon, horizon, False, "time")
    time = routing.GetDimensionOrDie("time")
    if day.max_driving_s is not None:
        routing.AddDimension(drive_cb, 0, day.max_driving_s, True, "driving")
    start, end = routing.Start(0), routing.End(0)
    time.CumulVar(start).SetRange(day.day_start_s, day.day_end_s)
    time.CumulVar(end).SetRange(day.day_start_s, day.day_end_s)
    for k, v in enumerate(visits):
        idx = manager.NodeToIndex(2 + k)
        windows = [(a, b - v.service_s if v.kind == "candidate" else b) for a, b in v.windows]
        windows = [
            (max(a, day.day_start_s), min(b, day.day_end_s - v.service_s)) for a, b in windows
        ]
        windows = sorted((a, b) for a, b in windows if a <= b)
        if not windows:
            if v.kind == "appointment":  # pragma: no cover - caught by _check_fixed
                raise Infeasible(f"appointment '{v.name}' does not fit in the day")
            routing.AddDisjunction([idx], 0)
            time.CumulVar(idx).SetRange(day.day_start_s, day.day_start_s)
            routing.solver().Add(routing.ActiveVar(idx) == 0)
            continue
        cumul = time.CumulVar(idx)
        cumul.SetRange(windows[0][0], windows[-1][1])
        for (_, b), (a2, _) in itertools.pairwise(windows):
            if a2 > b + 1:
                cumul.RemoveInterval(b + 1, a2 - 1)
        if v.kind == "candidate":
            routing.AddDisjunction([idx], max(1, round(v.score * score_seconds)))
    interval = None
    if lunch is not None:
        earliest, latest_end, duration = lunch
        interval = routing.solver().FixedDurationIntervalVar(
            earliest, latest_end - duration, duration, False, "lunch"
        )
        transits = [service[manager.IndexToNode(i)] for i in range(routing.Size())]
        time.SetBreakIntervalsOfVehicle([interval], 0, transits)
    routing.AddVariableMaximizedByFinalizer(time.CumulVar(start))
    routing.AddVariableMinimizedByFinalizer(time.CumulVar(end))
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = FIRST_SOLUTION
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(max(100, int(time_limit_s * 1000)))
    # Start from the fixed appointments alone, in time order (feasible once _check_fixed
    # passed); insertion heuristics often fail on pinned appointments.
    order = sorted(
        range(len(visits)), key=lambda k: visits[k].windows[0][0] if visits[k].windows else 0
    )
    fixed_route = [manager.NodeToIndex(2 + k) for k in order if visits[k].kind == "appointment"]
    routing.CloseModelWithParameters(params)
    initial = routing.ReadAssignmentFromRoutes([fixed_route], True)
    solution = None
    if initial is not None:
        solution = routing.SolveFromAssignmentWithParameters(initial, params)
    if solution is None:
        solution = routing.SolveWithParameters(params)
    if solution is None:
        return None
    return _read(day, visits, sec, met, service, routing, manager, time, solution, lunch, interval)


def _read(
    day: DayInput,
    visits: list[Visit],
    sec: list[list[float]],
    met: list[list[float]],
    service: list[int],
    routing: pywrapcp.RoutingModel,
    manager: pywrapcp.RoutingIndexManager,
    time: pywrapcp.RoutingDimension,
    solution: pywrapcp.Assignment,
    lunch: tuple[int, int, int] | None,
    interval: pywrapcp.IntervalVar | None,
) -> DayResult:
    nodes: list[int] = []
    idx = routing.Start(0)
    while not routing.IsEnd(idx):
        nodes.append(manager.IndexToNode(idx))
        idx = solution.Value(routing.NextVar(idx))
    nodes.append(1)
    starts = {}
    idx = routing.Start(0)
    while True:
        node = manager.IndexToNode(idx)
        cumul = time.CumulVar(idx)
        starts[node] = (solution.Value(cumul), solution.Min(cumul), solution.Max(cumul))
        if routing.IsEnd(idx):
            break
        idx = solution.Value(routing.NextVar(idx))
    lunch_start = None
    if interval is not None:
        lunch_start = int(solution.StartValue(interval))
    slots = _slots(day, visits, nodes, sec, service, starts, lunch, lunch_start)
    stops: list[PlannedStop] = []
    driving_s = driving_m = waiting_s = score = 0.0
    for prev, node, nxt in zip(nodes, nodes[1:], nodes[2:], strict=False):
        v = visits[node - 2]
        value = starts[node][0]
        departure_prev = starts[prev][0] + service[prev]
        if lunch and lunch_start is not None and departure_prev <= lunch_start < value:
            departure_prev = max(departure_prev, lunch_start + lunch[2])
        arrival = departure_prev + round(sec[prev][node])
        waiting_s += max(0, value - arrival)
        if v.kind == "candidate":
            score += v.score
        stops.append(
            PlannedStop(
                visit=v,
                arrival_s=min(arrival, value),
                start_s=value,
                departure_s=value + v.service_s,
                slot=slots[node],
                detour_s=sec[prev][node] + sec[node][nxt] - sec[prev][nxt],
                detour_m=met[prev][node] + met[node][nxt] - met[prev][nxt],
            )
        )
    for a, b in itertools.pairwise(nodes):
        driving_s += sec[a][b]
        driving_m += met[a][b]
    visited = set(nodes)
    omitted = [
        (v, _reason(day, v, 2 + k, nodes, sec, service, starts))
        for k, v in enumerate(visits)
        if v.kind == "candidate" and 2 + k not in visited
    ]
    last = stops[-1].visit.point if stops else day.start
    return DayResult(
        stops=stops,
        omitted=omitted,
        departure_s=starts[0][0],
        return_s=starts[1][0]
        if day.end is not None
        else (stops[-1].departure_s if stops else starts[0][0]),
        end_point=day.end or last,
        driving_s=driving_s,
        driving_m=driving_m,
        waiting_s=waiting_s,
        score=score,
        lunch_start_s=lunch_start,
    )


def _slots(
    day: DayInput,
    visits: list[Visit],
    nodes: list[int],
    sec: list[list[float]],
    service: list[int],
    starts: dict[int, tuple[int, int, int]],
    lunch: tuple[int, int, int] | None,
    lunch_start: int | None,
) -> dict[int, tuple[int, int]]:
    """Earliest and latest start of every stop with the order (and lunch position) kept.

    Forward pass for the earliest, backward pass for the latest start; each stop's start is
    bounded by its opening interval holding the planned start (a single point for an
    appointment), so any start in the range leaves a feasible schedule for all others.
    """
    lo: dict[int, int] = {}
    hi: dict[int, int] = {}
    for node in nodes[1:-1]:
        v = visits[node - 2]
        value = starts[node][0]
        inside = [w for w in v.windows if w[0] <= value <= w[1] - v.service_s] or [
            (value, value + v.service_s)
        ]
        if v.kind == "appointment":
            lo[node], hi[node] = value, value
        else:
            lo[node], hi[node] = inside[0][0], inside[0][1] - v.service_s
    gap: dict[tuple[int, int], float] = {}
    for a, b in itertools.pairwise(nodes):
        extra = 0
        if lunch and lunch_start is not None:
            leave = starts[a][0] + service[a]
            if leave <= lunch_start < starts[b][0] or (a == nodes[0] and lunch_start < leave):
                extra = lunch[2]
        gap[(a, b)] = round(sec[a][b]) + extra
    earliest = {nodes[0]: day.day_start_s}
    for a, b in itertools.pairwise(nodes[:-1]):
        earliest[b] = max(lo[b], round(earliest[a] + service[a] + gap[(a, b)]))
    latest = {nodes[-1]: day.day_end_s}
    for a, b in reversed(list(itertools.pairwise(nodes[1:]))):
        latest[a] = min(hi[a], int(latest[b] - gap[(a, b)] - service[a]))
    return {n: (earliest[n], latest[n]) for n in nodes[1:-1]}


def _reason(
    day: DayInput,
    v: Visit,
    node: int,
    route: list[int],
    sec: list[list[float]],
    service: list[int],
    starts: dict[int, tuple[int, int, int]],
) -> str:
    """Why candidate ``v`` (node ``node``) is not in the route."""
    if not v.windows:
        return "closed"
    earliest = day.day_start_s + sec[0][node]
    back = sec[node][1]
    fits = any(max(a, earliest) + v.service_s <= min(b, day.day_end_s - back) for a, b in v.windows)
    if not fits:
        return "window_conflict"
    detour = min(sec[a][node] + sec[node][b] - sec[a][b] for a, b in itertools.pairwise(route))
    if detour > day.max_detour_s:
        return "detour_too_long"
    # Could it go between two stops at the time it is open? Otherwise the day is full.
    for a, b in itertools.pairwise(route):
        leave = starts[a][0] + service[a]
        arrive = leave + sec[a][node]
        for wa, wb in v.windows:
            begin = max(arrive, wa)
            if begin + v.service_s <= wb and begin + v.service_s + sec[node][b] <= starts[b][2]:
                return "day_full"  # it fitted alone, but not with the better-scored ones
    return "window_conflict" if len(route) <= 2 else "day_full"
