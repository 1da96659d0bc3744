"""Detour corridor around a rep's itinerary: where a proposed visit can possibly fit.

The itinerary is the ordered list of fixed places of a day (home, the appointments in time
order, home again). Between two consecutive places ``a`` and ``b`` a visit at ``p`` costs a
crow-fly detour of ``d(a, p) + d(p, b) - d(a, b)``. The set of points whose detour is at most a
budget ``B`` is an ellipse with foci ``a`` and ``b`` and major axis ``d(a, b) + B``; the corridor
is the union of these ellipses over every leg (a single place, ``a == b``, gives a disc of
radius ``B / 2``).

Two forms are returned, used one after the other:

* :attr:`Corridor.polygon`: the ellipses drawn in Lambert-93 metres (EPSG:2154), grown by a
  small margin so that the projection's scale error never drops a point the exact test keeps,
  and brought back to EPSG:4326. The database filters accounts with it (GiST index), so that a
  hundred thousand accounts do not mean a hundred thousand travel-matrix rows.
* :meth:`Corridor.admits`: the exact ellipse test on great-circle distances,
  ``d(a, p) + d(p, b) <= d(a, b) + B`` for at least one leg. The polygon is a superset of it.

**Along the road.** Given the road route through the places (its geometry from the road graph
or routing engine), the legs are the stretches of that route, simplified to within
:data:`SIMPLIFY_M` (Douglas–Peucker in Lambert-93 metres): the corridor follows the road
(Nice → Lyon goes by Aix, Avignon, Orange and Valence), not the straight line between the
fixed places. Without a road route, the legs are the straight lines between the places.

**Value per detour.** The candidates sent to the solver are the best by value per detour,
where the detour is the out-and-back: twice the distance from the account to
the route (leave the road at its nearest point, come back), in metres of a local
equirectangular plane (:attr:`Corridor.scale`), plus :data:`DETOUR_FLOOR_M`. The database
computes it (``store.plans.candidates_in``, on :attr:`Corridor.route_wkt`); it is an upper
bound of the leg detour above.

The real road detour is computed afterwards from the travel matrix by the planner; the
crow-fly bound only keeps obviously far accounts out of that matrix. As road distance is
longer than crow-fly distance, pass a crow-fly budget equal to the road budget divided by a
detour factor only if you accept losing a few borderline candidates; the default service
passes the road budget unchanged (a generous superset).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiPolygon, Polygon
from shapely.ops import unary_union

from fieldcrm.errors import InvalidInput, Problem
from fieldcrm.geo import LAMBERT93, WGS84, GeoPoint, haversine_m

ELLIPSE_VERTICES = 72
"""Vertices used to draw one ellipse (every 5 degrees)."""
MARGIN_RATIO = 0.005
"""Relative growth of each ellipse, covering Lambert-93 scale error (below 0.3 % in France)."""
MARGIN_M = 25.0
"""Absolute growth of each ellipse, in metres."""
SIMPLIFY_M = 1_000.0
"""Largest gap, in metres, between a road route and the chain of legs that stands for it."""
DETOUR_FLOOR_M = 2_000.0
"""Added to every detour when candidates are ranked by value per detour: a visit on the route
itself still costs its stop, and is not infinitely good."""
METRES_PER_DEGREE = 111_195.0
"""Metres per degree of latitude on the mean sphere (and of longitude at the equator)."""


@dataclass(frozen=True)
class Leg:
    """One leg of the itinerary, from ``start`` to ``end`` (crow-fly length in metres)."""

    start: GeoPoint
    end: GeoPoint
    length_m: float

    def detour_m(self, point: GeoPoint) -> float:
        """Crow-fly detour, in metres, of visiting ``point`` on this leg."""
        return haversine_m(self.start, point) + haversine_m(point, self.end) - self.length_m


@dataclass(frozen=True)
class Corridor:
    """Zone where a visit costs at most :attr:`budget_m` metres of crow-fly detour."""

    legs: tuple[Leg, ...]
    budget_m: float
    polygon: Polygon | MultiPolygon
    """EPSG:4326 polygon, a superset of the exact zone (see module docstring)."""
    on_roads: bool = False
    """Whether the legs follow a road route (else straight lines between the places)."""

    @property
    def scale(self) -> tuple[float, float]:
        """Metres per degree of longitude and of latitude in the local plane of the ranking
        (equirectangular at the legs' mean latitude)."""
        lats = [leg.start.lat for leg in self.legs] + [self.legs[-1].end.lat]
        mid = (min(lats) + max(lats)) / 2
        return METRES_PER_DEGREE * math.cos(math.radians(mid)), METRES_PER_DEGREE

    @property
    def route_xy(self) -> list[tuple[float, float]]:
        """The chain of legs in the local plane's metres (:attr:`scale`)."""
        kx, ky = self.scale
        points = [self.legs[0].start] + [leg.end for leg in self.legs]
        return [(p.lon * kx, p.lat * ky) for p in points]

    def band(self, detour_m: float) -> Polygon | MultiPolygon:
        """EPSG:4326 polygon holding every point whose out-and-back detour (twice its
        distance to the route in the ranking plane, :attr:`scale`) is at most ``detour_m``:
        the route buffered by half of it in that plane, grown by :data:`MARGIN_M` (a
        superset; the database applies the exact bound).

        Round the route's ends and bends the buffer is drawn with chords, which cut inside
        the true circles: the radius is widened by the chords' largest gap, so that the edge
        is nowhere nearer the route than the bound plus the margin (checked; a route that
        crosses itself is noded first)."""
        kx, ky = self.scale
        chain = _chain(self.route_xy)
        # noded: GEOS buffers a line that crosses itself (a round trip that loops back home)
        # wrongly, leaving out part of what lies within the radius (bench/README.md)
        line = shapely.node(LineString(chain)) if len(chain) >= 2 else shapely.Point(chain[0])
        reach = detour_m / 2 + MARGIN_M
        # the chords of a buffer's round parts (8 a quarter circle) lie inside the circle by
        # at most 1 - cos(pi / 32) of the radius: widened so, its edge is nowhere nearer
        radius = reach / math.cos(math.pi / (4 * 8))
        band = line.buffer(radius, quad_segs=8)
        if float(shapely.distance(line, band.boundary)) < reach * (1 - 1e-9):
            # never seen once noded; the union of each leg's buffer is right by construction
            band = shapely.unary_union(
                [LineString(pair).buffer(radius, quad_segs=8) for pair in itertools.pairwise(chain)]
            )
        return shapely.transform(band, lambda v: v / np.array([kx, ky]))

    @property
    def route_wkt(self) -> str:
        """:attr:`route_xy` as well-known text (a line; a point for a single place)."""
        xy = _chain(self.route_xy)
        if len(xy) == 1:
            return f"POINT({xy[0][0]!r} {xy[0][1]!r})"
        return "LINESTRING(" + ", ".join(f"{x!r} {y!r}" for x, y in xy) + ")"

    @property
    def wkt(self) -> str:
        """Well-known text of :attr:`polygon` (EPSG:4326)."""
        return str(self.polygon.wkt)

    @property
    def line(self) -> LineString | None:
        """The itinerary as a straight-leg line (EPSG:4326); ``None`` for a single place."""
        coords: list[tuple[float, float]] = [self.legs[0].start.as_tuple()]
        for leg in self.legs:
            if leg.end.as_tuple() != coords[-1]:
                coords.append(leg.end.as_tuple())
        return LineString(coords) if len(coords) >= 2 else None

    def detour_m(self, point: GeoPoint) -> float:
        """Smallest crow-fly detour, in metres, of inserting ``point`` on any leg."""
        return min(leg.detour_m(point) for leg in self.legs)

    def admits(self, point: GeoPoint) -> bool:
        """Exact test: ``d(a, p) + d(p, b) <= d(a, b) + budget`` for at least one leg
        (stops at the first leg that admits it)."""
        bound = self.budget_m + 1e-6
        return any(leg.detour_m(point) <= bound for leg in self.legs)


def _chain(xy: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """``xy`` without consecutive repeats (a route may come back to where it started)."""
    return [p for k, p in enumerate(xy) if k == 0 or p != xy[k - 1]]


@lru_cache(maxsize=2)
def _transformer(source: int, target: int) -> Transformer:
    return Transformer.from_crs(source, target, always_xy=True)


def _project(transformer: Transformer, xy: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    x, y = transformer.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def _ellipse(a: tuple[float, float], b: tuple[float, float], budget_m: float) -> Polygon:
    """Ellipse with foci ``a`` and ``b`` (metric coordinates), major axis ``|ab| + budget``."""
    ax, ay = a
    bx, by = b
    focal = math.hypot(bx - ax, by - ay)
    semi_major = (focal + budget_m) / 2
    semi_minor = math.sqrt(max(semi_major**2 - (focal / 2) ** 2, 0.0))
    grow = MARGIN_M + MARGIN_RATIO * semi_major
    semi_major += grow
    semi_minor += grow
    cx, cy = (ax + bx) / 2, (ay + by) / 2
    angle = math.atan2(by - ay, bx - ax)
    cos_t, sin_t = math.cos(angle), math.sin(angle)
    # The polygon's vertices lie on the ellipse; scaling by 1/cos(pi/n) makes its edges
    # circumscribe it, so no point of the true ellipse falls outside the polygon.
    stretch = 1 / math.cos(math.pi / ELLIPSE_VERTICES)
    coords = []
    for k in range(ELLIPSE_VERTICES):
        t = 2 * math.pi * k / ELLIPSE_VERTICES
        ex = semi_major * stretch * math.cos(t)
        ey = semi_minor * stretch * math.sin(t)
        coords.append((cx + ex * cos_t - ey * sin_t, cy + ex * sin_t + ey * cos_t))
    return Polygon(coords)


def tiles(zone: Polygon | MultiPolygon, *, cell_deg: float) -> list[str]:
    """``zone`` cut by a grid of ``cell_deg``-degree cells, as well-known texts: their union is
    the zone, and each has a small bounding box, so a spatial index reads only the rows near
    the zone (a long corridor's own box holds far more)."""
    minx, miny, maxx, maxy = zone.bounds
    xs = np.arange(math.floor(minx / cell_deg) * cell_deg, maxx, cell_deg)
    ys = np.arange(math.floor(miny / cell_deg) * cell_deg, maxy, cell_deg)
    cells = shapely.box(*np.meshgrid(xs, ys), *np.meshgrid(xs + cell_deg, ys + cell_deg)).ravel()
    shapely.prepare(zone)
    cells = cells[shapely.intersects(zone, cells)]
    pieces = shapely.intersection(cells, zone)
    return [str(p.wkt) for p in pieces if not p.is_empty and p.area > 0]


def simplify_route(route: Sequence[GeoPoint], *, tolerance_m: float = SIMPLIFY_M) -> list[GeoPoint]:
    """The vertices of a road route kept within ``tolerance_m`` of it (Douglas–Peucker in
    Lambert-93 metres); its ends always kept."""
    if len(route) <= 2:
        return list(route)
    to_metric = _transformer(WGS84, LAMBERT93)
    xy = _project(to_metric, np.array([p.as_tuple() for p in route], dtype=np.float64))
    kept = shapely.simplify(LineString(xy), tolerance_m, preserve_topology=False)
    index = {tuple(v): i for i, v in reversed(list(enumerate(xy.tolist())))}
    return [route[index[tuple(v)]] for v in np.asarray(kept.coords).tolist()]


def build_corridor(
    places: Sequence[GeoPoint],
    *,
    budget_m: float,
    route: Sequence[GeoPoint] | None = None,
) -> Corridor:
    """Corridor of a crow-fly detour budget around an ordered itinerary.

    Parameters
    ----------
    places
        The fixed places of the itinerary in visiting order, usually home, the fixed
        appointments by start time, then the end place. Consecutive duplicates are kept as
        zero-length legs (a disc). At least one place.
    budget_m
        Largest crow-fly detour, in metres, a candidate may add to one leg; positive.
    route
        The road route through ``places`` in order (its geometry's vertices), if known: the
        legs then follow it (simplified, :func:`simplify_route`), from the first place to
        the last. ``None`` or fewer than two vertices: straight legs between the places.

    Returns
    -------
    Corridor
        The legs, the budget, and a polygon in EPSG:4326 containing every point that
        :meth:`Corridor.admits`.

    Raises
    ------
    InvalidInput
        No place, or a budget that is not a positive finite number.
    """
    problems: list[Problem] = []
    if len(places) == 0:
        problems.append(Problem("places", "at least one place is needed", value=[]))
    if not (isinstance(budget_m, int | float) and math.isfinite(budget_m) and budget_m > 0):
        problems.append(
            Problem("budget_m", "detour budget must be positive", value=budget_m, allowed="> 0")
        )
    InvalidInput.collect(problems)

    pts = list(places)
    on_roads = route is not None and len(route) >= 2
    if on_roads:
        assert route is not None
        pts = [pts[0], *simplify_route(route), pts[-1]]
        pts = [p for k, p in enumerate(pts) if k == 0 or p != pts[k - 1]]
    if len(pts) == 1:
        pts = [pts[0], pts[0]]
    legs = tuple(
        Leg(start=a, end=b, length_m=haversine_m(a, b)) for a, b in itertools.pairwise(pts)
    )
    to_metric = _transformer(WGS84, LAMBERT93)
    to_wgs84 = _transformer(LAMBERT93, WGS84)
    ellipses = []
    for leg in legs:
        a = to_metric.transform(leg.start.lon, leg.start.lat)
        b = to_metric.transform(leg.end.lon, leg.end.lat)
        ellipses.append(_ellipse(a, b, float(budget_m)))
    metric = unary_union(ellipses)
    polygon = shapely.transform(metric, lambda xy: _project(to_wgs84, xy))
    polygon = shapely.make_valid(polygon)
    if not isinstance(polygon, Polygon | MultiPolygon):  # pragma: no cover - defensive
        polygon = polygon.buffer(0)
    return Corridor(legs=legs, budget_m=float(budget_m), polygon=polygon, on_roads=on_roads)
