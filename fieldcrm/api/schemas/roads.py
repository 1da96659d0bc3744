"""Answers of ``/api/roads``."""

from __future__ import annotations

from typing import Literal

from fieldcrm.api.schemas.common import Strict


class MatrixOut(Strict):
    """Seconds and metres between every ordered pair (``null`` when unreachable), the distance
    from each point to the road it was snapped to, the points off the network."""

    provider: str
    seconds: list[list[float | None]]
    metres: list[list[float | None]]
    snap_m: list[float | None]
    off_network: list[int]
    attribution: str


class LineString(Strict):
    """A GeoJSON LineString, ``[lon, lat]`` pairs."""

    type: Literal["LineString"]
    coordinates: list[list[float]]


class RouteOut(Strict):
    """The road geometry through the points in order, and its totals."""

    provider: str
    seconds: float
    metres: float
    geometry: LineString
    attribution: str
