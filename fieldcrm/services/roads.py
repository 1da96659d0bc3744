"""Road network use cases: choose the travel-time provider from the settings, build, calibrate.

``travel_times(settings)`` is what the planner's callers use:

- ``routing_engine="graph"`` (default): the road graph of ``road_network_file`` (built once,
  cached under ``road_cache_dir``, kept in memory), with the crow-fly estimate calibrated on
  that graph for points off it;
- ``"crowfly"``: the crow-fly estimate alone (default bands);
- ``"osrm"``: an OSRM server at ``routing_engine_url``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor
from fieldcrm.config import Settings
from fieldcrm.errors import FieldcrmError, InvalidInput
from fieldcrm.geo import GeoPoint
from fieldcrm.reloading import FileBacked
from fieldcrm.routing.crowfly import Calibration, CrowFlyTravelTimes, calibrate_on_graph
from fieldcrm.routing.engine_http import OsrmTravelTimes
from fieldcrm.routing.fallback import WithFallback
from fieldcrm.routing.matrix import GraphTravelTimes
from fieldcrm.routing.network import RoadNetwork, fetch_place, load_network, place_slug
from fieldcrm.routing.travel import RouteLeg, TravelMatrix, TravelTimes

log = logging.getLogger(__name__)

MAX_MATRIX_POINTS = 500
MAX_ROUTE_STOPS = 100

_LOCK = threading.Lock()
_LOADED: dict[tuple[Path, Path, float], FileBacked[_Loaded]] = {}
"""Per process: the graph of each configured road file, rebuilt when the file is replaced
(``fieldcrm roads fetch`` or a new extract), so that every app server picks it up."""


@dataclass(frozen=True)
class _Loaded:
    graph: GraphTravelTimes
    calibration: Calibration


def road_network(
    settings: Settings, *, progress: Callable[[str], None] | None = None
) -> RoadNetwork:
    """The configured road network, from the disk cache when it is there."""
    return load_network(
        Path(settings.road_network_file), cache_dir=Path(settings.road_cache_dir), progress=progress
    )


def _loaded(settings: Settings) -> _Loaded:
    key = (
        Path(settings.road_network_file).resolve(),
        Path(settings.road_cache_dir).resolve(),
        float(settings.road_max_snap_m),
    )
    with _LOCK:
        if key not in _LOADED:
            _LOADED[key] = FileBacked(lambda: _load(settings), lambda: (key[0],))
        cache = _LOADED[key]
    return cache.get()


def _load(settings: Settings) -> _Loaded:
    graph = GraphTravelTimes(road_network(settings), max_snap_m=settings.road_max_snap_m)
    return _Loaded(graph, calibrate_on_graph(graph))


def travel_times(settings: Settings) -> TravelTimes:
    """The travel-time provider the settings ask for (see the module docstring)."""
    engine = settings.routing_engine
    if engine == "crowfly":
        return CrowFlyTravelTimes()
    if engine == "osrm":
        if not settings.routing_engine_url:
            raise InvalidInput(
                "routing_engine_url", "an OSRM server URL is needed when routing_engine is osrm"
            )
        return OsrmTravelTimes(settings.routing_engine_url)
    if engine == "graph":
        loaded = _loaded(settings)
        return WithFallback(loaded.graph, loaded.calibration.model)
    raise InvalidInput(
        "routing_engine", "not supported yet", value=engine, allowed="graph, crowfly, osrm"
    )


def calibration(settings: Settings) -> Calibration:
    """The crow-fly calibration on the configured road network, with its error."""
    return _loaded(settings).calibration


def fetch(
    settings: Settings, place: str, *, progress: Callable[[str], None] | None = None
) -> tuple[RoadNetwork, Path]:
    """Download a place's roads and save them under ``road_cache_dir`` as ``<place>.npz``."""
    network = fetch_place(place, progress=progress)
    path = Path(settings.road_cache_dir) / f"{place_slug(place)}.npz"
    network.save(path)
    return network, path


def matrix(settings: Settings, points: list[GeoPoint], *, actor: Actor) -> tuple[str, TravelMatrix]:
    """Travel times between ``points`` with the configured provider (its name, the matrix)."""
    policy.require(actor, "roads.read")
    if not 1 <= len(points) <= MAX_MATRIX_POINTS:
        raise InvalidInput("points", f"between 1 and {MAX_MATRIX_POINTS} points", value=len(points))
    tt = travel_times(settings)
    return tt.name, tt.matrix(points)


def route(settings: Settings, stops: list[GeoPoint], *, actor: Actor) -> tuple[str, RouteLeg]:
    """Road geometry and totals through ``stops`` in order (provider name, the route)."""
    policy.require(actor, "roads.read")
    if not 2 <= len(stops) <= MAX_ROUTE_STOPS:
        raise InvalidInput("stops", f"between 2 and {MAX_ROUTE_STOPS} stops", value=len(stops))
    tt = travel_times(settings)
    return tt.name, tt.route(stops)


def road_provider(settings: Settings) -> TravelTimes | None:
    """The road-graph travel times of the settings; ``None`` for crow-fly estimates only.

    ``FIELDCRM_ROUTING_ENGINE=crowfly``, or a road network that cannot be loaded, means
    crow-fly only. With a graph, the pairs it cannot answer (points off the loaded extract)
    take the default crow-fly bands in :func:`planning_build.travel_matrix`, not a fallback
    calibrated on a small urban extract, whose speeds would make a 700 km trip last a day.
    """
    if settings.routing_engine == "crowfly":
        return None
    try:
        provider = travel_times(settings)
    except (FieldcrmError, OSError) as exc:
        log.warning("road network unavailable, planning on crow-fly estimates: %s", exc)
        return None
    primary = getattr(provider, "primary", None)
    return primary if isinstance(primary, TravelTimes) else provider
