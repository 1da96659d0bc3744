"""Drivable road network: built with osmnx from a local OpenStreetMap file, cached on disk.

The graph is read from ``.osm`` / ``.osm.pbf`` files: a PBF is first reduced with pyosmium
(a project dependency) to the drivable ``highway`` ways and the nodes they use, written as
OSM XML, which osmnx reads. Each edge gets a legal limit (its ``maxspeed`` tag when it can be
read, else the French default of its road class, see :data:`FRENCH_DEFAULT_KMH`), a running speed
and a travel time with the delays of the traffic lights and junctions it arrives at (see
:mod:`fieldcrm.routing.drive_time`); only the largest strongly connected component is kept so
that every kept node can reach every other one.

The result is a :class:`RoadNetwork`: flat numpy arrays (nodes, directed edges, edge
geometries), cheap to save as ``.npz`` and to turn into a sparse matrix for Dijkstra. The cache
file name holds the SHA-256 of the source file and of the build parameters, so a changed file
or a changed speed table or drive-time model builds again.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from fieldcrm.errors import ExternalServiceError, InvalidInput
from fieldcrm.routing import drive_time

FRENCH_DEFAULT_KMH: Mapping[str, float] = {
    "motorway": 130.0,
    "motorway_link": 70.0,
    "trunk": 110.0,
    "trunk_link": 60.0,
    "primary": 80.0,
    "primary_link": 50.0,
    "secondary": 80.0,
    "secondary_link": 50.0,
    "tertiary": 70.0,
    "tertiary_link": 40.0,
    "unclassified": 50.0,
    "residential": 40.0,
    "living_street": 20.0,
    "service": 20.0,
    "road": 40.0,
}
"""Speeds (km/h) used when an edge has no readable ``maxspeed``.

Legal French limits by road class (motorway 130, dual-carriageway trunk 110, other roads 80
since 2018 and often 70 on small departmental roads), residential streets between the urban
50 and the common 30 zones (40), living streets 20 and service roads 20. Links (ramps) are
slower than their road. The table also defines which ``highway`` values are drivable.
"""

MAXSPEED_ZONES_KMH: Mapping[str, float] = {
    "fr:urban": 50.0,
    "fr:rural": 80.0,
    "fr:motorway": 130.0,
    "fr:trunk": 110.0,
    "fr:zone30": 30.0,
    "fr:zone20": 20.0,
    "fr:walk": 6.0,
    "walk": 6.0,
    "none": 130.0,
}
"""Implicit ``maxspeed`` values (``FR:urban`` …) and what they mean in km/h."""

URBAN_KMH = 50.0
"""French limit in built-up areas, applied to untagged roads of :data:`URBAN_CAPPED` classes."""

URBAN_CAPPED = frozenset(
    {"primary", "primary_link", "secondary", "secondary_link", "tertiary", "tertiary_link",
     "unclassified", "road"}
)  # fmt: skip
"""Road classes whose default speed is capped at :data:`URBAN_KMH` in built-up areas."""

URBAN_CELL_M = 500.0
URBAN_MIN_NODES = 12
"""Built-up area heuristic: a node is urban when its ``URBAN_CELL_M`` grid cell holds at least
``URBAN_MIN_NODES`` graph nodes (intersections), i.e. about 48 intersections per km²; an edge
is urban when both its ends are. OSM rarely maps the agglomeration limits the law uses."""

BUILD_VERSION = 5
"""Bumped when the build changes so that old cache files are not reused."""

REVERSED_ONEWAY = frozenset({"-1", "reverse", "T"})
"""``oneway`` values for which osmnx reverses a way's nodes (``osmnx.graph._add_paths``).

