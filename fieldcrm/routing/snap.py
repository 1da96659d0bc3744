"""Snapping points to the road network: the foot of each point on its nearest edge.

A point joins the graph where it stands on its nearest road, not at a node: at a fraction
``frac`` along its nearest directed edge ``u → v``. Leaving it, a car drives on to ``v`` (the
rest of ``u → v``) or back to ``u`` along the reverse edge ``v → u`` when the street is two-way;
arriving, it comes from ``u`` along ``u → v`` or from ``v`` along ``v → u``. Two points on the
same street drive straight from one foot to the other when the street's direction allows it.
:func:`join` is the one place that decides this; matrices and drawn routes both use it.

Distances are measured in a local azimuthal equidistant projection centred on the network
(metre-accurate over a département). A point farther than ``max_snap_m`` from every road is
not moved: it is reported in :attr:`Snapped.off_network`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Transformer

from fieldcrm.errors import InvalidInput
from fieldcrm.geo import GeoPoint
from fieldcrm.routing.network import RoadNetwork

DEFAULT_MAX_SNAP_M = 500.0
"""Default farthest distance (m) from a road at which a point is still snapped."""

AT_NODE_M = 2.0
"""A foot this close (m, along its edge) to an end node stands at that node: it may join the
node against a one-way edge (a point placed on an intersection snaps to any of its edges)."""

EXIT_ALONG, EXIT_BACK = 0, 1
"""Join slots: ``0`` along the snapped edge ``u → v`` (leave to ``v``, arrive from ``u``);
``1`` against it (leave to ``u``, arrive from ``v``), over the reverse edge ``v → u``."""


def reverse_edges(network: RoadNetwork) -> npt.NDArray[np.int64]:
    """For each directed edge ``u → v``, the edge ``v → u`` of the same road, or ``-1``.

    The same road is the edge whose geometry is the reverse of this one (same vertex count,
    same length within 1 cm, mirrored second vertex): a parallel road between the same two
    nodes is not taken for the way back.
    """
    n = network.n_nodes
    key = network.src.astype(np.int64) * n + network.dst
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    back = network.dst.astype(np.int64) * n + network.src
    lo = np.searchsorted(sorted_key, back, side="left")
    hi = np.searchsorted(sorted_key, back, side="right")
    count = hi - lo
    edge = np.repeat(np.arange(network.n_edges), count)
    cand = order[
        np.repeat(lo, count) + (np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count))
    ]
    off = network.geom_offsets
    verts = np.diff(off)
    geom = network.geom_lonlat
    ok = (
        (verts[edge] == verts[cand])
        & (np.abs(network.metres[edge] - network.metres[cand]) <= 0.01)
        & np.all(geom[off[edge] + 1] == geom[off[cand + 1] - 2], axis=1)
        & (edge != cand)
    )
    twin = np.full(network.n_edges, -1, dtype=np.int64)
    matched, first = np.unique(edge[ok], return_index=True)  # first matching candidate
    twin[matched] = cand[ok][first]
    return twin


@dataclass(frozen=True)
class Snapped:
    """Where each input point stands on the network, and how it joins the graph.

    ``edge[i]`` is the nearest directed edge of point ``i`` (-1 when off the network),
    ``frac[i]`` the position of its foot along that edge's geometry (0 at ``src``, 1 at ``dst``),
    ``twin[i]`` the reverse edge of the same road (-1 on a one-way street); ``snap_m[i]`` the
    straight distance from the point to its foot (reported, not charged).

    The joins (see :func:`join`) have two slots per point, :data:`EXIT_ALONG` and
    :data:`EXIT_BACK`: ``exit_node[i, s]`` is the node point ``i`` reaches after
    ``exit_s``/``exit_m`` seconds/metres on its edge, ``entry_node[i, s]`` the node it is reached
    from, ``entry_s``/``entry_m`` before it; an impossible slot has node -1 and ``inf`` cost.
    ``line``/``pos`` place the foot on the road independently of its direction, for
    :func:`along_road`.
    """

    edge: npt.NDArray[np.int64]
    frac: npt.NDArray[np.float64]
    twin: npt.NDArray[np.int64]
    snap_m: npt.NDArray[np.float64]
    off_network: tuple[int, ...]
    exit_node: npt.NDArray[np.int64]
    exit_s: npt.NDArray[np.float64]
    exit_m: npt.NDArray[np.float64]
    entry_node: npt.NDArray[np.int64]
    entry_s: npt.NDArray[np.float64]
    entry_m: npt.NDArray[np.float64]
    line: npt.NDArray[np.int64]
    pos: npt.NDArray[np.float64]

    @property
    def node(self) -> npt.NDArray[np.int64]:
        """The end node of its edge nearer to each foot (-1 off the network).

        For diagnostics only: travel figures go through the joins, not through this node.
        """
        nearer = np.where(self.frac >= 0.5, self.exit_node[:, 0], self.entry_node[:, 0])
        return np.where(self.edge >= 0, nearer, -1)

    def join_nodes(self) -> npt.NDArray[np.int64]:
        """The distinct nodes any point leaves to or arrives from (sorted)."""
        nodes = np.concatenate([self.exit_node.ravel(), self.entry_node.ravel()])
        return np.unique(nodes[nodes >= 0])


def join(
    network: RoadNetwork,
    edge: npt.NDArray[np.int64],
    frac: npt.NDArray[np.float64],
    twin: npt.NDArray[np.int64],
    snap_m: npt.NDArray[np.float64],
    off: npt.NDArray[np.bool_],
) -> Snapped:
    """How points standing at ``frac`` along ``edge`` join the graph (the one rule).

    Slot :data:`EXIT_ALONG`: leave to ``v`` over the rest of ``u → v``, arrive from ``u`` over
    its first part. Slot :data:`EXIT_BACK`: leave to ``u`` over the last part of the reverse edge
    ``v → u``, arrive from ``v`` over its first part; on a one-way street only when the foot is
    within :data:`AT_NODE_M` of that node (at the node, priced along ``u → v``).

    Parameters
    ----------
    network
        The road network.
    edge, frac, twin
        Nearest edge, position along it (0..1) and its reverse edge (-1 if none) per point.
    snap_m
        Straight distance from each point to its foot.
    off
        Points off the network: every slot impossible.
    """
    e = np.where(off, 0, edge)
    f = np.where(off, 0.0, frac)
    has_twin = (twin >= 0) & ~off
    t = np.where(has_twin, twin, e)  # one-way: priced along u → v near its node
    sec, met = network.seconds, network.metres
    u, v = network.src[e].astype(np.int64), network.dst[e].astype(np.int64)
    back_exit = has_twin | (f * met[e] <= AT_NODE_M)
    back_entry = has_twin | ((1.0 - f) * met[e] <= AT_NODE_M)
    inf = np.inf

    def pick(ok: npt.NDArray[np.bool_], x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.where(ok & ~off, x, inf)

    exit_s = np.column_stack([pick(~off, (1.0 - f) * sec[e]), pick(back_exit, f * sec[t])])
    exit_m = np.column_stack([pick(~off, (1.0 - f) * met[e]), pick(back_exit, f * met[t])])
    entry_s = np.column_stack([pick(~off, f * sec[e]), pick(back_entry, (1.0 - f) * sec[t])])
    entry_m = np.column_stack([pick(~off, f * met[e]), pick(back_entry, (1.0 - f) * met[t])])
    exit_node = np.column_stack([v, u])
    entry_node = np.column_stack([u, v])
    exit_node[~np.isfinite(exit_s)] = -1
    entry_node[~np.isfinite(entry_s)] = -1
    # the road independently of direction: the smaller of the two edge ids, position along it
    flip = has_twin & (twin < e)
    line = np.where(off, -1, np.where(flip, twin, e)).astype(np.int64)
    pos = np.where(flip, 1.0 - f, f)
    return Snapped(
        edge=np.where(off, -1, edge).astype(np.int64),
        frac=f,
        twin=np.where(has_twin, twin, -1).astype(np.int64),
        snap_m=snap_m,
        off_network=tuple(int(i) for i in np.nonzero(off)[0]),
        exit_node=exit_node,
        exit_s=exit_s,
        exit_m=exit_m,
        entry_node=entry_node,
        entry_s=entry_s,
        entry_m=entry_m,
        line=line,
        pos=pos,
    )


def along_road(
    network: RoadNetwork, snapped: Snapped, i: npt.NDArray[np.int64], j: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Seconds and metres from point ``i`` straight to point ``j`` on the same road.

    ``inf`` when the two feet are on different roads, or when the road is one-way and ``j``
    stands behind ``i``.
    """
    same = (snapped.line[i] == snapped.line[j]) & (snapped.line[i] >= 0)
    c = np.where(same, snapped.line[i], 0)
    # the reverse edge of the line: the twin of whichever edge the point snapped to
    other = np.where(snapped.edge[i] == c, snapped.twin[i], snapped.edge[i])
    step = snapped.pos[j] - snapped.pos[i]
    fwd = same & (step >= 0)
    back_ok = same & (step < 0) & (other >= 0)
    back = np.where(back_ok, other, c)
    seconds = np.where(
        fwd, step * network.seconds[c], np.where(back_ok, -step * network.seconds[back], np.inf)
    )
    metres = np.where(
        fwd, step * network.metres[c], np.where(back_ok, -step * network.metres[back], np.inf)
    )
    return seconds, metres


