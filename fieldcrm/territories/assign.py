"""Point → territory assignment and its tie-break rule (the reference for the PostGIS path).

Rule: a territory *covers* a point when the point is inside or on its boundary. Among the
territories covering a point, the highest ``priority`` wins, then the smallest area, then the
lowest id. A point covered by none gets none.

The area compared is the planar area in square degrees of the EPSG:4326 geometry, rounded to
:data:`AREA_DECIMALS` decimals (about 1 m²) so that this module and PostGIS (``round(ST_Area(
geom)::numeric, 10)``) order equal-looking areas the same way despite different float sums.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from fieldcrm.errors import InvalidInput
from fieldcrm.geo import GeoPoint

AREA_DECIMALS = 10
NONE = -1
"""Territory id returned by :func:`assign_coordinates` for a point in no territory."""


@dataclass(frozen=True)
class TerritoryShape:
    """What the assignment needs of a territory: id, priority and polygon (EPSG:4326)."""

    id: int
    geometry: BaseGeometry
    priority: int = 0

    def __post_init__(self) -> None:
        if self.geometry is None or self.geometry.is_empty:
            raise InvalidInput("geometry", "a territory needs a non-empty polygon", value=self.id)

    @property
    def rank_area(self) -> float:
        """Area used by the tie-break (square degrees, rounded)."""
        return round(float(self.geometry.area), AREA_DECIMALS)


def tie_break_key(territory: TerritoryShape) -> tuple[int, float, int]:
    """Sort key: smaller wins (highest priority, then smallest area, then lowest id)."""
    return (-territory.priority, territory.rank_area, territory.id)


def assign_coordinates(
    lon: NDArray[np.float64] | Sequence[float],
    lat: NDArray[np.float64] | Sequence[float],
    territories: Sequence[TerritoryShape],
) -> NDArray[np.int64]:
    """Vectorised assignment of coordinate arrays.

    Parameters
    ----------
    lon, lat
        Longitudes and latitudes (EPSG:4326), same length.
    territories
        Candidate territories; ids must be unique.

    Returns
    -------
    numpy.ndarray
        The winning territory id per point, :data:`NONE` (-1) where no territory covers it.
    """
    lons = np.asarray(lon, dtype=np.float64)
    lats = np.asarray(lat, dtype=np.float64)
    if lons.shape != lats.shape:
        raise InvalidInput("lat", "lon and lat must have the same length", value=lats.shape)
    ids = [t.id for t in territories]
    if len(set(ids)) != len(ids):
        raise InvalidInput("territories", "territory ids must be unique", value=ids)
    result = np.full(lons.shape[0], NONE, dtype=np.int64)
    if not territories or lons.size == 0:
        return result
    # Rank territories once by the tie-break; a smaller rank wins.
    order = sorted(range(len(territories)), key=lambda i: tie_break_key(territories[i]))
    rank = np.empty(len(territories), dtype=np.int64)
    rank[order] = np.arange(len(territories))
    tree = shapely.STRtree([t.geometry for t in territories])
    points = shapely.points(lons, lats)
    pairs = tree.query(points, predicate="covered_by")
    if pairs.shape[1] == 0:
        return result
    point_idx, terr_idx = pairs[0], pairs[1]
    best = np.full(lons.shape[0], len(territories), dtype=np.int64)
    np.minimum.at(best, point_idx, rank[terr_idx])
    hit = best < len(territories)
    id_by_rank = np.asarray(ids, dtype=np.int64)[order]
    result[hit] = id_by_rank[best[hit]]
    return result


def assign_points(
    points: Sequence[GeoPoint], territories: Sequence[TerritoryShape]
) -> list[int | None]:
    """The territory of each point under the tie-break rule.

    Parameters
    ----------
    points
        Points to assign.
    territories
        Candidate territories (Polygon or MultiPolygon, holes allowed).

    Returns
    -------
    list of int or None
        The winning territory id per point, ``None`` for a point in no territory.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> big = TerritoryShape(1, box(0, 0, 2, 2))
    >>> small = TerritoryShape(2, box(0, 0, 1, 1))
    >>> assign_points([GeoPoint(0.5, 0.5), GeoPoint(1.5, 1.5), GeoPoint(3, 3)], [big, small])
    [2, 1, None]
    """
    arr = assign_coordinates([p.lon for p in points], [p.lat for p in points], territories)
    return [None if v == NONE else int(v) for v in arr]