osmnx builds such a one-way against its OSM node order but marks the edges ``reversed=False``
and overwrites ``oneway`` with a boolean, so the build reads these way ids from the file."""

_BLOCKED_ACCESS = {"no", "private"}
_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mph|km/h|kmh|kph)?\s*$")


def parse_maxspeed(value: object) -> float | None:
    """Read an OSM ``maxspeed`` value as km/h.

    Parameters
    ----------
    value
        The tag as osmnx leaves it: a string (``"50"``, ``"30 mph"``, ``"FR:urban"``), or a
        list of such strings when simplification merged ways (their mean is used).

    Returns
    -------
    float or None
        The speed in km/h, or ``None`` when the value cannot be read.
    """
    if isinstance(value, list | tuple):
        speeds = [s for s in (parse_maxspeed(v) for v in value) if s is not None]
        return sum(speeds) / len(speeds) if speeds else None
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if ";" in text:
        return parse_maxspeed(text.split(";"))
    if text in MAXSPEED_ZONES_KMH:
        return MAXSPEED_ZONES_KMH[text]
    match = _NUMBER.match(text)
    if not match:
        return None
    speed = float(match.group(1))
    if match.group(2) == "mph":
        speed *= 1.609344
    return speed if 0 < speed <= 200 else None


def edge_speed_kmh(
    highway: object,
    maxspeed: object,
    *,
    defaults: Mapping[str, float] = FRENCH_DEFAULT_KMH,
    urban: bool = False,
) -> float:
    """Speed of one edge: its ``maxspeed`` when readable, else the default of its class.

    Parameters
    ----------
    highway
        The ``highway`` tag (a string, or a list after simplification: the first known class
        with the lowest default wins, to stay on the safe side).
    maxspeed
        The ``maxspeed`` tag, see :func:`parse_maxspeed`.
    defaults
        km/h per road class.
    urban
        Whether the edge lies in a built-up area: the default of the classes in
        :data:`URBAN_CAPPED` is then capped at :data:`URBAN_KMH`.

    Returns
    -------
    float
        km/h, always positive.
    """
    parsed = parse_maxspeed(maxspeed)
    if parsed is not None:
        return parsed
    classes = highway if isinstance(highway, list | tuple) else [highway]
    known = [
        min(defaults[c], URBAN_KMH) if urban and c in URBAN_CAPPED else defaults[c]
        for c in classes
        if isinstance(c, str) and c in defaults
    ]
    return min(known) if known else 30.0


def urban_nodes(
    lon: npt.NDArray[np.float64],
    lat: npt.NDArray[np.float64],
    *,
    cell_m: float = URBAN_CELL_M,
    min_nodes: int = URBAN_MIN_NODES,
) -> npt.NDArray[np.bool_]:
    """Which nodes lie in a built-up area, by intersection density (see :data:`URBAN_MIN_NODES`).

    Parameters
    ----------
    lon, lat
        Node coordinates in degrees.
    cell_m
        Grid cell side in metres.
    min_nodes
        Nodes a cell needs to count as built-up.

    Returns
    -------
    numpy.ndarray
        One boolean per node.
    """
    if lon.size == 0:
        return np.zeros(0, dtype=bool)
    lat0 = float(np.radians(lat.mean()))
    cx = np.floor(lon * 111_320.0 * np.cos(lat0) / cell_m).astype(np.int64)
    cy = np.floor(lat * 110_574.0 / cell_m).astype(np.int64)
    _cells, inverse, counts = np.unique(
        np.column_stack([cx, cy]), axis=0, return_inverse=True, return_counts=True
    )
    return counts[inverse.ravel()] >= min_nodes


@dataclass(frozen=True, eq=False)
class RoadNetwork:
    """A directed drivable road graph as flat arrays.

    Nodes are numbered ``0..n-1``; ``osm_ids[i]`` is the OSM id of node ``i``. Directed edge
    ``k`` goes from ``src[k]`` to ``dst[k]`` and takes ``seconds[k]`` over ``metres[k]``; its
    (lon, lat) vertices are ``geom_lonlat[geom_offsets[k]:geom_offsets[k + 1]]``.
    """

    osm_ids: npt.NDArray[np.int64]
    lon: npt.NDArray[np.float64]
    lat: npt.NDArray[np.float64]
    src: npt.NDArray[np.int32]
    dst: npt.NDArray[np.int32]
    metres: npt.NDArray[np.float64]
    seconds: npt.NDArray[np.float64]
    geom_offsets: npt.NDArray[np.int64]
    geom_lonlat: npt.NDArray[np.float64]

    _FIELDS = (
        "osm_ids", "lon", "lat", "src", "dst", "metres", "seconds", "geom_offsets", "geom_lonlat",
    )  # fmt: skip

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.osm_ids.shape[0])

    @property
    def n_edges(self) -> int:
        """Number of directed edges (parallel edges included)."""
        return int(self.src.shape[0])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RoadNetwork):
            return NotImplemented
        return all(np.array_equal(getattr(self, f), getattr(other, f)) for f in self._FIELDS)

    __hash__ = None  # type: ignore[assignment]

    @cached_property
    def _best_edge(self) -> npt.NDArray[np.int64]:
        """Index of the fastest edge of each (src, dst) pair, sorted by ``src * n + dst``."""
        key = self.src.astype(np.int64) * self.n_nodes + self.dst
        order = np.lexsort((self.seconds, key))
        first = np.ones(order.shape[0], dtype=bool)
        first[1:] = key[order][1:] != key[order][:-1]
        return order[first]

    @cached_property
    def pair_keys(self) -> npt.NDArray[np.int64]:
        """Sorted ``src * n + dst`` keys of the fastest edge per node pair."""
        best = self._best_edge
        return self.src[best].astype(np.int64) * self.n_nodes + self.dst[best]

    @cached_property
    def pair_edges(self) -> npt.NDArray[np.int64]:
        """Edge index aligned with :attr:`pair_keys`."""
        return self._best_edge

    @cached_property
    def csr_seconds(self) -> sp.csr_array:
        """Sparse ``n × n`` matrix of the fastest edge's seconds between adjacent nodes."""
        best = self._best_edge
        n = self.n_nodes
        return sp.csr_array(
            (np.maximum(self.seconds[best], 1e-6), (self.src[best], self.dst[best])), shape=(n, n)
        )

    def edge_between(self, u: npt.ArrayLike, v: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Fastest edge from ``u`` to ``v`` (arrays of node indices, all adjacent)."""
        key = np.asarray(u, dtype=np.int64) * self.n_nodes + np.asarray(v, dtype=np.int64)
        pos = np.searchsorted(self.pair_keys, key)
        return self.pair_edges[pos]

    def edge_geometry(self, k: int) -> npt.NDArray[np.float64]:
        """(lon, lat) vertices of edge ``k``."""
        return self.geom_lonlat[self.geom_offsets[k] : self.geom_offsets[k + 1]]

    def save(self, path: Path) -> None:
        """Write the arrays to ``path`` (``.npz``), atomically."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".npz", delete=False) as tmp:
            np.savez(tmp, **{f: getattr(self, f) for f in self._FIELDS})
        Path(tmp.name).replace(path)

    @classmethod
    def load(cls, path: Path) -> RoadNetwork:
        """Read arrays written by :meth:`save`."""
        with np.load(path) as data:
            return cls(**{f: data[f] for f in cls._FIELDS})

    def to_networkx(self) -> nx.DiGraph:
        """A ``networkx.DiGraph`` (fastest parallel edge kept) with ``travel_time``, ``length``."""
        g = nx.DiGraph()
        g.add_nodes_from(range(self.n_nodes))
        best = self._best_edge
        g.add_edges_from(
            (int(self.src[k]), int(self.dst[k]),
             {"travel_time": float(self.seconds[k]), "length": float(self.metres[k])})
            for k in best
        )  # fmt: skip
        return g


def against_way(data: Mapping[str, Any], reversed_ways: Collection[int]) -> bool:
    """Whether an unsimplified osmnx edge runs against its OSM way's direction (node order).

    osmnx's ``reversed`` says whether the edge runs against the node order *it built the way
    with*; for a way in ``reversed_ways`` (a ``oneway=-1`` way, see :data:`REVERSED_ONEWAY`)
    that order is itself the OSM order reversed.
    """
    return bool(data.get("reversed", False)) != (data.get("osmid") in reversed_ways)


def simplify_with_signals(
    graph: nx.MultiDiGraph,
    signals: Mapping[int, str] | None = None,
    reversed_ways: Collection[int] = frozenset(),
) -> nx.MultiDiGraph:
    """Simplify an unsimplified osmnx graph, counting the traffic lights each edge meets.

    Each unsimplified edge gets ``signals``: 1 when its end node holds a light that stops cars
    coming this way (:func:`fieldcrm.routing.drive_time.signals_met`, the way's direction from
    :func:`against_way`), else 0; simplification sums them, so a simplified edge counts the
    lights of its interior nodes and of its end node.

    Parameters
    ----------
    graph
        An osmnx graph built with ``simplify=False``.
    signals
        OSM node id → light direction (:func:`traffic_signal_nodes`); by default read from the
        nodes' ``highway`` attribute (no direction).
    reversed_ways
        OSM ids of the ways osmnx built against their node order (:func:`reversed_oneway_ways`);
        needed only when ``signals`` has directions.

    Returns
    -------
    networkx.MultiDiGraph
        ``osmnx.simplify_graph`` of the graph, with ``signals`` on every edge.
    """
    import osmnx as ox

    if signals is None:
        signals = {
            int(n): "both"
            for n, d in graph.nodes(data=True)
            if d.get("highway") == "traffic_signals"
        }
    for _u, v, data in graph.edges(data=True):
        data["signals"] = drive_time.signals_met(
            signals.get(int(v)), reversed_edge=against_way(data, reversed_ways)
        )
    return ox.simplify_graph(graph, edge_attr_aggs={"length": sum, "signals": sum})


def traffic_signal_nodes(source: Path) -> dict[int, str]:
    """OSM node id → direction of every ``highway=traffic_signals`` node of an OSM file."""
    import osmium

    found: dict[int, str] = {}
    for node in osmium.FileProcessor(str(source), osmium.osm.NODE):
        if node.tags.get("highway") == "traffic_signals":
            direction = drive_time.signal_direction(dict(node.tags))
            if direction is not None:
                found[node.id] = direction
    return found


def reversed_oneway_ways(source: Path) -> frozenset[int]:
    """OSM ids of the ways of an OSM file whose ``oneway`` tag is in :data:`REVERSED_ONEWAY`."""
    import osmium

    return frozenset(
        way.id
        for way in osmium.FileProcessor(str(source), osmium.osm.WAY)
        if way.tags.get("oneway") in REVERSED_ONEWAY
    )


def _junctions(
    src: npt.NDArray[np.int32], dst: npt.NDArray[np.int32], n: int
) -> npt.NDArray[np.bool_]:
    """Nodes with three or more distinct neighbours (either direction)."""
    pairs = np.unique(np.sort(np.column_stack([src, dst]), axis=1), axis=0)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    return np.bincount(pairs.ravel(), minlength=n) >= 3


def from_osmnx(
    graph: nx.MultiDiGraph, *, defaults: Mapping[str, float] = FRENCH_DEFAULT_KMH
) -> RoadNetwork:
    """Turn an osmnx graph into a :class:`RoadNetwork`, keeping its largest strongly connected part.

    Parameters
    ----------
    graph
        An osmnx ``MultiDiGraph`` (unprojected, with ``length`` on edges, and ``signals`` when
        simplified by :func:`simplify_with_signals`; without it, an edge meets a light when its
        end node is ``highway=traffic_signals``).
    defaults
        km/h per road class when ``maxspeed`` is missing.

    Returns
    -------
    RoadNetwork
        Edges with speeds and travel times (:mod:`fieldcrm.routing.drive_time`); nodes ordered
        by OSM id, edges by (src, dst, key).
    """
    import osmnx as ox

    if graph.number_of_nodes() == 0:
        raise InvalidInput("graph", "no drivable road in the OpenStreetMap data")
    graph = ox.truncate.largest_component(graph, strongly=True)
    ids = np.array(sorted(graph.nodes), dtype=np.int64)
    index = {int(n): i for i, n in enumerate(ids)}
    xs = np.array([graph.nodes[int(n)]["x"] for n in ids], dtype=np.float64)
    ys = np.array([graph.nodes[int(n)]["y"] for n in ids], dtype=np.float64)
    edges = sorted(
        graph.edges(keys=True, data=True), key=lambda e: (index[e[0]], index[e[1]], e[2])
    )
    src = np.array([index[e[0]] for e in edges], dtype=np.int32)
    dst = np.array([index[e[1]] for e in edges], dtype=np.int32)
    metres = np.array([float(e[3].get("length", 0.0)) for e in edges], dtype=np.float64)
    urban = urban_nodes(xs, ys)
    junction = _junctions(src, dst, ids.shape[0])
    seconds = np.array(
        [
            _edge_seconds(graph, e, m, defaults, urban, junction, index)
            for e, m in zip(edges, metres, strict=True)
        ],
        dtype=np.float64,
    )
    offsets = [0]
    coords: list[tuple[float, float]] = []
    for u, v, _key, data in edges:
        geom = data.get("geometry")
        if geom is not None:
            coords.extend((float(x), float(y)) for x, y in geom.coords)
        else:
            coords.append((float(xs[index[u]]), float(ys[index[u]])))
            coords.append((float(xs[index[v]]), float(ys[index[v]])))
        offsets.append(len(coords))
    return RoadNetwork(
        osm_ids=ids, lon=xs, lat=ys, src=src, dst=dst, metres=metres, seconds=seconds,
        geom_offsets=np.array(offsets, dtype=np.int64),
        geom_lonlat=np.array(coords, dtype=np.float64).reshape(-1, 2),
    )  # fmt: skip


def _edge_seconds(
    graph: nx.MultiDiGraph,
    edge: tuple[Any, Any, Any, dict[str, Any]],
    metres: float,
    defaults: Mapping[str, float],
    urban: npt.NDArray[np.bool_],
    junction: npt.NDArray[np.bool_],
    index: Mapping[int, int],
) -> float:
    """Seconds of one osmnx edge: limit, running speed, then the delays at its end."""
    u, v, _key, data = edge
    highway, maxspeed = data.get("highway"), data.get("maxspeed")
    in_town = bool(urban[index[u]] and urban[index[v]])
    limit = edge_speed_kmh(highway, maxspeed, defaults=defaults, urban=in_town)
    kmh = drive_time.running_kmh(
        highway, limit, tagged=parse_maxspeed(maxspeed) is not None, urban=in_town
    )
    signals = data.get("signals")
    if signals is None:
        signals = int(graph.nodes[v].get("highway") == "traffic_signals")
    return drive_time.edge_seconds(
        metres,
        kmh,
        signals=int(signals),
        junction=in_town and bool(junction[index[v]]) and drive_time.pays_junction(highway),
    )


def drivable_xml(source: Path, target: Path, *, classes: frozenset[str]) -> None:
    """Write the drivable ``highway`` ways of ``source`` (.osm/.osm.pbf) and their nodes as OSM XML.

    Ways tagged ``access=no|private`` (without a ``motor_vehicle``/``motorcar`` permission),
    ``motor_vehicle=no`` or ``area=yes`` are left out.
    """
    import osmium

    def drivable(way: Any) -> bool:
        tags = way.tags
        if tags.get("highway") not in classes or tags.get("area") == "yes":
            return False
        motor = tags.get("motor_vehicle") or tags.get("motorcar")
        if motor is not None:
            return motor not in _BLOCKED_ACCESS
        return tags.get("access") not in _BLOCKED_ACCESS

    target.unlink(missing_ok=True)
    with osmium.BackReferenceWriter(str(target), ref_src=str(source), overwrite=True) as writer:
        for way in osmium.FileProcessor(str(source), osmium.osm.WAY):
            if drivable(way):
                writer.add_way(way)


def build_params(defaults: Mapping[str, float]) -> dict[str, Any]:
    """The parameters that, with the file's hash, key the cache."""
    return {
        "version": BUILD_VERSION,
        "reversed_oneway": sorted(REVERSED_ONEWAY),
        "defaults": dict(sorted(defaults.items())),
        "simplify": True,
        "urban": [URBAN_KMH, sorted(URBAN_CAPPED), URBAN_CELL_M, URBAN_MIN_NODES],
        "drive_time": drive_time.model_params(),
    }


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def cache_path(
    source: Path, cache_dir: Path, *, defaults: Mapping[str, float] = FRENCH_DEFAULT_KMH
) -> Path:
    """Where the network built from ``source`` with these parameters is cached."""
    params = json.dumps(build_params(defaults), sort_keys=True).encode()
    key = hashlib.sha256(file_sha256(source).encode() + params).hexdigest()[:24]
    stem = source.name.split(".")[0]
    return cache_dir / f"{stem}-{key}.npz"


def build_network(
    source: Path,
    *,
    defaults: Mapping[str, float] = FRENCH_DEFAULT_KMH,
    progress: Callable[[str], None] | None = None,
) -> RoadNetwork:
    """Build the drivable network of an OSM file (no cache).

    Parameters
    ----------
    source
        An ``.osm`` or ``.osm.pbf`` file.
    defaults
        km/h per drivable road class (also the set of classes kept).
    progress
        Called with a short message at each step.

    Returns
    -------
    RoadNetwork
        The largest strongly connected drivable part.
    """
    import osmnx as ox

    if not source.is_file():
        raise InvalidInput("source", "no such OpenStreetMap file", value=str(source))
    say = progress or (lambda _msg: None)
    with tempfile.TemporaryDirectory(prefix="fieldcrm-roads-") as tmp:
        xml = Path(tmp) / "roads.osm"
        say("extracting drivable ways")
        drivable_xml(source, xml, classes=frozenset(defaults))
        say("building the osmnx graph")
        graph = ox.graph_from_xml(xml, bidirectional=False, simplify=False, retain_all=True)
        reversed_ways = reversed_oneway_ways(xml)
    say("traffic lights, simplification")
    graph = simplify_with_signals(graph, traffic_signal_nodes(source), reversed_ways)
    say("speeds, travel times, largest strongly connected component")
    return from_osmnx(graph, defaults=defaults)


def load_network(
    source: Path,
    *,
    cache_dir: Path | None,
    defaults: Mapping[str, float] = FRENCH_DEFAULT_KMH,
    progress: Callable[[str], None] | None = None,
) -> RoadNetwork:
    """The network of ``source``, from the disk cache when present, else built and cached.

    Parameters
    ----------
    source
        An ``.osm`` or ``.osm.pbf`` file, or an ``.npz`` network saved earlier (read as is).
    cache_dir
        Directory of cached ``.npz`` files; ``None`` disables the cache.
    defaults
        km/h per drivable road class.
    progress
        Called with a short message at each step.

    Returns
    -------
    RoadNetwork
        Same arrays whether built or read from the cache.
    """
    if not source.is_file():
        raise InvalidInput("source", "no such OpenStreetMap file", value=str(source))
    if source.suffix == ".npz":  # a network saved by ``fetch_place`` or ``RoadNetwork.save``
        return RoadNetwork.load(source)
    if cache_dir is None:
        return build_network(source, defaults=defaults, progress=progress)
    path = cache_path(source, cache_dir, defaults=defaults)
    if path.is_file():
        if progress:
            progress(f"cached: {path}")
        return RoadNetwork.load(path)
    network = build_network(source, defaults=defaults, progress=progress)
    network.save(path)
    return network


def fetch_place(
    place: str,
    *,
    defaults: Mapping[str, float] = FRENCH_DEFAULT_KMH,
    progress: Callable[[str], None] | None = None,
) -> RoadNetwork:
    """Download the drivable network of a place name from OpenStreetMap (needs the Internet).

    Parameters
    ----------
    place
        A name Nominatim knows, e.g. ``"Ille-et-Vilaine, France"``.
    defaults
        km/h per drivable road class.
    progress
        Called with a short message at each step.

    Returns
    -------
    RoadNetwork
        The largest strongly connected drivable part.

    Raises
    ------
    ExternalServiceError
        The place is unknown or the OpenStreetMap services cannot be reached (offline).
    """
    import osmnx as ox

    if not place.strip():
        raise InvalidInput("place", "must not be empty", value=place)
    if progress:
        progress(f"downloading the drivable roads of {place!r}")
    try:
        graph = ox.graph_from_place(place, network_type="drive", simplify=False, retain_all=True)
    except Exception as exc:  # requests, Nominatim and Overpass errors alike
        raise ExternalServiceError(
            f"could not download the roads of {place!r} (offline, or unknown place?): {exc}"
        ) from exc
    if progress:
        progress("speeds, travel times, largest strongly connected component")
    return from_osmnx(simplify_with_signals(graph), defaults=defaults)


def place_slug(place: str) -> str:
    """File-name-safe form of a place name."""
    return re.sub(r"[^a-z0-9]+", "-", place.lower()).strip("-") or "place"
