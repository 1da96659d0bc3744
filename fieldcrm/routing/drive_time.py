"""How long a car takes on an edge: running speed below the limit in towns, delays at junctions.

The legal limit is not the speed a car holds in town: it brakes, gives way, waits at lights.
Routing engines model this with a share of the limit, slower class speeds on minor streets and
a penalty per traffic light and per turn (OSRM's car profile, ``profiles/car.lua``); osmnx's
``add_edge_speeds`` / ``add_edge_travel_times`` stay free-flow (``length / speed``, no node
cost), which is what fieldcrm did before and why a day in Monaco came out at about 50 km/h.

Model, per directed edge of the simplified graph::

    seconds = metres / running_kmh * 3.6
              + TRAFFIC_SIGNAL_DELAY_S * (traffic lights met on the edge, its end node included)
              + JUNCTION_DELAY_S       * (1 if the edge ends at a junction in a built-up area)

Both delays are charged on the edge that *arrives* at the node, so a path that passes a node pays
its delay exactly once, and a path that starts there pays nothing. Motorways and trunk roads
(grade-separated, no frontage) keep their speed and pay no junction delay; outside built-up
areas roads keep their limit and pay only the traffic lights (a main road's side turnings are
many and rarely slow it down, and the graph cannot tell turning from going straight on).

Everything here is plain data in and out; :mod:`fieldcrm.routing.network` applies it while
building the graph, and :func:`model_params` goes into the network cache key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

URBAN_SPEED_SHARE = 0.8
"""Share of a *tagged* ``maxspeed`` a car holds in a built-up area.

OSRM's car profile multiplies every ``maxspeed`` tag by ``speed_reduction = 0.8``
(``profiles/car.lua``, applied in ``WayHandlers.maxspeed``); fieldcrm applies it in built-up
areas only, so rural roads and motorways keep their legal limit (see :data:`FREE_FLOW_CLASSES`).
It also applies to the urban limit (50 km/h) that caps untagged main roads in towns: 40 km/h."""

URBAN_CLASS_KMH: Mapping[str, float] = {
    "primary": 65.0,
    "primary_link": 30.0,
    "secondary": 55.0,
    "secondary_link": 25.0,
    "tertiary": 40.0,
    "tertiary_link": 20.0,
    "unclassified": 25.0,
    "residential": 25.0,
    "living_street": 10.0,
    "service": 15.0,
    "road": 25.0,
}
"""Running speed (km/h) of an *untagged* road in a built-up area, by class.

OSRM car profile's ``speeds.highway`` table (the values it uses when a way has no ``maxspeed``):
primary 65, secondary 55, tertiary 40, unclassified and residential 25, service 15, living
street 10, links 30/25/20. ``road`` (unknown class) is not in OSRM's table: it is given the
residential 25. The result is never above ``URBAN_SPEED_SHARE`` × the urban limit, so main roads
run at 40 km/h in town."""

FREE_FLOW_CLASSES = frozenset({"motorway", "motorway_link", "trunk", "trunk_link"})
"""Classes that keep their legal speed everywhere and pay no junction delay (grade-separated)."""

TRAFFIC_SIGNAL_DELAY_S = 10.0
"""Mean delay (s) of a car passing one traffic light (OSM ``highway=traffic_signals`` node).

Webster's uniform delay for light traffic, ``r² / 2C`` (the share of cars arriving on red wait on
average half the red), with a 60 s cycle and 30 s of red gives 7.5 s; about 2 s more for braking
and starting again gives 10 s, the upper bound of level of service A for signalised
intersections in the Highway Capacity Manual (≤ 10 s of control delay per vehicle). OSRM's car
profile charges 2 s (``traffic_light_penalty``), i.e. braking only, no waiting on red."""

JUNCTION_DELAY_S = 3.0
"""Mean delay (s) of passing an unsignalled junction (a node where three or more roads meet) in a
built-up area.

