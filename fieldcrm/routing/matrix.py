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
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.sparse.csgraph import dijkstra

from fieldcrm.errors import InvalidInput
from fieldcrm.geo import GeoPoint
from fieldcrm.routing.network import RoadNetwork
from fieldcrm.routing.snap import (
    DEFAULT_MAX_SNAP_M,
    EXIT_ALONG,
    Snapped,
    Snapper,
    along_road,
)
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
    # flat indices into the (s, n) arrays: plain 1-D gathers are faster than take_along_axis
    base = (np.arange(s, dtype=np.int64) * n)[:, None]
    parent = (np.where(has, pred, nodes) + base).ravel()
    first = np.zeros((s, n))
    first[has] = network.metres[network.edge_between(pred[has], nodes[has])]
    acc = first.ravel()
    while True:
        grand = parent[parent]
        if np.array_equal(grand, parent):
            return acc.reshape(s, n)
        acc = acc + acc[parent]
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
    A point joins the network at its foot on its nearest road (see
    :mod:`fieldcrm.routing.snap`): it leaves towards either end the road's direction allows,
    arrives likewise, and two points on the same road drive straight between their feet when
    that is faster; each figure is the fastest of these ways (:func:`choose_legs`, also used by
    :meth:`route`). The straight access distance (``snap_m``) is reported, not charged.
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
        on = np.nonzero(snapped.edge >= 0)[0]
        if on.size:
            exits, entries = snapped.exit_node[on], snapped.entry_node[on]
            sources, targets = np.unique(exits[exits >= 0]), np.unique(entries[entries >= 0])
            s, m = self.node_matrix(sources, targets)
            ex = np.searchsorted(sources, exits).clip(0, sources.shape[0] - 1)
            en = np.searchsorted(targets, entries).clip(0, targets.shape[0] - 1)
            # node-to-node figures of every pair and slot combination: (k, k, 2, 2)
            rows, cols = ex[:, None, :, None], en[None, :, None, :]
            legs = choose_legs(
                self.network, snapped, on[:, None], on[None, :], s[rows, cols], m[rows, cols]
            )
            seconds[np.ix_(on, on)] = legs.seconds
            metres[np.ix_(on, on)] = legs.metres
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
        return _path(pred, u, v)

    def route(self, stops: Sequence[GeoPoint]) -> RouteLeg:
        """Road geometry, seconds and metres of the path through ``stops`` in order.

        Each leg makes the same choice as :meth:`matrix` (see :func:`choose_legs`), so its
        seconds and metres are the matrix's.

        Raises
        ------
        InvalidInput
            Fewer than two stops, or a stop off the network.
        """
        if len(stops) < 2:
            raise InvalidInput("stops", "a route needs at least two stops", value=len(stops))
        snapped = self.snapper.snap(stops)
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
            j = i + 1
            exits = snapped.exit_node[i]
            sources = np.maximum(exits, 0)
            dist, pred = dijkstra(
                net.csr_seconds, directed=True, indices=sources, return_predecessors=True
            )
            entries = np.maximum(snapped.entry_node[j], 0)
            node_s = dist[:, entries]
            node_m = tree_metres(net, pred)[:, entries]
            legs = choose_legs(
                net, snapped, np.array([i]), np.array([j]), node_s[None], node_m[None]
            )
            seconds += float(legs.seconds[0])
            metres += float(legs.metres[0])
            geometry.extend(self._leg_geometry(snapped, i, j, int(legs.choice[0]), pred))
            geometry.append((stops[j].lon, stops[j].lat))
        return RouteLeg(geometry=_dedupe(geometry), seconds=seconds, metres=metres)

    def _leg_geometry(
        self, snapped: Snapped, i: int, j: int, choice: int, pred: npt.NDArray[np.int32]
    ) -> list[tuple[float, float]]:
        """(lon, lat) from the foot of ``i`` to the foot of ``j`` along the chosen leg."""
        part = self.snapper.part
        ei, fi, ej, fj = (
            int(snapped.edge[i]),
            float(snapped.frac[i]),
            int(snapped.edge[j]),
            float(snapped.frac[j]),
        )
        if choice == DIRECT:
            # same road: from the foot of i to the foot of j, along i's edge geometry
            fj_on_i = fj if ej == ei else 1.0 - fj
            return part(ei, fi, fj_on_i)
        out_slot, in_slot = divmod(choice, 2)
        coords = part(ei, fi, 1.0) if out_slot == EXIT_ALONG else part(ei, fi, 0.0)
        net = self.network
        a = int(snapped.exit_node[i, out_slot])
        b = int(snapped.entry_node[j, in_slot])
        path = _path(np.atleast_2d(pred)[out_slot], a, b)
        for u, v in itertools.pairwise(path):
            k = int(net.edge_between(np.array([u]), np.array([v]))[0])
            coords.extend((float(x), float(y)) for x, y in net.edge_geometry(k))
        coords.extend(part(ej, 0.0, fj) if in_slot == EXIT_ALONG else part(ej, 1.0, fj))
        return coords


