"""The tie-break rule of assign_points: covers incl. boundary, priority, area, id."""

from __future__ import annotations

import pytest
from shapely.geometry import Polygon, box

from fieldcrm.errors import InvalidInput
from fieldcrm.geo import GeoPoint
from fieldcrm.territories.assign import NONE, TerritoryShape, assign_coordinates, assign_points

WEST = TerritoryShape(1, box(7.0, 43.5, 7.1, 43.6))
EAST = TerritoryShape(2, box(7.1, 43.5, 7.2, 43.6))


def test_point_exactly_on_a_shared_border_goes_to_the_lowest_id_of_equal_territories() -> None:
    # Both squares cover the border point; same priority, same area: lowest id wins.
    assert assign_points([GeoPoint(7.1, 43.55)], [EAST, WEST]) == [1]


def test_point_on_an_outer_border_or_vertex_counts_as_inside() -> None:
    assert assign_points([GeoPoint(7.0, 43.55), GeoPoint(7.2, 43.6)], [WEST, EAST]) == [1, 2]


def test_point_in_a_hole_is_in_no_territory_unless_another_covers_it() -> None:
    donut = TerritoryShape(
        3,
        Polygon(
            [(7, 43.5), (7.2, 43.5), (7.2, 43.7), (7, 43.7)],
            [[(7.05, 43.55), (7.15, 43.55), (7.15, 43.65), (7.05, 43.65)]],
        ),
    )
    inside_hole = GeoPoint(7.1, 43.6)
    on_hole_edge = GeoPoint(7.05, 43.6)
    assert assign_points([inside_hole, on_hole_edge], [donut]) == [None, 3]
    filler = TerritoryShape(4, box(7.06, 43.56, 7.14, 43.64), priority=-5)
    assert assign_points([inside_hole], [donut, filler]) == [4]


def test_overlap_priority_then_area_then_id() -> None:
    big = TerritoryShape(10, box(7.0, 43.5, 7.4, 43.9))
    small = TerritoryShape(11, box(7.0, 43.5, 7.2, 43.7))
    twin = TerritoryShape(9, box(7.1, 43.6, 7.3, 43.8))  # same area as ``small``
    vip = TerritoryShape(12, box(7.0, 43.5, 7.4, 43.9), priority=1)
    p = GeoPoint(7.15, 43.65)  # in all four
    assert assign_points([p], [big]) == [10]
    assert assign_points([p], [big, small]) == [11]  # smaller area
    assert assign_points([p], [big, small, twin]) == [9]  # equal area: lowest id
    assert assign_points([p], [big, small, twin, vip]) == [12]  # priority first


def test_point_in_no_territory_and_empty_inputs() -> None:
    assert assign_points([GeoPoint(2.35, 48.85)], [WEST]) == [None]
    assert assign_points([], [WEST]) == []
    assert assign_coordinates([7.05], [43.55], []).tolist() == [NONE]


def test_multipolygon_territory() -> None:
    from shapely.geometry import MultiPolygon

    two = TerritoryShape(5, MultiPolygon([box(7, 43, 7.1, 43.1), box(8, 44, 8.1, 44.1)]))
    assert assign_points([GeoPoint(8.05, 44.05), GeoPoint(7.5, 43.5)], [two]) == [5, None]


def test_duplicate_ids_and_empty_geometry_refused() -> None:
    with pytest.raises(InvalidInput, match="unique"):
        assign_points([GeoPoint(7.05, 43.55)], [WEST, TerritoryShape(1, box(0, 0, 1, 1))])
    with pytest.raises(InvalidInput):
        TerritoryShape(7, Polygon())
