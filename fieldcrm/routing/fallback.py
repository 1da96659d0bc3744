"""A provider that falls back to another one for the points the first cannot place.

Typical use: the road graph of one region, with the calibrated crow-fly estimate for accounts
outside it (a Paris customer when the graph covers the Riviera). Pairs between two points the
primary provider reached keep its figures; every pair touching an off-network point, or left
unreachable, takes the fallback's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from fieldcrm.geo import GeoPoint
from fieldcrm.routing.travel import RouteLeg, TravelMatrix, TravelTimes


@dataclass(frozen=True)
class WithFallback:
    """``primary`` where it has an answer, ``fallback`` elsewhere.

    Parameters
    ----------
    primary
        The precise provider (road graph).
    fallback
        The provider that always answers (crow-fly).
    """

    primary: TravelTimes
    fallback: TravelTimes

    @property
    def name(self) -> str:
        """``primary+fallback``."""
        return f"{self.primary.name}+{self.fallback.name}"

    def matrix(self, points: Sequence[GeoPoint]) -> TravelMatrix:
        """Primary matrix, with the fallback's figures where the primary has none."""
        main = self.primary.matrix(points)
        missing = ~np.isfinite(main.seconds) | ~np.isfinite(main.metres)
        if not missing.any():
            return main
        spare = self.fallback.matrix(points)
        seconds = np.where(missing, spare.seconds, main.seconds)
        metres = np.where(missing, spare.metres, main.metres)
        return TravelMatrix(seconds, metres, main.snap_m, main.off_network)

    def route(self, stops: Sequence[GeoPoint]) -> RouteLeg:
        """Primary route when every stop is on its network, else the fallback's."""
        if not self.primary.matrix(stops).off_network:
            return self.primary.route(stops)
        return self.fallback.route(stops)
