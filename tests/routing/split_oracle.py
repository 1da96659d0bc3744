"""Reference travel figures for snapped points, for tests and benches.

:func:`exact_matrix` by brute force: every point becomes a node of a networkx copy of the
network, inserted on its edge (and on the reverse edge of the same road) at its foot; plain
Dijkstra on that graph then gives the shortest way between feet with no rule about slots or
roads. Slow. :func:`old_rule` gives the figures of the previous rule (nearer end node).
"""

from __future__ import annotations

import itertools
from collections import defaultdict

import networkx as nx
import numpy as np
import numpy.typing as npt

from fieldcrm.routing.matrix import GraphTravelTimes
from fieldcrm.routing.network import RoadNetwork
from fieldcrm.routing.snap import AT_NODE_M, Snapped


def split_graph(network: RoadNetwork, snapped: Snapped) -> nx.MultiDiGraph:
    """The network with point ``i`` as node ``("p", i)`` on its edge(s)."""
    g = nx.MultiDiGraph()
    g.add_nodes_from(range(network.n_nodes))
    on_edge: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for i in np.nonzero(snapped.edge >= 0)[0]:
        e, f, t = int(snapped.edge[i]), float(snapped.frac[i]), int(snapped.twin[i])
        on_edge[e].append((f, int(i)))
        if t >= 0:
            on_edge[t].append((1.0 - f, int(i)))
        else:  # one-way: a foot at an end node may join that node backwards
            s, m = float(network.seconds[e]), float(network.metres[e])
            if f * m <= AT_NODE_M:
                g.add_edge(("p", int(i)), int(network.src[e]), travel_time=f * s, length=f * m)
            if (1.0 - f) * m <= AT_NODE_M:
                g.add_edge(
                    int(network.dst[e]), ("p", int(i)), travel_time=(1 - f) * s, length=(1 - f) * m
                )
    for k in range(network.n_edges):
        s, m = float(network.seconds[k]), float(network.metres[k])
        u, v = int(network.src[k]), int(network.dst[k])
        stops = sorted(on_edge.get(k, []))
        chain: list[tuple[float, object]] = [(0.0, u), *((f, ("p", i)) for f, i in stops), (1.0, v)]
        for (fa, a), (fb, b) in itertools.pairwise(chain):
            g.add_edge(a, b, travel_time=(fb - fa) * s, length=(fb - fa) * m)
    return g


def exact_matrix(
    network: RoadNetwork, snapped: Snapped
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Seconds and metres of the fastest way between every ordered pair of snapped points."""
    g = split_graph(network, snapped)
    k = snapped.edge.shape[0]
    seconds = np.full((k, k), np.inf)
    metres = np.full((k, k), np.inf)
    on = [int(i) for i in np.nonzero(snapped.edge >= 0)[0]]
    for i in on:
        dist, paths = nx.single_source_dijkstra(g, ("p", i), weight="travel_time")
        for j in on:
            if ("p", j) not in dist:
                continue
            seconds[i, j] = dist[("p", j)]
            metres[i, j] = sum(
                min(d["length"] for d in g[a][b].values() if d["travel_time"] == best)
                for a, b in itertools.pairwise(paths[("p", j)])
                for best in [min(d["travel_time"] for d in g[a][b].values())]
            )
    np.fill_diagonal(seconds, 0.0)
    np.fill_diagonal(metres, 0.0)
    return seconds, metres


def old_rule(
    tt: GraphTravelTimes, s: Snapped
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """The previous rule: join the nearer end node of the edge, charge the offset both ways.

    Returns seconds, metres and whether that join was legal for each ordered pair (the
    previous rule also drove backwards along one-way streets).
    """
    net = tt.network
    off = s.edge < 0
    e, f = np.maximum(s.edge, 0), s.frac
    at_end = f >= 0.5
    node = np.where(at_end, net.dst[e], net.src[e]).astype(np.int64)
    share = np.where(at_end, 1.0 - f, f)
    off_s, off_m = share * net.seconds[e], share * net.metres[e]
    ns, nm = tt.node_matrix(node, node)
    seconds = ns + off_s[:, None] + off_s[None, :]
    metres = nm + off_m[:, None] + off_m[None, :]
    for a in (seconds, metres):
        a[off, :] = a[:, off] = np.inf
        np.fill_diagonal(a, 0.0)
    two_way = s.twin >= 0
    leave_ok = at_end | two_way | np.isclose(share, 0.0)
    arrive_ok = ~at_end | two_way | np.isclose(share, 0.0)
    return seconds, metres, leave_ok[:, None] & arrive_ok[None, :]
