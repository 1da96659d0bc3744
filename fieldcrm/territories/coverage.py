"""Coverage reports: which territories overlap (and by how much), which points none covers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from fieldcrm.geo import LAMBERT93, WGS84
from fieldcrm.territories.assign import NONE, TerritoryShape, assign_coordinates, tie_break_key

_TO_METRES = Transformer.from_crs(WGS84, LAMBERT93, always_xy=True)


@dataclass(frozen=True)
class Overlap:
    """Two territories that share area; ``winner`` takes the accounts in the shared part."""

    first_id: int
    second_id: int
    area_m2: float
    winner_id: int
    geometry: BaseGeometry


def area_m2(geometry: BaseGeometry) -> float:
    """Area in square metres (Lambert-93 projection) of an EPSG:4326 geometry."""
    projected = shapely.transform(
        geometry, lambda xy: np.column_stack(_TO_METRES.transform(xy[:, 0], xy[:, 1]))
    )
    return float(projected.area)


def overlaps(territories: Sequence[TerritoryShape], *, min_area_m2: float = 1.0) -> list[Overlap]:
    """Pairs of territories whose interiors overlap.

    Parameters
    ----------
    territories
        The territories to compare.
    min_area_m2
        Overlaps smaller than this (slivers of shared borders) are left out.

    Returns
    -------
    list of Overlap
        Sorted by decreasing area; ``winner_id`` is the territory the tie-break rule gives the
        shared accounts to.
    """
    geoms = [t.geometry for t in territories]
    if len(geoms) < 2:  # nothing to overlap (a fresh install has no territory at all)
        return []
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    found: list[Overlap] = []
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i >= j:
            continue
        a, b = territories[i], territories[j]
        shared = shapely.intersection(a.geometry, b.geometry)
        if shared.is_empty or shared.area == 0:
            continue
        m2 = area_m2(shared)
        if m2 < min_area_m2:
            continue
        first, second = (a, b) if a.id < b.id else (b, a)
        winner = min((a, b), key=tie_break_key)
        found.append(Overlap(first.id, second.id, m2, winner.id, shared))
    found.sort(key=lambda o: (-o.area_m2, o.first_id, o.second_id))
    return found


def gaps(
    ids: Sequence[int],
    lon: Sequence[float],
    lat: Sequence[float],
    territories: Sequence[TerritoryShape],
) -> list[int]:
    """Ids of the points (accounts) that no territory covers.

    Parameters
    ----------
    ids, lon, lat
        The points and their ids, same length.
    territories
        The territories.

    Returns
    -------
    list of int
        Ids of the uncovered points, in input order.
    """
    won = assign_coordinates(lon, lat, territories)
    return [int(i) for i, w in zip(ids, won.tolist(), strict=True) if w == NONE]