OSRM's car profile charges a turn at such a node ``7.5 / (1 + exp(-(13/1.075 · θ/180 −
6.5 · 1.075)))`` seconds (``turn_penalty = 7.5``, ``turn_bias = 1.075``, θ the turn angle):
≈ 0 s straight on, 2.1 s for a right turn, 5.4 s for a left turn, 7.5 s at most. fieldcrm's
graph is node-based (no turn angles), so every arrival at a junction pays the mean of the three
usual moves (straight, right, left): (0 + 2.1 + 5.4) / 3 ≈ 2.5 s, rounded to 3 s to also cover
giving way."""

SIGNAL_DIRECTIONS = frozenset({"forward", "backward", "both"})
"""Values of ``traffic_signals:direction`` read; anything else counts as both directions."""


def running_kmh(highway: object, limit_kmh: float, *, tagged: bool, urban: bool) -> float:
    """The speed a car holds on an edge: its limit outside towns, less in built-up areas.

    Parameters
    ----------
    highway
        The ``highway`` tag (a string, or a list after simplification: the slowest known class
        wins, as for the limit).
    limit_kmh
        The legal limit of the edge (its ``maxspeed`` or the default of its class), km/h.
    tagged
        Whether ``limit_kmh`` comes from a readable ``maxspeed`` tag.
    urban
        Whether the edge lies in a built-up area.

    Returns
    -------
    float
        km/h, positive: ``limit_kmh`` outside built-up areas and on :data:`FREE_FLOW_CLASSES`;
        in built-up areas ``URBAN_SPEED_SHARE × limit`` for a tagged edge, else the slower of
        that and the class's :data:`URBAN_CLASS_KMH`.
    """
    classes = highway if isinstance(highway, list | tuple) else [highway]
    if not urban or any(c in FREE_FLOW_CLASSES for c in classes):
        return limit_kmh
    shared = limit_kmh * URBAN_SPEED_SHARE
    if tagged:
        return shared
    known = [URBAN_CLASS_KMH[c] for c in classes if isinstance(c, str) and c in URBAN_CLASS_KMH]
    return min([shared, *known])


def pays_junction(highway: object) -> bool:
    """Whether an edge of this class pays :data:`JUNCTION_DELAY_S` when it ends at a junction."""
    classes = highway if isinstance(highway, list | tuple) else [highway]
    return not any(c in FREE_FLOW_CLASSES for c in classes)


def signal_direction(tags: Mapping[str, str]) -> str | None:
    """Which way a node's traffic light stops cars: ``forward``, ``backward``, ``both`` or None.

    ``forward`` / ``backward`` follow the OSM way's direction (``traffic_signals:direction``,
    else ``direction``); a node that is not ``highway=traffic_signals`` gives None.
    """
    if tags.get("highway") != "traffic_signals":
        return None
    value = (tags.get("traffic_signals:direction") or tags.get("direction") or "both").lower()
    return value if value in SIGNAL_DIRECTIONS else "both"


def signals_met(direction: str | None, *, reversed_edge: bool) -> int:
    """Traffic lights met when driving an unsimplified edge *into* a node with this light.

    Parameters
    ----------
    direction
        :func:`signal_direction` of the edge's end node.
    reversed_edge
        Whether the edge runs against its OSM way's node order. Not osmnx's ``reversed`` alone:
        osmnx builds a ``oneway=-1`` way backwards with ``reversed=False`` (see
        :func:`fieldcrm.routing.network.against_way`).

    Returns
    -------
    int
        1 when the light stops cars coming this way, else 0.
    """
    if direction is None:
        return 0
    if direction == "forward":
        return int(not reversed_edge)
    if direction == "backward":
        return int(reversed_edge)
    return 1


def edge_seconds(metres: float, kmh: float, *, signals: int, junction: bool) -> float:
    """Seconds to drive an edge: running time plus the delays of the node(s) it arrives at."""
    return (
        metres / (kmh / 3.6)
        + signals * TRAFFIC_SIGNAL_DELAY_S
        + (JUNCTION_DELAY_S if junction else 0.0)
    )


def model_params() -> dict[str, Any]:
    """Every figure of the model, for the network cache key."""
    return {
        "urban_share": URBAN_SPEED_SHARE,
        "urban_class_kmh": dict(sorted(URBAN_CLASS_KMH.items())),
        "free_flow": sorted(FREE_FLOW_CLASSES),
        "signal_s": TRAFFIC_SIGNAL_DELAY_S,
        "junction_s": JUNCTION_DELAY_S,
    }
