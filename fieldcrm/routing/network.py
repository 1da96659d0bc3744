"""Drivable road network: built with osmnx from a local OpenStreetMap file, cached on disk.

The graph is read from ``.osm`` / ``.osm.pbf`` files: a PBF is first reduced with pyosmium
(a project dependency) to the drivable ``highway`` ways and the nodes they use, written as
OSM XML, which osmnx reads. Each edge gets a speed (its ``maxspeed`` tag when it can be read,
else the French default of its road class, see :data:`FRENCH_DEFAULT_KMH`) and a travel time;
only the largest strongly connected component is kept so that every kept node can reach every
other one.

The result is a :class:`RoadNetwork`: flat numpy arrays (nodes, directed edges, edge
geometries), cheap to save as ``.npz`` and to turn into a sparse matrix for Dijkstra. The cache
file name holds the SHA-256 of the source file and of the build parameters, so a changed file
or a changed speed table builds again.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from fieldcrm.errors import ExternalServiceError, InvalidInput

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

BUILD_VERSION = 2
"""Bumped when the build changes so that old cache files are not reused."""

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


def from_osmnx(
    graph: nx.MultiDiGraph, *, defaults: Mapping[str, float] = FRENCH_DEFAULT_KMH
) -> RoadNetwork:
    """Turn an osmnx graph into a :class:`RoadNetwork`, keeping its largest strongly connected part.

    Parameters
    ----------
    graph
        An osmnx ``MultiDiGraph`` (unprojected, with ``length`` on edges).
    defaults
        km/h per road class when ``maxspeed`` is missing.

    Returns
    -------
    RoadNetwork
        Edges with speeds and travel times; nodes ordered by OSM id, edges by (src, dst, key).
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
    kmh = np.array(
        [
            edge_speed_kmh(
                e[3].get("highway"),
                e[3].get("maxspeed"),
                defaults=defaults,
                urban=bool(urban[index[e[0]]] and urban[index[e[1]]]),
            )
            for e in edges
        ],
        dtype=np.float64,
    )
    seconds = metres / (kmh / 3.6)
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
        "defaults": dict(sorted(defaults.items())),
        "simplify": True,
        "urban": [URBAN_KMH, sorted(URBAN_CAPPED), URBAN_CELL_M, URBAN_MIN_NODES],
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
        graph = ox.graph_from_xml(xml, bidirectional=False, simplify=True, retain_all=True)
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
        graph = ox.graph_from_place(place, network_type="drive", simplify=True, retain_all=True)
    except Exception as exc:  # requests, Nominatim and Overpass errors alike
        raise ExternalServiceError(
            f"could not download the roads of {place!r} (offline, or unknown place?): {exc}"
        ) from exc
    if progress:
        progress("speeds, travel times, largest strongly connected component")
    return from_osmnx(graph, defaults=defaults)


def place_slug(place: str) -> str:
    """File-name-safe form of a place name."""
    return re.sub(r"[^a-z0-9]+", "-", place.lower()).strip("-") or "place"
