"""The one small interface every travel-time provider implements.

The planner only sees :class:`TravelTimes`; whether the numbers come from an osmnx road
graph, the calibrated crow-fly fallback or an HTTP routing engine is the caller's choice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from fieldcrm.geo import GeoPoint

FloatMatrix = npt.NDArray[np.float64]


@dataclass(frozen=True)
class TravelMatrix:
    """Many-to-many travel costs; ``seconds[i, j]`` is from point i to point j.

    Unreachable pairs hold ``numpy.inf``. Matrices may be asymmetric (one-way streets).
    ``snap_m`` is, per input point, how far it was moved to reach the network (0 if not snapped).
    ``off_network`` lists the points farther than the provider's threshold from any road: they
    are not moved, and their rows and columns are unreachable.
    """

    seconds: FloatMatrix
    metres: FloatMatrix
    snap_m: FloatMatrix = field(default_factory=lambda: np.zeros(0))
    off_network: tuple[int, ...] = ()

    def unreachable_pairs(self) -> list[tuple[int, int]]:
        """Index pairs ``(i, j)``, i != j, with no path."""
        bad = ~np.isfinite(self.seconds)
        np.fill_diagonal(bad, False)
        return [(int(i), int(j)) for i, j in zip(*np.nonzero(bad), strict=True)]


@dataclass(frozen=True)
class RouteLeg:
    """Road geometry and totals through an ordered list of stops."""

    geometry: list[tuple[float, float]]
    """(lon, lat) vertices of the whole path, in order."""
    seconds: float
    metres: float


@runtime_checkable
class TravelTimes(Protocol):
    """What the planner needs from any travel-time source."""

    @property
    def name(self) -> str:
        """Short provider name (``graph``, ``crowfly``, ``osrm``…)."""
        ...

    def matrix(self, points: Sequence[GeoPoint]) -> TravelMatrix:
        """Travel seconds and metres between every ordered pair of ``points``."""
        ...

    def route(self, stops: Sequence[GeoPoint]) -> RouteLeg:
        """Geometry and totals of the path visiting ``stops`` in order."""
        ...
