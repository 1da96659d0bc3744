"""Road matrix benchmark (issue 5): 500 × 500 travel times on the Monaco demo region.

Our method (``GraphTravelTimes``: CSR matrix + one ``scipy.sparse.csgraph.dijkstra`` call from
all distinct sources, metres by pointer jumping on the predecessor trees) side by side with
osmnx's own graph and networkx shortest paths on a sample of pairs (value ratio per pair), plus
two alternative ways to fill the whole matrix, timed on a subset and extrapolated.

Run: ``.venv/bin/python bench/road_matrix.py [--points 500] [--pairs 200]``
"""

from __future__ import annotations

import argparse
import csv
import itertools
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import networkx as nx
import numpy as np
import osmnx as ox
from scipy.sparse.csgraph import dijkstra

from fieldcrm.config import PACKAGE_DATA
from fieldcrm.geo import GeoPoint
from fieldcrm.routing import drive_time
from fieldcrm.routing.matrix import GraphTravelTimes
from fieldcrm.routing.network import (
    FRENCH_DEFAULT_KMH,
    drivable_xml,
    edge_speed_kmh,
    load_network,
    parse_maxspeed,
    reversed_oneway_ways,
    simplify_with_signals,
    traffic_signal_nodes,
    urban_nodes,
)

PBF = PACKAGE_DATA / "osm" / "monaco.osm.pbf"
PLACES = PACKAGE_DATA / "demo" / "places_riviera.csv"