class Snapper:
    """Nearest-edge index over a :class:`RoadNetwork`.

    Parameters
    ----------
    network
        The road network.
    max_snap_m
        Points farther than this from every road are reported as off the network.
    """

    def __init__(self, network: RoadNetwork, *, max_snap_m: float = DEFAULT_MAX_SNAP_M) -> None:
        if not (max_snap_m > 0 and np.isfinite(max_snap_m)):
            raise InvalidInput(
                "max_snap_m", "must be a positive number of metres", value=max_snap_m
            )
        self.network = network
        self.max_snap_m = float(max_snap_m)
        lon0 = float((network.lon.min() + network.lon.max()) / 2)
        lat0 = float((network.lat.min() + network.lat.max()) / 2)
        self._to_xy = Transformer.from_crs(
            "EPSG:4326",
            f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +units=m +ellps=WGS84",
            always_xy=True,
        )
        x, y = self._to_xy.transform(network.geom_lonlat[:, 0], network.geom_lonlat[:, 1])
        xy = np.column_stack([x, y])
        offsets = network.geom_offsets
        # cumulative projected length at each vertex, from the start of its edge
        seg = np.hypot(np.diff(x, prepend=x[:1]), np.diff(y, prepend=y[:1]))
        seg[offsets[:-1]] = 0.0
        cum = np.cumsum(seg)
        self._along = cum - np.repeat(cum[offsets[:-1]], np.diff(offsets))
        # One line per directed edge; both directions of a two-way street share a geometry.
        self._lines = shapely.linestrings(
            xy, indices=np.repeat(np.arange(network.n_edges), np.diff(offsets))
        )
        self._tree = shapely.STRtree(self._lines)
        self.twin = reverse_edges(network)

    def snap(self, points: Sequence[GeoPoint]) -> Snapped:
        """Snap ``points`` to the network.

        Parameters
        ----------
        points
            Points to snap.

        Returns
        -------
        Snapped
            Nearest edge, position along it, joins, distances and the indices of points
            farther than ``max_snap_m``.
        """
        n = len(points)
        lon = np.array([p.lon for p in points], dtype=np.float64)
        lat = np.array([p.lat for p in points], dtype=np.float64)
        edge = np.full(n, -1, dtype=np.int64)
        snap_m = np.full(n, np.inf)
        frac = np.zeros(n)
        if n:
            x, y = self._to_xy.transform(lon, lat)
            geoms = shapely.points(np.column_stack([x, y]))
            (qi, ei), dist = self._tree.query_nearest(
                geoms, return_distance=True, all_matches=False
            )
            edge[qi] = ei
            snap_m[qi] = dist
            frac = np.clip(
                shapely.line_locate_point(self._lines[edge], geoms, normalized=True), 0.0, 1.0
            )
            frac = np.nan_to_num(frac)  # zero-length edges
        off = snap_m > self.max_snap_m
        twin = np.where(edge >= 0, self.twin[np.maximum(edge, 0)], -1)
        return join(self.network, edge, frac, twin, snap_m, off)

    def part(self, k: int, start: float, end: float) -> list[tuple[float, float]]:
        """(lon, lat) vertices of edge ``k`` from fraction ``start`` to ``end`` of its length.

        ``start > end`` gives the part backwards (the way a car on the reverse edge sees it).
        """
        if start > end:
            return self.part(k, end, start)[::-1]
        lo, hi = int(self.network.geom_offsets[k]), int(self.network.geom_offsets[k + 1])
        coords = self.network.geom_lonlat[lo:hi]
        along = self._along[lo:hi]
        total = float(along[-1])
        if total <= 0:
            return [(float(coords[0, 0]), float(coords[0, 1]))]
        a, b = start * total, end * total
        out = [_interpolate(coords, along, a)]
        inner = np.nonzero((along > a) & (along < b))[0]
        out.extend((float(coords[i, 0]), float(coords[i, 1])) for i in inner)
        out.append(_interpolate(coords, along, b))
        return out


def _interpolate(
    coords: npt.NDArray[np.float64], along: npt.NDArray[np.float64], d: float
) -> tuple[float, float]:
    lon = float(np.interp(d, along, coords[:, 0]))
    lat = float(np.interp(d, along, coords[:, 1]))
    return lon, lat
