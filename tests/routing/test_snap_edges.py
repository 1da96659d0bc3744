"""Points join the road graph at their foot on their nearest edge (fieldcrm.routing.snap).

A square of 100 m streets built by hand gives exact answers; the Monaco network checks the
invariants on random points and the brute-force reference of ``split_oracle``.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldcrm.geo import GeoPoint, haversine_m
from fieldcrm.routing.matrix import GraphTravelTimes
from fieldcrm.routing.network import RoadNetwork
from fieldcrm.routing.snap import reverse_edges
from tests.routing.split_oracle import exact_matrix, old_rule

LON0, LAT0 = 7.42, 43.73
M_PER_LON = 111_320.0 * math.cos(math.radians(LAT0))
M_PER_LAT = 110_574.0
SPEED = 10.0  # m/s on every street of the square

# A(0,0) ⇄ B(100,0) ⇄ C(100,100) → D(0,100) ⇄ A : the top street is one-way westbound.
NODES = {"A": (0.0, 0.0), "B": (100.0, 0.0), "C": (100.0, 100.0), "D": (0.0, 100.0)}
STREETS = [("A", "B"), ("B", "A"), ("B", "C"), ("C", "B"), ("C", "D"), ("D", "A"), ("A", "D")]


def _at(x: float, y: float) -> GeoPoint:
    """The point ``x`` m east and ``y`` m north of A."""
    return GeoPoint(lon=LON0 + x / M_PER_LON, lat=LAT0 + y / M_PER_LAT)


def square() -> RoadNetwork:
    names = sorted(NODES)
    index = {n: i for i, n in enumerate(names)}
    pts = {n: _at(*NODES[n]) for n in names}
    edges = sorted(STREETS, key=lambda e: (index[e[0]], index[e[1]]))
    coords = [c for u, v in edges for c in ((pts[u].lon, pts[u].lat), (pts[v].lon, pts[v].lat))]
    return RoadNetwork(
        osm_ids=np.arange(1, len(names) + 1, dtype=np.int64),
        lon=np.array([pts[n].lon for n in names]),
        lat=np.array([pts[n].lat for n in names]),
        src=np.array([index[u] for u, _ in edges], dtype=np.int32),
        dst=np.array([index[v] for _, v in edges], dtype=np.int32),
        metres=np.full(len(edges), 100.0),
        seconds=np.full(len(edges), 100.0 / SPEED),
        geom_offsets=np.arange(0, 2 * len(edges) + 1, 2, dtype=np.int64),
        geom_lonlat=np.array(coords),
    )


@pytest.fixture(scope="module")
def square_tt() -> GraphTravelTimes:
    return GraphTravelTimes(square())


def test_reverse_edges_pair_the_two_way_streets() -> None:
    net = square()
    twin = reverse_edges(net)
    one_way = [k for k in range(net.n_edges) if twin[k] < 0]
    assert [(int(net.src[k]), int(net.dst[k])) for k in one_way] == [(2, 3)]  # C → D
    two = np.nonzero(twin >= 0)[0]
    assert np.array_equal(twin[twin[two]], two)
    assert np.array_equal(net.src[twin[two]], net.dst[two])


def test_two_points_on_one_street_drive_straight(square_tt: GraphTravelTimes) -> None:
    # 40 m and 60 m along A–B: the old rule went 40 m back to A, 100 m to B and 40 m back
    p, q = _at(40, 0), _at(60, 0)
    _old_s, old_m, _legal = old_rule(square_tt, square_tt.snapper.snap([p, q]))
    assert old_m[0, 1] == pytest.approx(180.0, abs=0.05)
    m = square_tt.matrix([p, q])
    assert m.metres[0, 1] == pytest.approx(20.0, abs=0.05)
    assert m.metres[1, 0] == pytest.approx(20.0, abs=0.05)
    assert m.seconds[0, 1] == pytest.approx(2.0, abs=0.005)


def test_point_leaves_towards_the_end_that_leads_on(square_tt: GraphTravelTimes) -> None:
    # 40 m along A–B, nearer A, going to C: on to B (60 m) and up B–C (100 m)
    p, c = _at(40, 0), _at(100, 100)
    _old_s, old_m, _legal = old_rule(square_tt, square_tt.snapper.snap([p, c]))
    assert old_m[0, 1] == pytest.approx(240.0, abs=0.05)
    m = square_tt.matrix([p, c])
    assert m.metres[0, 1] == pytest.approx(160.0, abs=0.05)
    assert m.seconds[0, 1] == pytest.approx(16.0, abs=0.005)


def test_one_way_street_is_joined_only_its_own_way(square_tt: GraphTravelTimes) -> None:
    # on the one-way C → D, 70 m from C (nearer D) and 30 m from C (nearer C)
    r_near_d, r_near_c, a = _at(30, 100), _at(70, 100), _at(0, 0)
    m = square_tt.matrix([r_near_d, r_near_c, a])
    # leaving: always on towards D, then D–A
    assert m.metres[0, 2] == pytest.approx(30.0 + 100.0, abs=0.05)
    assert m.metres[1, 2] == pytest.approx(70.0 + 100.0, abs=0.05)  # old rule: back to C, 230
    # arriving: always from C (A–B–C then along), never backwards from D
    assert m.metres[2, 0] == pytest.approx(200.0 + 70.0, abs=0.05)  # old rule: A–D + 30 = 130
    assert m.metres[2, 1] == pytest.approx(200.0 + 30.0, abs=0.05)
    # along the one-way street: straight westwards, round the block eastwards
    assert m.metres[1, 0] == pytest.approx(40.0, abs=0.05)
    assert m.metres[0, 1] == pytest.approx(30.0 + 100.0 + 200.0 + 30.0, abs=0.05)
    _old_s, old_m, legal = old_rule(square_tt, square_tt.snapper.snap([r_near_d, r_near_c, a]))
    assert old_m[1, 2] == pytest.approx(230.0, abs=0.05) and not legal[1, 2]
    assert old_m[2, 0] == pytest.approx(130.0, abs=0.05) and not legal[2, 0]


def test_point_on_a_node_is_the_node(square_tt: GraphTravelTimes) -> None:
    # D is the end of the one-way C → D: whichever edge it snaps to, it is node D
    d, a, b = _at(0, 100), _at(0, 0), _at(100, 0)
    m = square_tt.matrix([d, a, b])
    assert m.metres[1, 0] == pytest.approx(100.0, abs=0.05)
    assert m.metres[0, 2] == pytest.approx(200.0, abs=0.05)
    assert m.metres[2, 0] == pytest.approx(200.0, abs=0.05)
    # 1 m from D on the one-way street, beside the node: reached from D
    near = _at(1, 100)
    assert square_tt.matrix([a, near]).metres[0, 1] == pytest.approx(101.0, abs=0.05)


def test_route_draws_the_chosen_way(square_tt: GraphTravelTimes) -> None:
    stops = [_at(40, 0), _at(60, 0), _at(70, 100), _at(0, 0)]
    leg = square_tt.route(stops)
    m = square_tt.matrix(stops)
    legs_m = sum(float(m.metres[i, i + 1]) for i in range(3))
    assert leg.metres == pytest.approx(legs_m, rel=1e-9)
    assert leg.metres == pytest.approx(20.0 + (40.0 + 100.0 + 30.0) + (70.0 + 100.0), abs=0.1)
    assert leg.seconds == pytest.approx(sum(float(m.seconds[i, i + 1]) for i in range(3)))
    # the drawing passes B and C, then D, never back through A before the end
    names = {
        (round(x, 7), round(y, 7)): n
        for n, (x, y) in ((n, _at(*xy).as_tuple()) for n, xy in NODES.items())
    }
    seen = [
        names[(round(x, 7), round(y, 7))]
        for x, y in leg.geometry
        if (round(x, 7), round(y, 7)) in names
    ]
    assert seen == ["B", "C", "D", "A"]
    assert leg.geometry[0] == stops[0].as_tuple()
    assert leg.geometry[-1] == stops[-1].as_tuple()


# ── Monaco: random points, invariants and the brute-force reference ──────────────────────


def _random_points(net: RoadNetwork, rng: np.random.Generator, k: int) -> list[GeoPoint]:
    """``k`` points within 60 m of random nodes (some on nodes, most beside streets)."""
    nodes = rng.choice(net.n_nodes, size=k, replace=False)
    d = rng.uniform(0, 60, size=k) * (rng.random(k) > 0.15)
    angle = rng.uniform(0, 2 * math.pi, size=k)
    return [
        GeoPoint(
            lon=float(net.lon[n] + d[i] * math.cos(angle[i]) / M_PER_LON),
            lat=float(net.lat[n] + d[i] * math.sin(angle[i]) / M_PER_LAT),
        )
        for i, n in enumerate(nodes)
    ]


def test_matrix_equals_the_split_graph_reference(graph_tt: GraphTravelTimes) -> None:
    pts = _random_points(graph_tt.network, np.random.default_rng(11), 30)
    m = graph_tt.matrix(pts)
    seconds, metres = exact_matrix(graph_tt.network, graph_tt.snapper.snap(pts))
    np.testing.assert_allclose(m.seconds, seconds, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(m.metres, metres, rtol=1e-9, atol=1e-6)


@pytest.fixture(scope="module")
def free_flow_tt(graph_tt: GraphTravelTimes) -> GraphTravelTimes:
    """Monaco with every edge at 10 m/s and no node delays.

    The foot rule beats the old rule on any cost where an edge and its reverse cost the same;
    drive times charge the delays of a node to the edge arriving there (lights, junctions), so
    an edge and its twin differ and the old rule's "same share both ways" is no longer a bound.
    """
    net = graph_tt.network
    fields = {f: getattr(net, f) for f in RoadNetwork._FIELDS}
    return GraphTravelTimes(RoadNetwork(**{**fields, "seconds": net.metres / 10.0}))


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(2, 9))
def test_matrix_between_crow_fly_and_the_old_rule(
    free_flow_tt: GraphTravelTimes, seed: int, k: int
) -> None:
    graph_tt = free_flow_tt
    pts = _random_points(graph_tt.network, np.random.default_rng(seed), k)
    m = graph_tt.matrix(pts)
    snapped = graph_tt.snapper.snap(pts)
    assert m.off_network == ()
    crow = np.array([[haversine_m(a, b) for b in pts] for a in pts])
    floor = crow - m.snap_m[:, None] - m.snap_m[None, :]
    # lengths are great-circle on a sphere, snapping is in a local projection: 0.5 % slack
    assert np.all(m.metres >= floor * 0.995 - 0.5)
    old_s, _old_m, legal = old_rule(graph_tt, snapped)
    assert np.all(m.seconds[legal] <= old_s[legal] + 1e-6)
    assert np.all(np.isfinite(m.seconds)) and np.all(m.seconds >= 0)
    leg = graph_tt.route(pts)
    assert leg.metres == pytest.approx(sum(float(m.metres[i, i + 1]) for i in range(k - 1)))
    assert leg.seconds == pytest.approx(sum(float(m.seconds[i, i + 1]) for i in range(k - 1)))
    # the drawing is the way charged: its length is the road metres plus the walks to the feet
    drawn = sum(
        haversine_m(GeoPoint(lon=a[0], lat=a[1]), GeoPoint(lon=b[0], lat=b[1]))
        for a, b in itertools.pairwise(leg.geometry)
    )
    walks = m.snap_m[0] + 2 * m.snap_m[1:-1].sum() + m.snap_m[-1]
    assert drawn == pytest.approx(leg.metres + walks, rel=5e-3, abs=1.0)
