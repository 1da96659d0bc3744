from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest

from fieldcrm.errors import InvalidInput
from fieldcrm.geo import GeoPoint, haversine_m
from fieldcrm.routing.matrix import GraphTravelTimes
from fieldcrm.routing.network import RoadNetwork
from fieldcrm.routing.snap import Snapper
from fieldcrm.routing.travel import TravelTimes

SEA = GeoPoint(lon=7.43, lat=43.70)  # Mediterranean, about 2 km off Monaco


def _node_point(net: RoadNetwork, i: int) -> GeoPoint:
    return GeoPoint(lon=float(net.lon[i]), lat=float(net.lat[i]))


def _one_way_edge(net: RoadNetwork) -> tuple[int, int]:
    pairs = set(zip(net.src.tolist(), net.dst.tolist(), strict=True))
    for u, v in sorted(pairs):
        if (v, u) not in pairs and net.metres[net.edge_between([u], [v])[0]] > 80:
            return u, v
    raise AssertionError("no one-way street")


def test_implements_the_interface(graph_tt: GraphTravelTimes) -> None:
    assert isinstance(graph_tt, TravelTimes)
    assert graph_tt.name == "graph"


def test_one_way_street_gives_asymmetric_times(graph_tt: GraphTravelTimes) -> None:
    net = graph_tt.network
    u, v = _one_way_edge(net)
    m = graph_tt.matrix([_node_point(net, u), _node_point(net, v)])
    edge = net.edge_between([u], [v])[0]
    assert m.seconds[0, 1] == pytest.approx(net.seconds[edge])
    assert m.seconds[1, 0] > m.seconds[0, 1]
    assert m.metres[1, 0] > m.metres[0, 1]
    assert m.unreachable_pairs() == []


def test_matrix_equals_networkx_on_pairs(graph_tt: GraphTravelTimes) -> None:
    net = graph_tt.network
    g = net.to_networkx()
    rng = np.random.default_rng(5)
    nodes = rng.choice(net.n_nodes, size=12, replace=False)
    seconds, metres = graph_tt.node_matrix(nodes, nodes)
    for i, j in [(0, 1), (1, 0), (2, 7), (7, 2), (3, 11), (10, 4)]:
        path = nx.shortest_path(g, int(nodes[i]), int(nodes[j]), weight="travel_time")
        t = sum(g[a][b]["travel_time"] for a, b in itertools.pairwise(path))
        d = sum(g[a][b]["length"] for a, b in itertools.pairwise(path))
        assert seconds[i, j] == pytest.approx(t)
        assert metres[i, j] == pytest.approx(d)


def test_point_at_sea_is_reported_unreachable(graph_tt: GraphTravelTimes) -> None:
    net = graph_tt.network
    pts = [_node_point(net, 0), SEA, _node_point(net, 100)]
    m = graph_tt.matrix(pts)
    assert m.off_network == (1,)
    assert m.snap_m[1] > 500
    assert sorted(m.unreachable_pairs()) == [(0, 1), (1, 0), (1, 2), (2, 1)]
    assert np.isfinite(m.seconds[0, 2]) and np.isfinite(m.metres[2, 0])
    assert m.seconds[0, 0] == 0.0


def test_snapping_keeps_distance_and_reports_beyond_threshold(monaco: RoadNetwork) -> None:
    snapper = Snapper(monaco, max_snap_m=500)
    on_node = _node_point(monaco, 42)
    # about 40 m north of the node
    beside = GeoPoint(lon=on_node.lon, lat=on_node.lat + 0.00036)
    s = snapper.snap([on_node, beside, SEA])
    assert s.node[0] == 42
    assert s.snap_m[0] == pytest.approx(0.0, abs=0.5)
    assert 0 <= s.snap_m[1] <= haversine_m(on_node, beside) + 0.5
    assert s.node[1] >= 0
    assert s.off_network == (2,)
    assert s.node[2] == -1
    lenient = Snapper(monaco, max_snap_m=10_000).snap([SEA])
    assert lenient.off_network == () and lenient.node[0] >= 0
    assert lenient.snap_m[0] == pytest.approx(s.snap_m[2])
    with pytest.raises(InvalidInput):
        Snapper(monaco, max_snap_m=0)


def test_route_through_ordered_stops(graph_tt: GraphTravelTimes) -> None:
    net = graph_tt.network
    stops = [_node_point(net, i) for i in (10, 500, 1200)]
    leg = graph_tt.route(stops)
    m = graph_tt.matrix(stops)
    assert leg.seconds == pytest.approx(m.seconds[0, 1] + m.seconds[1, 2])
    assert leg.metres == pytest.approx(m.metres[0, 1] + m.metres[1, 2])
    assert leg.geometry[0] == (stops[0].lon, stops[0].lat)
    assert leg.geometry[-1] == (stops[-1].lon, stops[-1].lat)
    assert (stops[1].lon, stops[1].lat) in leg.geometry
    assert len(leg.geometry) > 10
    crow = haversine_m(stops[0], stops[1]) + haversine_m(stops[1], stops[2])
    assert leg.metres >= crow


def test_route_refuses_off_network_stop_and_single_stop(graph_tt: GraphTravelTimes) -> None:
    with pytest.raises(InvalidInput):
        graph_tt.route([_node_point(graph_tt.network, 0), SEA])
    with pytest.raises(InvalidInput):
        graph_tt.route([_node_point(graph_tt.network, 0)])
