"""Territories built from communes, postcodes and départements of the shipped outlines."""

from __future__ import annotations

import pytest
import shapely

from fieldcrm.config import PACKAGE_DATA
from fieldcrm.errors import InvalidInput
from fieldcrm.territories.admin_units import AdminBoundaries, build_from_units, load_boundaries


@pytest.fixture(scope="module")
def bounds() -> AdminBoundaries:
    return load_boundaries(PACKAGE_DATA)


def test_shipped_data(bounds: AdminBoundaries) -> None:
    assert len(bounds.departements) == 96
    assert set(bounds.shipped_departements) >= {"06", "75"}
    assert bounds.postcodes["06000"] == ("06088",)  # Nice
    assert bounds.postcodes["75011"] == ("75056",)  # arrondissement → Paris


def test_communes_and_postcodes_union(bounds: AdminBoundaries) -> None:
    nice = build_from_units(bounds, communes=["06088"])
    both = build_from_units(bounds, communes=["06088"], postcodes=["06230"])  # + Villefranche…
    assert nice.geometry.is_valid and both.geometry.is_valid
    assert both.geometry.area > nice.geometry.area
    assert shapely.covers(both.geometry, nice.geometry)
    assert "06088" in both.communes and len(both.communes) >= 2


def test_departement(bounds: AdminBoundaries) -> None:
    built = build_from_units(bounds, departements=["6", "83"])
    assert built.departements == ("06", "83")
    assert shapely.covers(built.geometry, shapely.Point(7.2620, 43.7102))  # Nice
    assert not shapely.covers(built.geometry, shapely.Point(2.35, 48.85))  # Paris


def test_unknown_and_unshipped_codes_reported_at_once(bounds: AdminBoundaries) -> None:
    with pytest.raises(InvalidInput) as err:
        build_from_units(
            bounds, communes=["99999", "13055", "abc"], postcodes=["00000"], departements=["XX"]
        )
    messages = [f"{p.field}: {p.message}" for p in err.value.problems]
    assert len(messages) == 5
    assert any("13055" in m or "outline is not shipped" in m for m in messages)
    with pytest.raises(InvalidInput, match="at least one"):
        build_from_units(bounds)
