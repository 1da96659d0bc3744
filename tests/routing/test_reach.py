"""A day's reach from home, and where a rep's valuable accounts lie beyond it (known answers)."""

from __future__ import annotations

from fieldcrm.geo import GeoPoint
from fieldcrm.routing.reach import Area, Spot, day_reach_m, departement, far_areas

ANTIBES = GeoPoint(7.125, 43.580)
NICE = GeoPoint(7.262, 43.710)  # about 18 km from Antibes
LYON = GeoPoint(4.835, 45.764)  # about 300 km
VILLEURBANNE = GeoPoint(4.880, 45.771)
BORDEAUX = GeoPoint(-0.579, 44.838)  # about 630 km


def test_a_day_of_driving_reaches_fifty_crow_fly_km_an_hour_out_and_back() -> None:
    assert day_reach_m(240) == 200_000.0
    assert day_reach_m(0) == 0.0


def test_departement_of_a_postcode() -> None:
    assert [
        departement(p) for p in ("69001", "06600", "20000", "20200", "97400", None, "6900")
    ] == [
        "69",
        "06",
        "2A",
        "2B",
        "974",
        None,
        None,
    ]


def test_far_accounts_are_grouped_by_departement_and_ranked_by_value() -> None:
    spots = [
        Spot("Nice", "06000", NICE, 100.0),
        Spot("Lyon", "69003", LYON, 400.0),
        Spot("Lyon", "69007", LYON, 300.0),
        Spot("Villeurbanne", "69100", VILLEURBANNE, 200.0),
        Spot("Bordeaux", "33000", BORDEAUX, 500.0),
    ]
    areas = far_areas(spots, home=ANTIBES, reach_m=day_reach_m(240))
    # the Rhône holds 900 € (Lyon 700 € of it), the Gironde 500 €; Nice is within reach;
    # 4 h of driving (200 km one way) reach neither Lyon (300 km) nor Bordeaux
    assert areas == (
        Area("Lyon", "69", 3, 900.0, within_day=False),
        Area("Bordeaux", "33", 1, 500.0, within_day=False),
    )
    assert far_areas(spots, home=ANTIBES, reach_m=day_reach_m(240), top=1) == areas[:1]


def test_nothing_is_said_when_most_of_the_value_is_within_reach() -> None:
    spots = [Spot("Nice", "06000", NICE, 600.0), Spot("Lyon", "69003", LYON, 500.0)]
    assert far_areas(spots, home=ANTIBES, reach_m=day_reach_m(240)) == ()
    # a shorter day puts Lyon... and Nice out of reach: all of the value is far
    assert far_areas(spots, home=ANTIBES, reach_m=day_reach_m(20)) == (
        Area("Nice", "06", 1, 600.0, within_day=False),  # 18 km: beyond 17 km of driving
        Area("Lyon", "69", 1, 500.0, within_day=False),
    )
    assert far_areas([], home=ANTIBES, reach_m=1000.0) == ()


def test_an_account_without_postcode_is_grouped_by_its_commune() -> None:
    spots = [Spot("Lyon", None, LYON, 10.0), Spot("Lyon", "", LYON, 5.0)]
    assert far_areas(spots, home=ANTIBES, reach_m=1000.0) == (
        Area("Lyon", "LYON", 2, 15.0, within_day=False),
    )


def test_an_area_says_whether_a_day_of_driving_one_way_reaches_it() -> None:
    """A hotel is advised only where a working day's drive gets to: 8 h of driving (400 km
    one way, 200 km out and back) reach Lyon (300 km) in a day, not Bordeaux (630 km)."""
    spots = [Spot("Lyon", "69003", LYON, 400.0), Spot("Bordeaux", "33000", BORDEAUX, 500.0)]
    assert far_areas(spots, home=ANTIBES, reach_m=day_reach_m(480)) == (
        Area("Bordeaux", "33", 1, 500.0, within_day=False),
        Area("Lyon", "69", 1, 400.0, within_day=True),
    )
