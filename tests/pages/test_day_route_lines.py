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


def _trip(*, with_timing: bool) -> dict:
    """Two days of a trip: Monaco → Lyon's hotel, then from the hotel around Lyon and home."""
    home = {"lon": 7.4275, "lat": 43.7395}
    hotel = {"lon": 4.8357, "lat": 45.7640}
    stop = {"kind": "candidate", "start": "2026-04-16T10:00:00+02:00", "account_id": 9}
    second = {
        "day": "2026-04-16",
        "end": home,
        "stops": [{**stop, "lon": 4.8500, "lat": 45.7600, "name": "Lyon"}],
    }
    if with_timing:
        second["timing"] = {"start": hotel}
    return {
        "home": home,
        "days": [{"day": "2026-04-15", "end": hotel, "stops": []}, second],
    }


@pytest.mark.parametrize("with_timing", [True, False])
def test_a_trip_day_after_a_night_away_starts_at_the_hotel(
    settings: Settings, with_timing: bool
) -> None:
    # « Ma journée » draws one day: its route and its start pin at last night's hotel
    # (stored in its timing, or, in a plan stored before, the day before's end), not at home
    result = _trip(with_timing=with_timing)
    lines = road_lines(result, [1], settings=settings, crowfly_label=LABEL)
    assert lines[0].coords[0] == pytest.approx((4.8357, 45.7640))
    script = plan_map(result, [1], lines=lines).script
    pins = _pin_rows(script)
    assert (pins[0][0], pins[0][1], pins[0][7]) == (45.764, 4.8357, "me")
    assert all(row[7] != "home" for row in pins)  # no home pin on a day that starts away


def _pin_rows(script: str) -> list[list]:
    """The pins the map draws: ``[lat, lon, label, url, colour, popup, glyph, kind]``."""
    line = next(ln for ln in script.splitlines() if "draw(row).addTo(pin_layer" in ln)
    return json.loads(line.split(".forEach(", 1)[0].strip())
