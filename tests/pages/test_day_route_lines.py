"""« Ma journée » draws the route along the roads; a leg without road data is dashed and labelled."""

from __future__ import annotations

import json

import pytest

from fieldcrm.config import Settings
from fieldcrm.pages.day import plan_map, road_lines
from tests.routing.conftest import MONACO_PBF, shared_road_cache

LABEL = "à vol d’oiseau : pas de données routières ici"


def _result(*stops: tuple[float, float]) -> dict:
    home = {"lon": 7.4275, "lat": 43.7395}
    return {
        "home": home,
        "days": [
            {
                "day": "2026-04-15",
                "end": home,
                "stops": [
                    {
                        "lon": lon,
                        "lat": lat,
                        "kind": "candidate",
                        "name": f"S{i}",
                        "start": "2026-04-15T10:00:00+02:00",
                        "account_id": i,
                    }
                    for i, (lon, lat) in enumerate(stops, start=1)
                ],
            }
        ],
    }


def _route_rows(script: str) -> list[list]:
    """The rows the route layer draws (JSON before its ``forEach``)."""
    line = next(
        ln
        for ln in script.splitlines()
        if ".forEach(function (row) { draw(row).addTo(route_layer" in ln
    )
    return json.loads(line.split(".forEach(", 1)[0].strip())


@pytest.fixture
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    cache = shared_road_cache(tmp_path_factory)
    return Settings(road_network_file=MONACO_PBF, road_cache_dir=cache)  # type: ignore[arg-type]


def test_a_day_in_monaco_is_drawn_along_the_roads_with_no_dashes(settings: Settings) -> None:
    result = _result((7.4165, 43.7290))
    lines = road_lines(result, [0], settings=settings, crowfly_label=LABEL)
    assert [line.dashed for line in lines] == [False, False]
    assert all(len(line.coords) > 10 for line in lines)
    rows = _route_rows(plan_map(result, [0], lines=lines).script)
    assert [row[4] for row in rows] == [False, False]


def test_a_stop_off_the_road_data_gets_dashed_labelled_legs(settings: Settings) -> None:
    result = _result((7.4165, 43.7290), (2.349, 48.853))
    lines = road_lines(result, [0], settings=settings, crowfly_label=LABEL)
    assert [line.dashed for line in lines] == [False, True, True]
    rows = _route_rows(plan_map(result, [0], lines=lines).script)
    assert [row[4] for row in rows] == [False, True, True]
    assert rows[1][3] == f"2026-04-15 · {LABEL}" and rows[0][3] == "2026-04-15"