def osmnx_graph() -> nx.MultiDiGraph:
    """The same drivable graph, kept as osmnx builds it, with travel_time on edges."""
    with tempfile.TemporaryDirectory() as tmp:
        xml = Path(tmp) / "roads.osm"
        drivable_xml(PBF, xml, classes=frozenset(FRENCH_DEFAULT_KMH))
        g = ox.graph_from_xml(xml, bidirectional=False, simplify=False, retain_all=True)
        reversed_ways = reversed_oneway_ways(xml)
    g = simplify_with_signals(g, traffic_signal_nodes(PBF), reversed_ways)
    g = ox.truncate.largest_component(g, strongly=True)
    junction = {n: len(set(g.predecessors(n)) | set(g.successors(n)) - {n}) >= 3 for n in g}
    ids = list(g.nodes)
    flags = urban_nodes(
        np.array([g.nodes[n]["x"] for n in ids]), np.array([g.nodes[n]["y"] for n in ids])
    )
    urban = dict(zip(ids, flags.tolist(), strict=True))
    for u, v, data in g.edges(data=True):
        town = urban[u] and urban[v]
        hw, ms = data.get("highway"), data.get("maxspeed")
        limit = edge_speed_kmh(hw, ms, urban=town)
        kmh = drive_time.running_kmh(hw, limit, tagged=parse_maxspeed(ms) is not None, urban=town)
        data["travel_time"] = drive_time.edge_seconds(
            data["length"],
            kmh,
            signals=data["signals"],
            junction=town and junction[v] and drive_time.pays_junction(hw),
        )
    return g


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=500)
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(42)

    with tempfile.TemporaryDirectory() as cache:
        t0 = time.perf_counter()
        network = load_network(PBF, cache_dir=Path(cache))
        t_build = time.perf_counter() - t0
        t0 = time.perf_counter()
        cached = load_network(PBF, cache_dir=Path(cache))
        t_cached = time.perf_counter() - t0
    assert cached == network
    t0 = time.perf_counter()
    tt = GraphTravelTimes(network)
    t_index = time.perf_counter() - t0

    with PLACES.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    pick = rng.choice(len(rows), size=args.points, replace=False)
    points = [GeoPoint(lon=float(rows[i]["lon"]), lat=float(rows[i]["lat"])) for i in pick]

    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        m = tt.matrix(points)
        times.append(time.perf_counter() - t0)
    t_matrix = min(times)
    snapped = tt.snapper.snap(points)
    nodes = snapped.node  # nearer end node of each foot, for the node-to-node comparison
    uniq = np.unique(snapped.exit_node[snapped.exit_node >= 0])  # the matrix's sources
    t0 = time.perf_counter()
    dijkstra(network.csr_seconds, indices=uniq, return_predecessors=True)
    t_dijkstra = time.perf_counter() - t0
    t0 = time.perf_counter()
    with ThreadPoolExecutor(2) as ex:
        list(
            ex.map(
                lambda c: dijkstra(network.csr_seconds, indices=c, return_predecessors=True),
                np.array_split(uniq, 2),
            )
        )
    t_threads = time.perf_counter() - t0

    # osmnx graph and networkx shortest paths on a sample of pairs
    t0 = time.perf_counter()
    g = osmnx_graph()
    t_osmnx_build = time.perf_counter() - t0
    osm = network.osm_ids
    on = np.nonzero(nodes >= 0)[0]
    ratios_s, ratios_m = [], []
    t_nx = 0.0
    done = 0
    while done < args.pairs:
        i, j = rng.choice(on, size=2, replace=False)
        a, b = int(osm[nodes[i]]), int(osm[nodes[j]])
        t0 = time.perf_counter()
        path = nx.shortest_path(g, a, b, weight="travel_time")
        t_nx += time.perf_counter() - t0
        secs = metres = 0.0
        for u, v in itertools.pairwise(path):
            best = min(g[u][v].values(), key=lambda d: d["travel_time"])
            secs += best["travel_time"]
            metres += best["length"]
        s_ours, m_ours = tt.node_matrix(np.array([nodes[i]]), np.array([nodes[j]]))
        if secs > 0:
            ratios_s.append(s_ours[0, 0] / secs)
            ratios_m.append(m_ours[0, 0] / metres)
        done += 1
    per_pair = t_nx / args.pairs
    rs, rm = np.array(ratios_s), np.array(ratios_m)

    # alternative: networkx single-source Dijkstra per source, on 20 sources, extrapolated
    dg = network.to_networkx()
    srcs = uniq[:20]
    t0 = time.perf_counter()
    for s in srcs:
        nx.single_source_dijkstra_path_length(dg, int(s), weight="travel_time")
    t_nx_source = (time.perf_counter() - t0) / len(srcs) * len(uniq)

    k = args.points
    off = len(m.off_network)
    print(f"Monaco drivable graph: {network.n_nodes} nodes, {network.n_edges} edges")
    print(
        f"build from PBF {t_build:.2f} s | load from cache {t_cached * 1000:.1f} ms | snap index {t_index * 1000:.0f} ms"
    )
    print(f"{k} demo points, {len(uniq)} distinct source nodes, {off} off the network (> 500 m)")
    print()
    print(f"{'method':<52}{'whole ' + str(k) + '×' + str(k) + ' matrix':>22}")
    print(f"{'ours: snap + CSR dijkstra + metres (GraphTravelTimes)':<52}{t_matrix:>20.3f} s")
    print(f"{'  of which scipy dijkstra alone':<52}{t_dijkstra:>20.3f} s")
    print(f"{'  scipy dijkstra, sources split on 2 threads':<52}{t_threads:>20.3f} s")
    print(f"{'networkx single-source dijkstra per source (extrap.)':<52}{t_nx_source:>20.1f} s")
    print(f"{'osmnx graph + nx.shortest_path per pair (extrap.)':<52}{per_pair * k * k:>20.1f} s")
    print()
    print(
        f"osmnx graph build {t_osmnx_build:.1f} s; {args.pairs} sampled pairs, networkx {per_pair * 1000:.2f} ms/pair"
    )
    print(
        f"ratio ours/networkx per pair — seconds: min {rs.min():.6f} median {np.median(rs):.6f} "
        f"max {rs.max():.6f}; metres: min {rm.min():.6f} median {np.median(rm):.6f} max {rm.max():.6f}"
    )
    print(
        f"pairs equal within 1e-6: seconds {np.mean(np.abs(rs - 1) < 1e-6):.1%}, metres {np.mean(np.abs(rm - 1) < 1e-6):.1%}"
    )
    print(f"speed-up of ours over per-pair networkx: ×{per_pair * k * k / t_matrix:,.0f}")
    fin = np.isfinite(m.seconds) & np.isfinite(m.seconds.T)
    asym = np.abs(np.where(fin, m.seconds, 0.0) - np.where(fin, m.seconds.T, 0.0))
    print(f"asymmetric pairs (|t_ij - t_ji| > 1 s): {np.mean(asym[fin] > 1):.1%}")


if __name__ == "__main__":
    main()
