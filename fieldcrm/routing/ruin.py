"""A search method for PyVRP's iterated local search that removes strings of visits.

PyVRP's own perturbation toggles random clients near a random client (a visited one out,
an unvisited one in) and repairs around them. On orienteering days with tight time windows
the search then settles in one arrangement of the routes: the visits that would fit need
room that only moving several neighbouring visits at once can make. Half of the iterations
here instead remove a string of consecutive visits from one or two routes near a random
client (the ruin of Christiaens and Vanden Berghe's *slack induction by string removals*)
and let the local search rebuild the whole solution, re-inserting whatever is worth it.
Measured on the OPTW/TOPTW benchmark through ``plan`` (bench/README.md, sixth session).
"""

from __future__ import annotations

import random

import numpy as np
from pyvrp import CostEvaluator, ProblemData, Route, Solution
from pyvrp.search import LocalSearch

RUIN_SHARE = 0.5
"""Share of the iterations that remove strings (the others perturb as PyVRP does)."""
LONGEST_STRING = 8
"""Most consecutive visits removed from one route."""
MOST_ROUTES = 2
"""Most routes a removal touches (one to this many, at random)."""
NEAR = 30
"""Clients, nearest first, whose routes a removal may touch around its seed client."""


def nearest_clients(data: ProblemData, count: int = NEAR) -> list[list[int]]:
    """For each client, the ``count`` other clients nearest to it there and back (client
    indices; all the others when there are fewer), over the shortest of the data's travel
    profiles.

    >>> import numpy as np
    >>> from pyvrp import Client, Depot, Location, ProblemData, VehicleType
    >>> d = np.array([[0, 1, 5, 9], [1, 0, 4, 8], [5, 4, 0, 3], [9, 8, 3, 0]])
    >>> data = ProblemData(locations=[Location(0, 0)] * 4,
    ...     clients=[Client(location=3), Client(location=1), Client(location=2)],
    ...     depots=[Depot(location=0)], vehicle_types=[VehicleType()],
    ...     distance_matrices=[d], duration_matrices=[d])
    >>> nearest_clients(data, 1)  # client 0 stands at place 3, nearest to place 2 (client 2)
    [[2], [2], [0]]
    """
    durations = np.minimum.reduce(
        [np.asarray(data.duration_matrix(p), dtype=np.float64) for p in range(data.num_profiles)]
    )
    places = np.array([c.location for c in data.clients()], dtype=np.int64)
    both = durations[np.ix_(places, places)] + durations[np.ix_(places, places)].T
    np.fill_diagonal(both, np.inf)  # last, and left out below
    keep = min(count, len(places) - 1)
    return [[int(j) for j in row[:keep]] for row in np.argsort(both, axis=1, kind="stable")]


class StringRemoval:
    """PyVRP search method: in :data:`RUIN_SHARE` of its calls, remove strings of visits
    near a random client and rebuild with an exhaustive local search; otherwise (and when
    asked for an exhaustive search, when the random client has no visited client near it,
    or on data with shipments or reloads, whose routes are more than a list of visits)
    ``search`` as it is.

    Deterministic for a given ``seed`` and input: the random choices come from its own
    generator.
    """

    def __init__(self, data: ProblemData, search: LocalSearch, *, seed: int) -> None:
        self._data = data
        self._search = search
        self._random = random.Random(seed)
        self._near = nearest_clients(data)
        self._plain = data.num_shipments > 0 or any(v.reload_depots for v in data.vehicle_types())

    def __call__(
        self, solution: Solution, cost_evaluator: CostEvaluator, exhaustive: bool = False
    ) -> Solution:
        if exhaustive or self._plain or self._random.random() >= RUIN_SHARE:
            return self._search(solution, cost_evaluator, exhaustive)
        ruined = self.ruined(solution)
        if ruined is None:
            return self._search(solution, cost_evaluator, False)
        return self._search(ruined, cost_evaluator, True)

    def ruined(self, solution: Solution) -> Solution | None:
        """``solution`` with a string of at most :data:`LONGEST_STRING` consecutive visits
        removed from each of one to :data:`MOST_ROUTES` routes: the routes of the visited
        clients among a random client's :data:`NEAR` nearest (that client's own route first
        if it is visited). ``None`` when none of them is visited (nothing to remove)."""
        if not self._data.num_clients:
            return None
        pick = self._random
        routes = [[a.idx for a in r if a.is_client()] for r in solution.routes()]
        vehicles = [r.vehicle_type() for r in solution.routes()]
        route_of = {c: k for k, visits in enumerate(routes) for c in visits}
        seed = pick.randrange(self._data.num_clients)
        most = pick.randint(1, MOST_ROUTES)
        touched: set[int] = set()
        for client in (seed, *self._near[seed]):
            k = route_of.get(client)
            if k is None or k in touched:
                continue
            touched.add(k)
            visits = routes[k]
            at = visits.index(client)
            length = pick.randint(1, min(LONGEST_STRING, len(visits)))
            first = pick.randint(max(0, at - length + 1), min(at, len(visits) - length))
            routes[k] = visits[:first] + visits[first + length :]
            if len(touched) == most:
                break
        if not touched:
            return None
        kept = [
            Route(self._data, visits, vehicle)
            for visits, vehicle in zip(routes, vehicles, strict=True)
            if visits
        ]
        return Solution(self._data, kept)
