"""Road network: travel-time matrices and route geometry for the maps."""

from __future__ import annotations

import math
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from fieldcrm.api.deps import CurrentUser, SettingsDep
from fieldcrm.api.schemas.errors import responses
from fieldcrm.api.schemas.roads import MatrixOut, RouteOut
from fieldcrm.errors import InvalidInput, Problem
from fieldcrm.geo import GeoPoint
from fieldcrm.services import roads as svc

router = APIRouter(prefix="/roads", tags=["roads"])

ATTRIBUTION = "© OpenStreetMap contributors"


class Place(BaseModel):
    """A WGS84 point."""

    lon: float
    lat: float


class PointsBody(BaseModel):
    """Points of a matrix, or stops of a route in order."""

    points: list[Place] = Field(min_length=1, max_length=svc.MAX_MATRIX_POINTS)


def _points(places: list[Place]) -> list[GeoPoint]:
    points: list[GeoPoint] = []
    problems: list[Problem] = []
    for i, p in enumerate(places):
        try:
            points.append(GeoPoint(lon=p.lon, lat=p.lat))
        except InvalidInput as exc:
            problems.append(Problem(f"points[{i}]", str(exc), value=(p.lon, p.lat)))
    InvalidInput.collect(problems)
    return points


def _finite(row: Any) -> list[float | None]:
    return [round(float(v), 1) if math.isfinite(v) else None for v in row]


@router.post("/matrix", response_model=MatrixOut, responses=responses(502))
def travel_matrix(body: PointsBody, settings: SettingsDep, actor: CurrentUser) -> dict[str, Any]:
    """Seconds and metres between every ordered pair (``null`` when unreachable)."""
    provider, m = svc.matrix(settings, _points(body.points), actor=actor)
    return {
        "provider": provider,
        "seconds": [_finite(r) for r in m.seconds],
        "metres": [_finite(r) for r in m.metres],
        "snap_m": _finite(m.snap_m),
        "off_network": list(m.off_network),
        "attribution": ATTRIBUTION,
    }


@router.post("/route", response_model=RouteOut, responses=responses(502))
def route(body: PointsBody, settings: SettingsDep, actor: CurrentUser) -> dict[str, Any]:
    """Road geometry (GeoJSON LineString) and totals through the points in order."""
    provider, leg = svc.route(settings, _points(body.points), actor=actor)
    return {
        "provider": provider,
        "seconds": round(leg.seconds, 1),
        "metres": round(leg.metres, 1),
        "geometry": {"type": "LineString", "coordinates": [list(c) for c in leg.geometry]},
        "attribution": ATTRIBUTION,
    }
