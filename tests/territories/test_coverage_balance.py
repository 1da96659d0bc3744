"""Overlap and gap reports; balance metrics and the workload model."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from fieldcrm.geo import GeoPoint
from fieldcrm.territories.assign import TerritoryShape
from fieldcrm.territories.balance import AccountFacts, TerritoryInfo, balance, spread, visit_hours
from fieldcrm.territories.coverage import area_m2, gaps, overlaps


def test_overlaps_pairs_area_and_winner() -> None:
    a = TerritoryShape(1, box(7.0, 43.5, 7.2, 43.7))
    b = TerritoryShape(2, box(7.1, 43.6, 7.3, 43.8), priority=3)
    c = TerritoryShape(3, box(7.2, 43.5, 7.4, 43.6))  # touches ``a`` on a side only
    found = overlaps([a, b, c])
    assert [(o.first_id, o.second_id, o.winner_id) for o in found] == [(1, 2, 2)]
    assert found[0].area_m2 == pytest.approx(area_m2(box(7.1, 43.6, 7.2, 43.7)))
    assert 80e6 < found[0].area_m2 < 90e6  # ~8 km × 11 km at 43.6°N


def test_gaps() -> None:
    a = TerritoryShape(1, box(7.0, 43.5, 7.2, 43.7))
    assert gaps([10, 11, 12], [7.1, 8.0, 7.2], [43.6, 43.6, 43.7], [a]) == [11]


def test_balance_rows() -> None:
    home = GeoPoint(7.0, 43.5)
    terr = [
        TerritoryInfo(1, "Ouest", rep_id=5, home=home, centroid=GeoPoint(7.1, 43.5)),
        TerritoryInfo(2, "Est", centroid=GeoPoint(7.5, 43.5)),
    ]
    accounts = [
        AccountFacts(1, 1, "client", GeoPoint(7.0, 43.5), 100.0, 1200.0, "high", 60),
        AccountFacts(2, 1, "prospect", GeoPoint(7.0, 43.5), 50.0, 0.0, None, 30),
        AccountFacts(3, 2, "client", None, 10.0, 5.0, "urgent", 45),
        AccountFacts(4, None, "client", None, 999.0),
    ]
    rows = balance(terr, accounts)
    west, east = rows
    assert (west.accounts, west.clients, west.prospects) == (2, 1, 1)
    assert west.potential_eur_month == 150.0 and west.revenue_12m == 1200.0
    # No driving (account at home): 1 visit × 1 h + 0.25 × 0.5 h.
    assert west.workload_hours_month == pytest.approx(1.13, abs=0.01)
    assert east.workload_hours_month == pytest.approx(1.5)
    assert west.centroid_home_km == pytest.approx(8.0, abs=0.2)
    assert east.centroid_home_km is None


def test_driving_share_grows_with_distance() -> None:
    near = AccountFacts(1, 1, "client", GeoPoint(7.01, 43.5), priority_band="normal")
    far = AccountFacts(2, 1, "client", GeoPoint(7.5, 43.5), priority_band="normal")
    base = GeoPoint(7.0, 43.5)
    assert visit_hours(far, base) > visit_hours(near, base) > 0.375


def test_spread() -> None:
    s = spread([10.0, 20.0, 30.0], metric="x")
    assert (s.minimum, s.maximum, s.mean) == (10.0, 30.0, 20.0)
    assert s.cv == pytest.approx(0.408, abs=1e-3)


def test_no_territory_or_one_overlaps_nothing() -> None:
    from fieldcrm.territories.coverage import overlaps

    assert overlaps([]) == []
