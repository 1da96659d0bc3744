"""Optional external routing engine: an OSRM server over HTTP, behind the same interface.

Used only when configured (``FIELDCRM_ROUTING_ENGINE=osrm`` and ``FIELDCRM_ROUTING_ENGINE_URL``).
It calls OSRM's ``table`` service (durations and distances in one request) and its ``route``
service (full GeoJSON geometry). Unreachable pairs come back as ``null`` and become ``inf``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx
import numpy as np

from fieldcrm.errors import ExternalServiceError, InvalidInput
from fieldcrm.geo import GeoPoint
from fieldcrm.routing.travel import RouteLeg, TravelMatrix


class OsrmTravelTimes:
    """:class:`~fieldcrm.routing.travel.TravelTimes` answered by an OSRM server.

    Parameters
    ----------
    base_url
        Server root, e.g. ``http://localhost:5000``.
    profile
        OSRM profile in the URL (``driving``).
    timeout_s
        Per-request timeout.
    client
        An ``httpx.Client`` to reuse (tests, connection pooling); one is created otherwise.
    """

    name = "osrm"

    def __init__(
        self,
        base_url: str,
        *,
        profile: str = "driving",
        timeout_s: float = 30.0,
        client: httpx.Client | None = None,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise InvalidInput("routing_engine_url", "must be an http(s) URL", value=base_url)
        self.base_url = base_url.rstrip("/")
        self.profile = profile
        self._client = client or httpx.Client(timeout=timeout_s)

    def _get(self, service: str, points: Sequence[GeoPoint], params: dict[str, str]) -> Any:
        coords = ";".join(f"{p.lon:.6f},{p.lat:.6f}" for p in points)
        url = f"{self.base_url}/{service}/v1/{self.profile}/{coords}"
        try:
            response = self._client.get(url, params=params)
        except httpx.HTTPError as exc:
            raise ExternalServiceError(f"OSRM unreachable at {self.base_url}: {exc}") from exc
        try:
            body = response.json()
        except ValueError as exc:
            raise ExternalServiceError(
                f"OSRM answered {response.status_code} without JSON"
            ) from exc
        if response.status_code != 200 or body.get("code") != "Ok":
            raise ExternalServiceError(
                f"OSRM {service} failed ({response.status_code}): "
                f"{body.get('code')} {body.get('message', '')}".strip()
            )
        return body

    def matrix(self, points: Sequence[GeoPoint]) -> TravelMatrix:
        """Seconds and metres between every ordered pair of ``points`` from OSRM ``table``."""
        k = len(points)
        if k == 0:
            return TravelMatrix(np.zeros((0, 0)), np.zeros((0, 0)), np.zeros(0))
        if k == 1:
            return TravelMatrix(np.zeros((1, 1)), np.zeros((1, 1)), np.zeros(1))
        body = self._get("table", points, {"annotations": "duration,distance"})

        def grid(key: str) -> np.ndarray:
            rows = body.get(key)
            if rows is None or len(rows) != k:
                raise ExternalServiceError(f"OSRM table answer has no {key} for {k} points")
            return np.array(
                [[np.inf if v is None else float(v) for v in row] for row in rows], dtype=np.float64
            )

        seconds, metres = grid("durations"), grid("distances")
        snap = np.array(
            [float(s.get("distance", 0.0)) for s in body.get("sources", [])] or [0.0] * k
        )
        return TravelMatrix(seconds, metres, snap)

    def route(self, stops: Sequence[GeoPoint]) -> RouteLeg:
        """Geometry and totals of the OSRM ``route`` through ``stops`` in order."""
        if len(stops) < 2:
            raise InvalidInput("stops", "a route needs at least two stops", value=len(stops))
        body = self._get("route", stops, {"overview": "full", "geometries": "geojson"})
        routes = body.get("routes") or []
        if not routes:
            raise ExternalServiceError("OSRM found no route through the stops")
        best = routes[0]
        coords = best.get("geometry", {}).get("coordinates", [])
        return RouteLeg(
            geometry=[(float(x), float(y)) for x, y in coords],
            seconds=float(best["duration"]),
            metres=float(best["distance"]),
        )
