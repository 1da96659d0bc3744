"""A scripted HTTP server on 127.0.0.1 that answers like a geocoding provider.

Only the server is fake: the real geopy client goes through its real HTTP code path.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


Responder = Callable[[str, dict[str, str]], Reply]


class LoopbackServer:
    """Answers scripted replies in order, then ``default`` (a function of path and query)."""

    def __init__(self, default: Responder) -> None:
        self.default = default
        self.queue: deque[Reply] = deque()
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                server.requests.append((parts.path, query))
                reply = (
                    server.queue.popleft() if server.queue else server.default(parts.path, query)
                )
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                data = json.dumps(reply.body).encode() if reply.body is not None else b""
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def push(self, *replies: Reply) -> None:
        self.queue.extend(replies)

    def start(self) -> None:
        threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True).start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@contextmanager
def serving(default: Responder) -> Iterator[LoopbackServer]:
    server = LoopbackServer(default)
    server.start()
    try:
        yield server
    finally:
        server.stop()


# ------------------------------------------------------------- provider answer formats
def ban_feature(
    lon: float,
    lat: float,
    *,
    kind: str = "housenumber",
    score: float = 0.95,
    label: str = "",
    citycode: str = "",
    postcode: str = "",
    city: str = "",
) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {
            "label": label,
            "score": score,
            "type": kind,
            "citycode": citycode,
            "postcode": postcode,
            "city": city,
            "id": "x",
            "name": label,
        },
    }


def ban_collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "version": "draft", "features": list(features)}


def nominatim_place(
    lon: float,
    lat: float,
    *,
    rank: int = 30,
    label: str = "",
    address: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        "place_id": 1,
        "lat": str(lat),
        "lon": str(lon),
        "display_name": label,
        "place_rank": rank,
        "importance": 0.5,
        "address": address or {},
    }


def photon_feature(lon: float, lat: float, **props: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": props,
    }
