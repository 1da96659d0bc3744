from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.routing.conftest import shared_road_cache

MONTE_CARLO = {"lon": 7.4275, "lat": 43.7395}
FONTVIEILLE = {"lon": 7.4165, "lat": 43.7290}
PARIS = {"lon": 2.349, "lat": 48.853}


@pytest.fixture
def roads_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = shared_road_cache(tmp_path_factory)
    monkeypatch.setenv("FIELDCRM_ROAD_CACHE_DIR", str(cache))
    return cache


def test_rep_gets_a_road_matrix_with_fallback_beyond_the_graph(
    roads_env: Path, api_as: Callable[[int], TestClient]
) -> None:
    client = api_as(4)
    r = client.post("/api/roads/matrix", json={"points": [MONTE_CARLO, FONTVIEILLE, PARIS]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["provider"] == "graph+crowfly"
    assert body["off_network"] == [2]
    assert body["seconds"][0][0] == 0.0
    assert body["seconds"][0][1] != body["seconds"][1][0]  # one-way streets
    assert body["metres"][0][2] > 680_000
    assert "OpenStreetMap" in body["attribution"]


def test_route_geometry_for_the_map(roads_env: Path, api_as: Callable[[int], TestClient]) -> None:
    client = api_as(1)
    r = client.post("/api/roads/route", json={"points": [MONTE_CARLO, FONTVIEILLE, MONTE_CARLO]})
    assert r.status_code == 200, r.text
    body = r.json()
    coords = body["geometry"]["coordinates"]
    assert body["geometry"]["type"] == "LineString"
    assert coords[0] == [MONTE_CARLO["lon"], MONTE_CARLO["lat"]]
    assert coords[-1] == [MONTE_CARLO["lon"], MONTE_CARLO["lat"]]
    assert len(coords) > 20
    assert body["metres"] > 2000 and body["seconds"] > 120


def test_bad_input_is_422(roads_env: Path, api_as: Callable[[int], TestClient]) -> None:
    client = api_as(4)
    assert client.post("/api/roads/route", json={"points": [MONTE_CARLO]}).status_code == 422
    bad = client.post("/api/roads/matrix", json={"points": [MONTE_CARLO, {"lon": 300, "lat": 0}]})
    assert bad.status_code == 422
    assert client.post("/api/roads/matrix", json={"points": []}).status_code == 422


def test_anonymous_is_refused(anonymous: TestClient) -> None:
    assert anonymous.post("/api/roads/matrix", json={"points": [MONTE_CARLO]}).status_code == 401
