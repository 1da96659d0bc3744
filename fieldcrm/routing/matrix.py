"""Travel times on the road graph: many-to-many matrices and routes through ordered stops.

Method (chosen by measurement, see ``bench/road_matrix.py``): the network's fastest edge per
node pair forms a CSR matrix of seconds; ``scipy.sparse.csgraph.dijkstra`` runs once from each
distinct source node (compiled code, one call for all sources). The metres of each fastest path
come from the predecessor trees by pointer jumping (``log2(depth)`` vectorised steps), so time
and distance describe the same path. Sources are processed in blocks to bound memory.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy.sparse.csgraph import dijkstra

from fieldcrm.errors import InvalidInput
from fieldcrm.geo import GeoPoint
from fieldcrm.routing.network import RoadNetwork
from fieldcrm.routing.snap import DEFAULT_MAX_SNAP_M, Snapped, Snapper
from fieldcrm.routing.travel import RouteLeg, TravelMatrix

_BLOCK_CELLS = 8_000_000
"""Largest ``sources × nodes`` block held at once (about 200 MB of work arrays)."""


def tree_metres(network: RoadNetwork, pred: npt.NDArray[np.int32]) -> npt.NDArray[np.float64]:
    """Metres from each tree root to every node, along shortest-path trees.

    Parameters
    ----------
    network
        The network the trees were computed on.
    pred
        ``(S, n)`` predecessor arrays from ``dijkstra`` (``-9999`` at roots and unreachable).

    Returns
    -------
    numpy.ndarray
        ``(S, n)`` metres; 0 at roots and at unreachable nodes.
    """
    s, n = pred.shape
    nodes = np.broadcast_to(np.arange(n), (s, n))
    has = pred >= 0
    parent = np.where(has, pred, nodes).astype(np.int64)
    acc = np.zeros((s, n))
    acc[has] = network.metres[network.edge_between(pred[has], nodes[has])]
    while True:
        grand = np.take_along_axis(parent, parent, axis=1)
        if np.array_equal(grand, parent):
            return acc
        acc = acc + np.take_along_axis(acc, parent, axis=1)
        parent = grand


class GraphTravelTimes:
    """:class:`~fieldcrm.routing.travel.TravelTimes` on an OpenStreetMap road graph.

    Parameters
    ----------
    network
        The road network (see :func:`fieldcrm.routing.network.load_network`).
    max_snap_m
        Points farther than this from any road are reported off the network.

    Notes
    -----
    A point joins the network at the nearer end of its nearest road; the time and length
    along that road from the point to the node are added on both leaving and arriving. The
    straight access distance (``snap_m``) is reported, not charged.
    """

    name = "graph"

    def __init__(self, network: RoadNetwork, *, max_snap_m: float = DEFAULT_MAX_SNAP_M) -> None:
        self.network = network
        self.snapper = Snapper(network, max_snap_m=max_snap_m)

    def node_matrix(
        self, sources: npt.NDArray[np.int64], targets: npt.NDArray[np.int64]
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Seconds and metres of the fastest paths between network nodes.

        Parameters
        ----------
        sources, targets
            Node indices.

        Returns
        -------
        tuple of numpy.ndarray
            ``(len(sources), len(targets))`` seconds and metres; ``inf`` when unreachable.
        """
        uniq, inverse = np.unique(sources, return_inverse=True)
        n = self.network.n_nodes
        seconds = np.empty((uniq.shape[0], targets.shape[0]))
        metres = np.empty_like(seconds)
        step = max(1, _BLOCK_CELLS // max(n, 1))
        for lo in range(0, uniq.shape[0], step):
            block = uniq[lo : lo + step]
            dist, pred = dijkstra(
                self.network.csr_seconds, directed=True, indices=block, return_predecessors=True
            )
            dist = np.atleast_2d(dist)
            pred = np.atleast_2d(pred)
            seconds[lo : lo + step] = dist[:, targets]
            m = tree_metres(self.network, pred)[:, targets]
            metres[lo : lo + step] = np.where(np.isfinite(dist[:, targets]), m, np.inf)
        return seconds[inverse], metres[inverse]

    def matrix(self, points: Sequence[GeoPoint]) -> TravelMatrix:
        """Seconds and metres between every ordered pair of ``points`` (asymmetric).

        Points off the network get ``inf`` rows and columns and are listed in ``off_network``.
        """
        snapped = self.snapper.snap(points)
        k = len(points)
        seconds = np.full((k, k), np.inf)
        metres = np.full((k, k), np.inf)
        on = np.nonzero(snapped.node >= 0)[0]
        if on.size:
            nodes = snapped.node[on]
            s, m = self.node_matrix(nodes, nodes)
            s = s + snapped.offset_s[on][:, None] + snapped.offset_s[on][None, :]
            m = m + snapped.offset_m[on][:, None] + snapped.offset_m[on][None, :]
            seconds[np.ix_(on, on)] = s
            metres[np.ix_(on, on)] = m
        np.fill_diagonal(seconds, 0.0)
        np.fill_diagonal(metres, 0.0)
        return TravelMatrix(seconds, metres, snapped.snap_m.copy(), snapped.off_network)

    def node_path(self, u: int, v: int) -> list[int]:
        """Nodes of the fastest path from ``u`` to ``v`` (empty when unreachable)."""
        if u == v:
            return [u]
        _dist, pred = dijkstra(
            self.network.csr_seconds, directed=True, indices=u, return_predecessors=True
        )
        if pred[v] < 0:
            return []
        path = [v]
        while path[-1] != u:
            path.append(int(pred[path[-1]]))
        return path[::-1]

    def route(self, stops: Sequence[GeoPoint]) -> RouteLeg:
        """Road geometry, seconds and metres of the path through ``stops`` in order.

        Raises
        ------
        InvalidInput
            Fewer than two stops, or a stop off the network.
        """
        if len(stops) < 2:
            raise InvalidInput("stops", "a route needs at least two stops", value=len(stops))
        snapped: Snapped = self.snapper.snap(stops)
        if snapped.off_network:
            raise InvalidInput(
                "stops",
                f"stop farther than {self.snapper.max_snap_m:.0f} m from any road",
                value=list(snapped.off_network),
            )
        net = self.network
        geometry: list[tuple[float, float]] = [(stops[0].lon, stops[0].lat)]
        seconds = metres = 0.0
        for i in range(len(stops) - 1):
            a, b = int(snapped.node[i]), int(snapped.node[i + 1])
            seconds += float(snapped.offset_s[i] + snapped.offset_s[i + 1])
            metres += float(snapped.offset_m[i] + snapped.offset_m[i + 1])
            path = self.node_path(a, b)
            for u, v in itertools.pairwise(path):
                k = int(net.edge_between(np.array([u]), np.array([v]))[0])
                seconds += float(net.seconds[k])
                metres += float(net.metres[k])
                geometry.extend((float(x), float(y)) for x, y in net.edge_geometry(k))
            if len(path) == 1:
                geometry.append((float(net.lon[a]), float(net.lat[a])))
            geometry.append((stops[i + 1].lon, stops[i + 1].lat))
        return RouteLeg(geometry=_dedupe(geometry), seconds=seconds, metres=metres)


def _dedupe(coords: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for c in coords:
        if not out or out[-1] != c:
            out.append(c)
    return out
