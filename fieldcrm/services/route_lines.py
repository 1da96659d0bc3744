"""The lines a map draws for a route: along the roads where the road graph has them, straight
(and flagged) where it has none.

Each leg between two consecutive points is asked of the road provider on its own, so one
account off the loaded extract turns only its two legs into crow-fly segments, not the day.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from fieldcrm.config import Settings
from fieldcrm.errors import FieldcrmError
from fieldcrm.geo import GeoPoint
from fieldcrm.services.roads import road_provider


@dataclass(frozen=True)
class Leg:
    """One leg's ``(lon, lat)`` vertices; ``on_roads`` False: a straight line (no road data)."""

    coords: list[tuple[float, float]]
    on_roads: bool


def straight(a: GeoPoint, b: GeoPoint) -> Leg:
    """The crow-fly segment from ``a`` to ``b``."""
    return Leg([(a.lon, a.lat), (b.lon, b.lat)], on_roads=False)


def route_legs(settings: Settings, points: Sequence[GeoPoint]) -> list[Leg]:
    """A leg per pair of consecutive ``points``, along the roads when the configured road
    graph reaches both ends, else straight."""
    provider = road_provider(settings)
    legs: list[Leg] = []
    for a, b in itertools.pairwise(points):
        if (a.lon, a.lat) == (b.lon, b.lat):
            continue
        if provider is None:
            legs.append(straight(a, b))
            continue
        try:
            legs.append(Leg(list(provider.route([a, b]).geometry), on_roads=True))
        except FieldcrmError:  # a stop off the road network: that leg only is drawn straight
            legs.append(straight(a, b))
    return legs
