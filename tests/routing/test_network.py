from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.sparse.csgraph import connected_components

from fieldcrm.errors import InvalidInput
from fieldcrm.routing.network import (
    FRENCH_DEFAULT_KMH,
    RoadNetwork,
    cache_path,
    edge_speed_kmh,
    load_network,
    parse_maxspeed,
    urban_nodes,
)
from tests.routing.conftest import MONACO_PBF


@pytest.mark.parametrize(
    ("value", "kmh"),
    [("50", 50.0), ("30 mph", 30 * 1.609344), ("FR:urban", 50.0), ("FR:rural", 80.0),
     (["30", "50"], 40.0), ("50;70", 60.0), ("signals", None), (None, None), ("0", None)],
)  # fmt: skip
def test_parse_maxspeed(value: object, kmh: float | None) -> None:
    got = parse_maxspeed(value)
    assert got == pytest.approx(kmh) if kmh is not None else got is None


def test_speed_from_maxspeed_then_french_defaults() -> None:
    assert edge_speed_kmh("primary", "30") == 30.0
    assert edge_speed_kmh("motorway", None) == 130.0
    assert edge_speed_kmh("trunk", "nonsense") == 110.0
    assert edge_speed_kmh(["residential", "tertiary"], None) == FRENCH_DEFAULT_KMH["residential"]
    assert edge_speed_kmh("unknown", None) == 30.0
    # built-up areas: untagged main roads at the urban limit, tags and motorways unchanged
    assert edge_speed_kmh("primary", None, urban=True) == 50.0
    assert edge_speed_kmh("residential", None, urban=True) == 40.0
    assert edge_speed_kmh("primary", "70", urban=True) == 70.0
    assert edge_speed_kmh("motorway", None, urban=True) == 130.0


def test_urban_nodes_by_intersection_density() -> None:
    rng = np.random.default_rng(0)
    town_lon = 7.42 + rng.uniform(0, 0.003, 30)  # 30 intersections within ~250 m
    town_lat = 43.73 + rng.uniform(0, 0.002, 30)
    farm_lon = np.array([7.60, 7.65, 7.70])  # scattered, km apart
    farm_lat = np.array([43.80, 43.85, 43.90])
    urban = urban_nodes(np.r_[town_lon, farm_lon], np.r_[town_lat, farm_lat])
    assert urban[:30].mean() > 0.5
    assert not urban[30:].any()


def test_monaco_graph_is_one_strongly_connected_drivable_part(monaco: RoadNetwork) -> None:
    assert 1000 < monaco.n_nodes < 5000
    assert monaco.n_edges > monaco.n_nodes
    n_comp, _ = connected_components(monaco.csr_seconds, directed=True, connection="strong")
    assert n_comp == 1
    assert (monaco.lon > 7.3).all() and (monaco.lon < 7.5).all()
    assert (monaco.seconds >= 0).all() and (monaco.metres >= 0).all()
    assert (monaco.metres > 0).mean() > 0.99
    moving = monaco.metres > 0
    speeds = monaco.metres[moving] / monaco.seconds[moving] * 3.6
    assert speeds.max() <= 131
    # a short edge ending at a traffic light or a junction averages little (drive_time delays)
    long = monaco.metres[moving] > 300
    assert speeds[long].min() >= 5
    # edge geometries start and end on their nodes
    k = int(np.argmax(monaco.geom_offsets[1:] - monaco.geom_offsets[:-1]))
    geom = monaco.edge_geometry(k)
    assert len(geom) > 2
    assert tuple(geom[0]) == (monaco.lon[monaco.src[k]], monaco.lat[monaco.src[k]])
    assert tuple(geom[-1]) == (monaco.lon[monaco.dst[k]], monaco.lat[monaco.dst[k]])


def test_cached_graph_equals_fresh_graph(monaco: RoadNetwork, road_cache_dir: Path) -> None:
    path = cache_path(MONACO_PBF, road_cache_dir)
    assert path.is_file()
    messages: list[str] = []
    cached = load_network(MONACO_PBF, cache_dir=road_cache_dir, progress=messages.append)
    assert messages == [f"cached: {path}"]
    assert cached == monaco
    assert cached is not monaco


def test_cache_key_follows_parameters(road_cache_dir: Path) -> None:
    slower = {**FRENCH_DEFAULT_KMH, "residential": 30.0}
    assert cache_path(MONACO_PBF, road_cache_dir, defaults=slower) != cache_path(
        MONACO_PBF, road_cache_dir
    )


def test_missing_file_is_invalid_input(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as err:
        load_network(tmp_path / "nowhere.osm.pbf", cache_dir=tmp_path)
    assert err.value.field == "source"


def test_save_load_roundtrip(monaco: RoadNetwork, tmp_path: Path) -> None:
    monaco.save(tmp_path / "n.npz")
    assert RoadNetwork.load(tmp_path / "n.npz") == monaco
