"""Team orienteering with time windows on OR-Tools: the optional-visit model of the planner.

Visits are optional (one disjunction per visit, its penalty proportional to its score) or
mandatory; each route has a start and end place and a working window; service must start
inside one of the visit's windows; waiting is allowed. The objective maximises the collected
score first (penalties dwarf travel) and, among equal scores, drives less. A search can start
from given routes (for example a fast heuristic's), so the result is never worse than them.

Plain data in, plain data out: integer times in any unit (the caller scales), no settings.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from ortools.util import optional_boolean_pb2

from fieldcrm.errors import InvalidInput, Problem

OPTIONAL_BOOL_TRUE = optional_boolean_pb2.BOOL_TRUE


def score_weight(problem: OrienteeringProblem) -> int:
    """Objective units per score unit: just above the longest possible route's travel.

    One point of score then outweighs any saving in travel, while the guided local search,
    whose penalties are scaled on the objective, can still trade visits for one another.
    """
    return problem.horizon[1] - problem.horizon[0] + 1


@dataclass(frozen=True)
class Visit:
    """A place to visit: service time, allowed start windows, score; ``mandatory`` ones must be served."""

    service: int
    windows: tuple[tuple[int, int], ...]
    score: float = 0.0
    mandatory: bool = False


@dataclass(frozen=True)
class OrienteeringProblem:
    """Nodes ``0..n-1``: ``depots`` are route starts/ends, the rest are visits (``visits[i]`` for node i).

    ``travel[i][j]`` is the integer travel time; ``routes`` the number of routes, each working
    within ``horizon`` = (start, end) from its start depot to its end depot.
    """

    travel: Sequence[Sequence[int]]
    visits: dict[int, Visit]
    routes: int
    horizon: tuple[int, int]
    start: int = 0
    end: int = 0
    max_travel: int | None = None

    def __post_init__(self) -> None:
        n = len(self.travel)
        problems = []
        if any(len(row) != n for row in self.travel):
            problems.append(Problem("travel", "must be a square matrix", n))
        if self.routes < 1:
            problems.append(Problem("routes", "at least one route", self.routes))
        if self.horizon[0] > self.horizon[1]:
            problems.append(Problem("horizon", "start after end", self.horizon))
        for node in self.visits:
            if not 0 <= node < n or node in (self.start, self.end):
                problems.append(Problem("visits", "node out of range or a depot", node))
        InvalidInput.collect(problems)


@dataclass
class OrienteeringSolution:
    """Routes as visit nodes in order, their service start times, the collected score."""

    routes: list[list[int]]
    starts: list[list[int]]
    score: float
    travel: int
    dropped: list[int] = field(default_factory=list)


def solve(
    problem: OrienteeringProblem,
    *,
    time_limit_s: float,
    initial_routes: Sequence[Sequence[int]] | None = None,
    guided: bool = True,
) -> OrienteeringSolution | None:
    """Best routes found within ``time_limit_s`` (``None`` when even the mandatory visits do not fit).

    ``initial_routes`` (visit nodes per route, feasible) seed the search: the result scores at
    least as much. Same input and limit on the same machine give the same plan (one thread).
    """
    n = len(problem.travel)
    manager = pywrapcp.RoutingIndexManager(
        n, problem.routes, [problem.start] * problem.routes, [problem.end] * problem.routes
    )
    routing = pywrapcp.RoutingModel(manager)

    def service(node: int) -> int:
        visit = problem.visits.get(node)
        return visit.service if visit else 0

    def time_cb(i: int, j: int) -> int:
        a, b = manager.IndexToNode(i), manager.IndexToNode(j)
        return int(problem.travel[a][b]) + service(a)

    def cost_cb(i: int, j: int) -> int:
        return int(problem.travel[manager.IndexToNode(i)][manager.IndexToNode(j)])

    time_index = routing.RegisterTransitCallback(time_cb)
    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitCallback(cost_cb))
    lo, hi = problem.horizon
    weight = score_weight(problem)
    routing.AddDimension(time_index, hi - lo, hi, False, "time")
    time = routing.GetDimensionOrDie("time")
    for vehicle in range(problem.routes):
        time.CumulVar(routing.Start(vehicle)).SetRange(lo, lo)
        time.CumulVar(routing.End(vehicle)).SetRange(lo, hi)
    if problem.max_travel is not None:
        travel_index = routing.RegisterTransitCallback(cost_cb)
        routing.AddDimension(travel_index, 0, problem.max_travel, True, "travel")
    for node, visit in problem.visits.items():
        index = manager.NodeToIndex(node)
        cumul = time.CumulVar(index)
        opens = [w for w in visit.windows if w[0] <= w[1]]
        if not opens:
            routing.AddDisjunction([index], round(visit.score * weight))
            cumul.SetRange(lo, lo)  # closed: can only be dropped
            continue
        cumul.SetRange(min(w[0] for w in opens), max(w[1] for w in opens))
        ordered = sorted(opens)
        for (_, close), (nxt, _) in itertools.pairwise(ordered):
            if close + 1 < nxt:
                cumul.RemoveInterval(close + 1, nxt - 1)
        if not visit.mandatory:
            routing.AddDisjunction([index], round(visit.score * weight))
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    )
    if guided:
        params.local_search_metaheuristic = (
            routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
        )
    params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    params.use_full_propagation = False
    # Orienteering needs the "swap a visited for an unvisited" moves that are off by default.
    ops = params.local_search_operators
    for name in (
        "use_extended_swap_active",
        "use_relocate_and_make_active",
        "use_exchange_and_make_active",
        "use_make_chain_inactive",
    ):
        setattr(ops, name, OPTIONAL_BOOL_TRUE)
    if initial_routes:
        routing.CloseModelWithParameters(params)
        seed = routing.ReadAssignmentFromRoutes([list(r) for r in initial_routes], True)
        assignment = (
            routing.SolveFromAssignmentWithParameters(seed, params)
            if seed
            else routing.SolveWithParameters(params)
        )
    else:
        assignment = routing.SolveWithParameters(params)
    if assignment is None:
        return None
    routes, starts, travel = [], [], 0
    for vehicle in range(problem.routes):
        index = routing.Start(vehicle)
        nodes, times = [], []
        while not routing.IsEnd(index):
            nxt = assignment.Value(routing.NextVar(index))
            travel += cost_cb(index, nxt)
            index = nxt
            if not routing.IsEnd(index):
                nodes.append(manager.IndexToNode(index))
                times.append(assignment.Min(time.CumulVar(index)))
        routes.append(nodes)
        starts.append(times)
    served = {node for route in routes for node in route}
    score = sum(problem.visits[node].score for node in served)
    dropped = sorted(set(problem.visits) - served)
    return OrienteeringSolution(routes, starts, score, travel, dropped)


def check_routes(problem: OrienteeringProblem, routes: Sequence[Sequence[int]]) -> list[str]:
    """Every violation of ``routes`` (windows, end of day, repeated visits); empty when feasible."""
    errors: list[str] = []
    seen: set[int] = set()
    lo, hi = problem.horizon
    for r, route in enumerate(routes):
        now, here = lo, problem.start
        for node in route:
            if node in seen:
                errors.append(f"route {r}: node {node} visited twice")
            seen.add(node)
            visit = problem.visits[node]
            arrive = now + problem.travel[here][node]
            start = next(
                (max(arrive, a) for a, b in sorted(visit.windows) if max(arrive, a) <= b), None
            )
            if start is None:
                errors.append(
                    f"route {r}: node {node} reached at {arrive}, after its windows {visit.windows}"
                )
                break
            now, here = start + visit.service, node
        back = now + problem.travel[here][problem.end]
        if back > hi:
            errors.append(f"route {r}: back at {back}, after {hi}")
    return errors
