"""Geographic kernel: points, reference systems and metric helpers."""

from __future__ import annotations

import math
from dataclasses import dataclass

from fieldcrm.errors import InvalidInput

WGS84 = 4326
"""EPSG code of longitude/latitude coordinates (storage and GeoJSON)."""
LAMBERT93 = 2154
"""EPSG code of the French metric projection (areas, buffers, distances in metres)."""
EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True, slots=True)
class GeoPoint:
    """A WGS84 point; ``lon`` first as in GeoJSON. Validated on construction."""

    lon: float
    lat: float

    def __post_init__(self) -> None:
        if not (
            isinstance(self.lon, int | float)
            and math.isfinite(self.lon)
            and -180 <= self.lon <= 180
        ):
            raise InvalidInput("lon", "longitude must be a number in [-180, 180]", value=self.lon)
        if not (
            isinstance(self.lat, int | float) and math.isfinite(self.lat) and -90 <= self.lat <= 90
        ):
            raise InvalidInput("lat", "latitude must be a number in [-90, 90]", value=self.lat)

    @property
    def wkt(self) -> str:
        """Well-known text, e.g. ``POINT(7.42 43.73)``."""
        return f"POINT({self.lon} {self.lat})"

    def as_tuple(self) -> tuple[float, float]:
        """``(lon, lat)``."""
        return (self.lon, self.lat)


def haversine_m(a: GeoPoint, b: GeoPoint) -> float:
    """Great-circle distance in metres between two points."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat = lat2 - lat1
    dlon = math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


# Metropolitan France with Corsica and the border strip (Monaco, Andorra included).
FRANCE_BBOX = (-5.5, 41.2, 9.8, 51.3)


def in_france(point: GeoPoint) -> bool:
    """True if ``point`` lies in the bounding box of metropolitan France and its borders."""
    west, south, east, north = FRANCE_BBOX
    return west <= point.lon <= east and south <= point.lat <= north
