"""Drive-time model: running speeds in towns, delays at traffic lights and junctions.

Tiny hand-built osmnx graphs go through the same simplification and conversion as an OSM file.
"""

from __future__ import annotations

import math
from itertools import pairwise
from pathlib import Path

import networkx as nx
import pytest

from fieldcrm.routing import drive_time, network
from fieldcrm.routing.network import (
    FRENCH_DEFAULT_KMH,
    RoadNetwork,
    build_network,
    cache_path,
    from_osmnx,
    simplify_with_signals,
)
from tests.routing.conftest import MONACO_PBF

LAT0 = 43.73
DEG_PER_M = (
    1 / 111_320.0
)  # degrees per metre of the hand-built graphs (lengths are set, not measured)


def _raw(
    nodes: dict[int, tuple[float, float]],
    ways: list[tuple[list[int], dict[str, object]]],
    node_tags: dict[int, dict[str, str]] | None = None,
) -> nx.MultiDiGraph:
    """An unsimplified osmnx-like graph: two-way ways unless ``oneway``; lengths in metres."""
    g = nx.MultiDiGraph(crs="epsg:4326")
    for n, (x, y) in nodes.items():
        g.add_node(n, x=x, y=y, **(node_tags or {}).get(n, {}))
    for path, tags in ways:
        for reverse in (False, True):
            if reverse and tags.get("oneway"):
                continue
            seq = list(reversed(path)) if reverse else path
            for u, v in pairwise(seq):
                length = abs(nodes[u][0] - nodes[v][0]) / DEG_PER_M + abs(
                    nodes[u][1] - nodes[v][1]
                ) / (1 / 110_574.0)
                g.add_edge(u, v, length=length, reversed=reverse, oneway=False, **tags)
    return g


def _seconds(net: RoadNetwork, u_osm: int, v_osm: int) -> float:
    ids = list(map(int, net.osm_ids))
    return float(net.seconds[net.edge_between([ids.index(u_osm)], [ids.index(v_osm)])[0]])


def _street(signal_tags: dict[str, str] | None) -> nx.MultiDiGraph:
    """A rural 3 km primary road 1 → 2 → 3 (node 2 mid-way, optionally a traffic light)."""
    nodes = {1: (7.0, LAT0), 2: (7.0 + 1500 * DEG_PER_M, LAT0), 3: (7.0 + 3000 * DEG_PER_M, LAT0)}
    tags = {2: signal_tags} if signal_tags else None
    return _raw(nodes, [([1, 2, 3], {"highway": "primary", "maxspeed": "80"})], tags)


def test_a_traffic_light_adds_its_delay_once_per_pass() -> None:
    plain = from_osmnx(simplify_with_signals(_street(None)))
    lit = from_osmnx(simplify_with_signals(_street({"highway": "traffic_signals"}), {2: "both"}))
    # the light's node is merged away (one edge 1–3 each way), its delay stays on the edge
    assert plain.n_nodes == lit.n_nodes == 2
    for u, v in ((1, 3), (3, 1)):
        assert _seconds(lit, u, v) - _seconds(plain, u, v) == pytest.approx(
            drive_time.TRAFFIC_SIGNAL_DELAY_S
        )
    run = 3000 / (80 / 3.6)  # rural: legal limit, no junction delay
    assert _seconds(plain, 1, 3) == pytest.approx(run, rel=1e-3)


def test_a_directional_light_only_delays_its_direction() -> None:
    lit = from_osmnx(
        simplify_with_signals(
            _street({"highway": "traffic_signals", "traffic_signals:direction": "forward"}),
            {2: "forward"},
        )
    )
    plain = from_osmnx(simplify_with_signals(_street(None)))
    assert _seconds(lit, 1, 3) - _seconds(plain, 1, 3) == pytest.approx(
        drive_time.TRAFFIC_SIGNAL_DELAY_S
    )
    assert _seconds(lit, 3, 1) == pytest.approx(_seconds(plain, 3, 1))


def test_signals_read_from_node_tags_when_no_file_scan() -> None:
    graph = _street({"highway": "traffic_signals"})
    lit = from_osmnx(simplify_with_signals(graph))
    plain = from_osmnx(simplify_with_signals(_street(None)))
    assert _seconds(lit, 1, 3) - _seconds(plain, 1, 3) == pytest.approx(
        drive_time.TRAFFIC_SIGNAL_DELAY_S
    )


