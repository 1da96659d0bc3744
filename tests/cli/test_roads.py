from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fieldcrm.cli import app
from fieldcrm.config import get_settings
from tests.routing.conftest import MONACO_PBF, shared_road_cache

runner = CliRunner()


@pytest.fixture
def env(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    cache = shared_road_cache(tmp_path_factory)
    monkeypatch.setenv("FIELDCRM_ROAD_NETWORK_FILE", str(MONACO_PBF))
    monkeypatch.setenv("FIELDCRM_ROAD_CACHE_DIR", str(cache))
    get_settings.cache_clear()
    yield cache
    get_settings.cache_clear()


def test_build_prints_the_graph_and_caches_it(env: Path) -> None:
    result = runner.invoke(app, ["roads", "build"])
    assert result.exit_code == 0, result.output
    assert "nœuds" in result.output and "arcs" in result.output
    assert list(env.glob("monaco-*.npz"))


def test_build_of_a_missing_file_fails(env: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["roads", "build", str(tmp_path / "none.osm.pbf")])
    assert result.exit_code == 1
    assert "source: no such OpenStreetMap file" in result.output and "none.osm.pbf" in result.output


def test_calibrate_prints_bands_and_error(env: Path) -> None:
    result = runner.invoke(app, ["roads", "calibrate"])
    assert result.exit_code == 0, result.output
    assert "facteur de détour" in result.output
    assert "médiane" in result.output and "0–2" in result.output