DIRECT = 4
"""Leg choice: straight along the shared road (0–3 are ``exit slot * 2 + entry slot``)."""


@dataclass(frozen=True)
class Legs:
    """Fastest way between pairs of snapped points: figures and the choice made."""

    seconds: npt.NDArray[np.float64]
    metres: npt.NDArray[np.float64]
    choice: npt.NDArray[np.int64]
    """``exit slot * 2 + entry slot`` through the graph, or :data:`DIRECT`."""


def choose_legs(
    network: RoadNetwork,
    snapped: Snapped,
    i: npt.NDArray[np.int64],
    j: npt.NDArray[np.int64],
    node_s: npt.NDArray[np.float64],
    node_m: npt.NDArray[np.float64],
) -> Legs:
    """The fastest way from points ``i`` to points ``j`` (broadcast index arrays).

    Parameters
    ----------
    network
        The road network.
    snapped
        The points' joins (see :func:`fieldcrm.routing.snap.join`).
    i, j
        Point indices, broadcast together to the shape ``P`` of the pairs.
    node_s, node_m
        ``P + (2, 2)`` seconds and metres of the fastest node paths from ``exit_node[i, a]``
        to ``entry_node[j, b]`` (any value where a slot is impossible).

    Returns
    -------
    Legs
        The fastest of: leaving by either slot, the node path, arriving by either slot; or
        straight along the road both points stand on. Metres are those of the fastest way.
    """
    shape = np.broadcast_shapes(i.shape, j.shape)
    direct_s, direct_m = along_road(
        network, snapped, np.broadcast_to(i, shape).ravel(), np.broadcast_to(j, shape).ravel()
    )
    seconds, metres = direct_s.reshape(shape), direct_m.reshape(shape)
    choice = np.full(shape, DIRECT, dtype=np.int64)
    for a, b in itertools.product((0, 1), (0, 1)):  # ties keep the straight way, then slot 0
        via_s = snapped.exit_s[i, a] + node_s[..., a, b] + snapped.entry_s[j, b]
        better = via_s < seconds
        seconds = np.where(better, via_s, seconds)
        via_m = snapped.exit_m[i, a] + node_m[..., a, b] + snapped.entry_m[j, b]
        metres = np.where(better, via_m, metres)
        choice = np.where(better, 2 * a + b, choice)
    metres = np.where(np.isfinite(seconds), metres, np.inf)
    return Legs(seconds, metres, choice)


def _path(pred: npt.NDArray[np.int32], u: int, v: int) -> list[int]:
    """Nodes from ``u`` to ``v`` on a predecessor tree rooted at ``u`` (empty if unreachable)."""
    if u == v:
        return [u]
    if pred[v] < 0:
        return []
    path = [v]
    while path[-1] != u:
        path.append(int(pred[path[-1]]))
    return path[::-1]


def _dedupe(coords: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for c in coords:
        if not out or out[-1] != c:
            out.append(c)
    return out