def _grid(highway: str, maxspeed: str | None = None) -> nx.MultiDiGraph:
    """A 4 × 4 street grid, 100 m blocks, inside one 500 m cell: 16 intersections, i.e. a town."""
    lat0 = (math.floor(LAT0 * 110_574.0 / 500) * 500 + 50) / 110_574.0
    lat_mean = lat0 + 150 / 110_574.0
    k = 111_320.0 * math.cos(math.radians(lat_mean))  # what ``urban_nodes`` uses
    lon0 = (math.floor(7.0 * k / 500) * 500 + 50) / k
    nodes = {
        10 * i + j: (lon0 + j * 100 * DEG_PER_M, lat0 + i * 100 / 110_574.0)
        for i in range(4)
        for j in range(4)
    }
    tags: dict[str, object] = {"highway": highway}
    if maxspeed:
        tags["maxspeed"] = maxspeed
    ways = [([10 * i + j for j in range(4)], tags) for i in range(4)]
    ways += [([10 * i + j for i in range(4)], tags) for j in range(4)]
    return _raw(nodes, ways)


def test_an_urban_residential_street_runs_at_the_urban_class_speed() -> None:
    net = from_osmnx(simplify_with_signals(_grid("residential")))
    # edge 11 → 12 ends at an interior junction (4 neighbours): run + junction delay
    expected = 100 / (drive_time.URBAN_CLASS_KMH["residential"] / 3.6) + drive_time.JUNCTION_DELAY_S
    assert _seconds(net, 11, 12) == pytest.approx(expected, rel=1e-3)
    # the corner 0 has two neighbours: merged into the edge 1 → 0 → 10, no delay of its own
    assert 0 not in set(net.osm_ids.tolist())
    assert _seconds(net, 1, 10) == pytest.approx(200 / (25 / 3.6) + 3.0, rel=1e-3)


def test_an_urban_tagged_street_runs_at_a_share_of_its_limit() -> None:
    net = from_osmnx(simplify_with_signals(_grid("primary", "50")))
    expected = 200 / (50 * drive_time.URBAN_SPEED_SHARE / 3.6) + drive_time.JUNCTION_DELAY_S
    assert _seconds(net, 1, 10) == pytest.approx(expected, rel=1e-3)


def test_an_urban_motorway_keeps_its_speed_and_pays_no_junction() -> None:
    net = from_osmnx(simplify_with_signals(_grid("motorway")))
    assert _seconds(net, 11, 12) == pytest.approx(100 / (130 / 3.6), rel=1e-3)


def test_running_speed_rules() -> None:
    assert drive_time.running_kmh("residential", 40.0, tagged=False, urban=False) == 40.0
    assert drive_time.running_kmh("residential", 40.0, tagged=False, urban=True) == 25.0
    assert drive_time.running_kmh("primary", 50.0, tagged=False, urban=True) == 40.0
    assert drive_time.running_kmh("primary", 70.0, tagged=True, urban=True) == 56.0
    assert drive_time.running_kmh("residential", 30.0, tagged=True, urban=True) == 24.0
    assert drive_time.running_kmh(["trunk", "primary"], 110.0, tagged=False, urban=True) == 110.0
    assert drive_time.running_kmh("service", 20.0, tagged=False, urban=True) == 15.0


@pytest.mark.parametrize(
    ("tags", "direction"),
    [({"highway": "traffic_signals"}, "both"),
     ({"highway": "traffic_signals", "traffic_signals:direction": "backward"}, "backward"),
     ({"highway": "traffic_signals", "direction": "Forward"}, "forward"),
     ({"highway": "traffic_signals", "direction": "NE"}, "both"),
     ({"highway": "crossing"}, None)],
)  # fmt: skip
def test_signal_direction(tags: dict[str, str], direction: str | None) -> None:
    assert drive_time.signal_direction(tags) == direction


def test_signals_met_follow_the_way_direction() -> None:
    assert drive_time.signals_met("both", reversed_edge=True) == 1
    assert drive_time.signals_met("forward", reversed_edge=False) == 1
    assert drive_time.signals_met("forward", reversed_edge=True) == 0
    assert drive_time.signals_met("backward", reversed_edge=True) == 1
    assert drive_time.signals_met(None, reversed_edge=False) == 0


