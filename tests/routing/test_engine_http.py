"""The OSRM client against a tiny OSRM-like HTTP server on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

from fieldcrm.errors import ExternalServiceError, InvalidInput
from fieldcrm.geo import GeoPoint
from fieldcrm.routing.engine_http import OsrmTravelTimes
from fieldcrm.routing.travel import TravelTimes

A = GeoPoint(lon=7.42, lat=43.73)
B = GeoPoint(lon=7.43, lat=43.74)
C = GeoPoint(lon=7.44, lat=43.75)
REQUESTS: list[tuple[str, dict[str, list[str]]]] = []


class _Osrm(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        url = urlsplit(self.path)
        REQUESTS.append((url.path, parse_qs(url.query)))
        parts = url.path.split("/")  # '', service, v1, profile, coords
        coords = [tuple(map(float, c.split(","))) for c in parts[4].split(";")]
        k = len(coords)
        if coords[0] == (0.0, 0.0):
            self._send(400, {"code": "InvalidQuery", "message": "bad coordinates"})
        elif parts[1] == "table":
            dur = [[0.0 if i == j else 60.0 * (i + 1) + j for j in range(k)] for i in range(k)]
            dist = [[0.0 if i == j else 1000.0 * (i + 1) + j for j in range(k)] for i in range(k)]
            dur[0][k - 1] = None  # type: ignore[call-overload]
            dist[0][k - 1] = None  # type: ignore[call-overload]
            sources = [{"distance": 3.5 * i, "location": list(c)} for i, c in enumerate(coords)]
            self._send(200, {"code": "Ok", "durations": dur, "distances": dist,
                             "sources": sources, "destinations": sources})  # fmt: skip
        else:
            line = [list(c) for c in coords]
            self._send(200, {"code": "Ok", "routes": [
                {"geometry": {"type": "LineString", "coordinates": line},
                 "duration": 123.4, "distance": 2345.6}]})  # fmt: skip

    def _send(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def osrm_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Osrm)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_table_becomes_matrix_with_unreachable_pairs(osrm_url: str) -> None:
    tt = OsrmTravelTimes(osrm_url)
    assert isinstance(tt, TravelTimes)
    m = tt.matrix([A, B, C])
    path, query = REQUESTS[-1]
    assert path == "/table/v1/driving/7.420000,43.730000;7.430000,43.740000;7.440000,43.750000"
    assert query["annotations"] == ["duration,distance"]
    assert m.seconds[1, 0] == 120.0 and m.seconds[0, 1] == 61.0
    assert m.metres[2, 1] == 3001.0
    assert np.isinf(m.seconds[0, 2]) and np.isinf(m.metres[0, 2])
    assert m.unreachable_pairs() == [(0, 2)]
    assert m.snap_m.tolist() == [0.0, 3.5, 7.0]


def test_route_geometry_and_totals(osrm_url: str) -> None:
    leg = OsrmTravelTimes(osrm_url + "/").route([A, B, C])
    assert REQUESTS[-1][1]["geometries"] == ["geojson"]
    assert leg.geometry == [(A.lon, A.lat), (B.lon, B.lat), (C.lon, C.lat)]
    assert (leg.seconds, leg.metres) == (123.4, 2345.6)


def test_errors_become_external_service_errors(osrm_url: str) -> None:
    with pytest.raises(ExternalServiceError, match="InvalidQuery"):
        OsrmTravelTimes(osrm_url).matrix([GeoPoint(lon=0.0, lat=0.0), A])
    with pytest.raises(ExternalServiceError, match="unreachable"):
        OsrmTravelTimes("http://127.0.0.1:9", timeout_s=2).matrix([A, B])
    with pytest.raises(InvalidInput):
        OsrmTravelTimes("localhost:5000")
    with pytest.raises(InvalidInput):
        OsrmTravelTimes(osrm_url).route([A])
