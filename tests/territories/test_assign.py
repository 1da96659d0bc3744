"""The tie-break rule of assign_points: covers incl. boundary, priority, area, id."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, Polygon, box

from fieldcrm.errors import InvalidInput
from fieldcrm.geo import GeoPoint
from fieldcrm.territories.assign import (
    NONE,
    TerritoryShape,
    assign_coordinates,
    assign_points,
    tie_break_key,
)

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


@settings(max_examples=60, deadline=None)
@given(
    boxes=st.lists(
        st.tuples(
            st.integers(0, 8),
            st.integers(0, 8),
            st.integers(1, 6),
            st.integers(1, 6),
            st.integers(-1, 2),
        ),
        min_size=1,
        max_size=6,
    ),
    grid=st.lists(st.tuples(st.integers(0, 28), st.integers(0, 28)), min_size=1, max_size=40),
)
def test_vectorised_assignment_equals_the_definition(
    boxes: list[tuple[int, int, int, int, int]], grid: list[tuple[int, int]]
) -> None:
    # Territories on a 0.05° lattice and points on a 0.025° lattice: many points fall exactly
    # on edges and vertices, where "covers" (boundary counts as inside) matters.
    shapes = [
        TerritoryShape(
            100 - i,
            box(7 + x * 0.05, 43 + y * 0.05, 7 + (x + w) * 0.05, 43 + (y + h) * 0.05),
            priority=p,
        )
        for i, (x, y, w, h, p) in enumerate(boxes)
    ]
    points = [GeoPoint(7 + gx * 0.025, 43 + gy * 0.025) for gx, gy in grid]
    expected = []
    for p in points:
        covering = [t for t in shapes if t.geometry.covers(Point(p.lon, p.lat))]
        expected.append(min(covering, key=tie_break_key).id if covering else None)
    assert assign_points(points, shapes) == expected
