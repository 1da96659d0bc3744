"""GeoJSON → valid MultiPolygon, or an error naming the feature and the problem."""

from __future__ import annotations

import json

import pytest

from fieldcrm.errors import InvalidInput
from fieldcrm.territories.shapes import feature_collection, parse_features, parse_geometry

SQUARE = [[7.0, 43.5], [7.1, 43.5], [7.1, 43.6], [7.0, 43.6], [7.0, 43.5]]
HOLE = [[7.02, 43.52], [7.02, 43.54], [7.04, 43.54], [7.04, 43.52], [7.02, 43.52]]


def fc(*geometries: dict, names: list[str] | None = None) -> str:
    names = names or [f"T{i}" for i in range(len(geometries))]
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {"name": n}, "geometry": g}
                for n, g in zip(names, geometries, strict=True)
            ],
        }
    )


def test_polygon_becomes_multipolygon() -> None:
    geom, repairs = parse_geometry({"type": "Polygon", "coordinates": [SQUARE]})
    assert geom.geom_type == "MultiPolygon"
    assert geom.area == pytest.approx(0.01)
    assert repairs == ()


def test_hole_is_kept() -> None:
    geom, _ = parse_geometry({"type": "Polygon", "coordinates": [SQUARE, HOLE]})
    assert len(geom.geoms[0].interiors) == 1
    assert geom.area == pytest.approx(0.01 - 0.0004)


def test_multipolygon_with_overlapping_parts_is_merged() -> None:
    other = [[7.05, 43.55], [7.15, 43.55], [7.15, 43.65], [7.05, 43.65], [7.05, 43.55]]
    geom, repairs = parse_geometry({"type": "MultiPolygon", "coordinates": [[SQUARE], [other]]})
    assert geom.is_valid
    assert geom.area == pytest.approx(0.02 - 0.0025)
    assert any("merged" in r for r in repairs)


def test_unclosed_ring_and_repeated_vertex_are_repaired() -> None:
    ring = [[7.0, 43.5], [7.1, 43.5], [7.1, 43.5], [7.1, 43.6], [7.0, 43.6]]
    geom, repairs = parse_geometry({"type": "Polygon", "coordinates": [ring]})
    assert geom.area == pytest.approx(0.01)
    assert any("closed" in r for r in repairs) and any("repeated" in r for r in repairs)


def test_self_touching_ring_is_repaired() -> None:
    # One ring that comes back to (7.05, 43.5) to enclose a notch: the intent is clear.
    ring = [
        [7.0, 43.5],
        [7.05, 43.5],
        [7.05, 43.55],
        [7.06, 43.55],
        [7.05, 43.5],
        [7.1, 43.5],
        [7.1, 43.6],
        [7.0, 43.6],
        [7.0, 43.5],
    ]
    geom, repairs = parse_geometry({"type": "Polygon", "coordinates": [ring]})
    assert geom.is_valid and repairs


def test_bow_tie_is_refused_with_the_crossing_point() -> None:
    bow = [[7.0, 43.5], [7.1, 43.6], [7.1, 43.5], [7.0, 43.6], [7.0, 43.5]]
    with pytest.raises(InvalidInput) as err:
        parse_features(fc({"type": "Polygon", "coordinates": [bow]}, names=["Nœud papillon"]))
    problem = err.value.problems[0]
    assert "Nœud papillon" in problem.field
    assert "crosses itself" in problem.message and "7.050000, 43.550000" in problem.message


def test_hole_crossing_the_shell_is_refused() -> None:
    hole = [[7.05, 43.55], [7.05, 43.7], [7.08, 43.7], [7.08, 43.55], [7.05, 43.55]]
    with pytest.raises(InvalidInput, match="cannot be repaired"):
        parse_geometry({"type": "Polygon", "coordinates": [SQUARE, hole]})


def test_lon_lat_swapped_is_detected() -> None:
    swapped = [[lat, lon] for lon, lat in SQUARE]
    with pytest.raises(InvalidInput) as err:
        parse_features(fc({"type": "Polygon", "coordinates": [swapped]}, names=["Nice"]))
    assert "«Nice»" in err.value.problems[0].field
    assert "swapped" in err.value.problems[0].message


def test_outside_plausible_area_is_refused_but_can_be_allowed() -> None:
    far = [[x + 100, y] for x, y in SQUARE]
    with pytest.raises(InvalidInput, match="outside the plausible area"):
        parse_geometry({"type": "Polygon", "coordinates": [far]})
    geom, _ = parse_geometry({"type": "Polygon", "coordinates": [far]}, plausible_bbox=None)
    assert geom.bounds[0] == pytest.approx(107.0)


@pytest.mark.parametrize("document", ["", "   \n", b""])
def test_empty_file(document: str | bytes) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_features(document)
    assert err.value.field == "file" and "empty" in str(err.value)


def test_empty_collection_and_empty_geometry() -> None:
    with pytest.raises(InvalidInput, match="no features"):
        parse_features('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(InvalidInput, match="empty geometry"):
        parse_features(fc({"type": "Polygon", "coordinates": []}))
    with pytest.raises(InvalidInput, match="empty geometry"):
        parse_geometry(None)


def test_non_polygon_and_all_problems_reported_at_once() -> None:
    point = {"type": "Point", "coordinates": [7.0, 43.5]}
    line = {"type": "LineString", "coordinates": [[7.0, 43.5], [7.1, 43.6]]}
    ok = {"type": "Polygon", "coordinates": [SQUARE]}
    with pytest.raises(InvalidInput) as err:
        parse_features(fc(point, ok, line, names=["P", "OK", "L"]))
    fields = [p.field for p in err.value.problems]
    assert fields == ["features[0] «P»", "features[2] «L»"]
    assert "non-polygon geometry 'Point'" in err.value.problems[0].message


def test_invalid_json() -> None:
    with pytest.raises(InvalidInput, match="not valid JSON"):
        parse_features("{nope")


def test_round_trip_through_feature_collection() -> None:
    geom, _ = parse_geometry({"type": "Polygon", "coordinates": [SQUARE, HOLE]})
    doc = feature_collection([(geom, {"name": "A"})])
    again = parse_features(json.dumps(doc))
    assert again[0].properties["name"] == "A"
    assert again[0].geometry.equals(geom)