@pytest.mark.parametrize(
    ("name", "value"),
    [("TRAFFIC_SIGNAL_DELAY_S", 2.0), ("JUNCTION_DELAY_S", 0.0), ("URBAN_SPEED_SHARE", 1.0),
     ("URBAN_CLASS_KMH", {**drive_time.URBAN_CLASS_KMH, "residential": 30.0})],
)  # fmt: skip
def test_cache_key_follows_the_drive_time_model(
    name: str, value: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = cache_path(MONACO_PBF, tmp_path, defaults=FRENCH_DEFAULT_KMH)
    monkeypatch.setattr(drive_time, name, value)
    assert cache_path(MONACO_PBF, tmp_path, defaults=FRENCH_DEFAULT_KMH) != before


def _osm_file(path: Path, way: list[int], oneway: str | None, light: str) -> Path:
    """A tiny OSM XML file: a rural primary 1–2–3 (3 km, node order ``way``, light at 2).

    A two-way detour 1–4–3 and stubs 1–5, 3–6 make 1 and 3 junctions of one strongly
    connected graph, so the street survives as its own edge(s) between 1 and 3.
    """
    coords = {1: (0.0, 0.0), 2: (1500.0, 0.0), 3: (3000.0, 0.0), 4: (1500.0, 2000.0),
              5: (-500.0, 0.0), 6: (3500.0, 0.0)}  # fmt: skip
    nodes = []
    for n, (dx, dy) in coords.items():
        tags = ""
        if n == 2:
            tags = (
                '<tag k="highway" v="traffic_signals"/>'
                f'<tag k="traffic_signals:direction" v="{light}"/>'
            )
        lat, lon = LAT0 + dy / 110_574.0, 7.0 + dx * DEG_PER_M
        nodes.append(f'<node id="{n}" version="1" lat="{lat:.7f}" lon="{lon:.7f}">{tags}</node>')

    def osm_way(wid: int, refs: list[int], extra: dict[str, str]) -> str:
        nds = "".join(f'<nd ref="{r}"/>' for r in refs)
        tags = {"highway": "primary", "maxspeed": "80", **extra}
        tag_xml = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
        return f'<way id="{wid}" version="1">{nds}{tag_xml}</way>'

    ways = [
        osm_way(100, way, {"oneway": oneway} if oneway else {}),
        osm_way(101, [1, 4, 3], {}),
        osm_way(102, [1, 5], {}),
        osm_way(103, [3, 6], {}),
    ]
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="test">'
        + "".join(nodes)
        + "".join(ways)
        + "</osm>\n",
        encoding="utf-8",
    )
    return path


def _street_delays(net: RoadNetwork) -> dict[tuple[int, int], float]:
    """Delay (s) beyond the 80 km/h running time of each street edge 1 → 3 / 3 → 1 (3 km)."""
    ids = list(map(int, net.osm_ids))
    out: dict[tuple[int, int], float] = {}
    for k in range(net.n_edges):
        u, v = ids[int(net.src[k])], ids[int(net.dst[k])]
        if {u, v} == {1, 3} and net.metres[k] < 3100:  # the street, not the 1–4–3 detour
            out[(u, v)] = float(net.seconds[k] - net.metres[k] / (80 / 3.6))
    return out


SIGNAL = drive_time.TRAFFIC_SIGNAL_DELAY_S


@pytest.mark.parametrize(
    ("way", "oneway", "light", "delays"),
    [  # oneway=-1: cars drive 3 → 1, against the way's node order, i.e. OSM's backward
     ([1, 2, 3], "-1", "forward", {(3, 1): 0.0}),
     ([1, 2, 3], "-1", "backward", {(3, 1): SIGNAL}),
     ([1, 2, 3], "reverse", "forward", {(3, 1): 0.0}),
     ([1, 2, 3], "T", "backward", {(3, 1): SIGNAL}),
     # same street drawn 3 → 1 with oneway=yes: the same travel is now OSM's forward
     ([3, 2, 1], "yes", "forward", {(3, 1): SIGNAL}),
     ([3, 2, 1], "yes", "backward", {(3, 1): 0.0}),
     # two-way: the light stops the way's forward direction only
     ([1, 2, 3], None, "forward", {(1, 3): SIGNAL, (3, 1): 0.0}),
     ([1, 2, 3], None, "backward", {(1, 3): 0.0, (3, 1): SIGNAL})],
)  # fmt: skip
def test_a_directional_light_follows_the_osm_way_not_the_built_edge(
    tmp_path: Path,
    way: list[int],
    oneway: str | None,
    light: str,
    delays: dict[tuple[int, int], float],
) -> None:
    net = build_network(_osm_file(tmp_path / "street.osm", way, oneway, light))
    got = _street_delays(net)
    assert got.keys() == delays.keys()
    for pair, delay in delays.items():
        assert got[pair] == pytest.approx(delay, abs=1e-6), pair


def test_cache_key_follows_the_reversed_oneway_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = cache_path(MONACO_PBF, tmp_path, defaults=FRENCH_DEFAULT_KMH)
    monkeypatch.setattr(network, "REVERSED_ONEWAY", frozenset({"-1"}))
    assert cache_path(MONACO_PBF, tmp_path, defaults=FRENCH_DEFAULT_KMH) != before
