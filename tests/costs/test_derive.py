"""Trips drawn from check-ins and from stored plans."""

import datetime as dt
import itertools
from collections.abc import Sequence
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from fieldcrm.costs.derive import Accepted, RepProfile, VisitStop, actual_trips, planned_trip
from fieldcrm.costs.trips import mileage_eur
from fieldcrm.geo import GeoPoint, haversine_m

PARIS_TZ = ZoneInfo("Europe/Paris")
ANTIBES = GeoPoint(7.1250, 43.5808)
NICE = GeoPoint(7.2620, 43.7102)
LYON = GeoPoint(4.8357, 45.7640)
GRENOBLE = GeoPoint(5.7245, 45.1885)
SOPHIE = RepProfile(rep_id=6, name="Sophie Durand", home=ANTIBES, team="Sud", fiscal_hp=5)


def straight_legs(points: Sequence[GeoPoint]) -> list[tuple[int, float]]:
    """Crow-fly metres, 25 m/s: predictable figures for the assertions."""
    out = []
    for a, b in itertools.pairwise(points):
        m = haversine_m(a, b)
        out.append((round(m / 25), m))
    return out


def visit(day: int, hour: int, point: GeoPoint, account: int, revenue: int = 0) -> VisitStop:
    at = dt.datetime(2026, 3, day, hour, tzinfo=PARIS_TZ)
    return VisitStop(at, point, account, 45, Decimal(revenue))


def km(*points: GeoPoint) -> float:
    return sum(m for _, m in straight_legs(points)) / 1000


def test_a_local_day_is_a_round_trip_without_hotel_or_meal() -> None:
    trips = actual_trips(SOPHIE, [visit(2, 15, NICE, 1), visit(2, 10, NICE, 2)], legs=straight_legs)
    assert len(trips) == 1
    t = trips[0]
    assert (t.start_day, t.end_day, t.visits, t.hotel_nights) == (dt.date(2026, 3, 2),) * 2 + (2, 0)
    assert t.km == pytest.approx(km(ANTIBES, NICE, NICE, ANTIBES), abs=0.01)
    assert t.meals == 0  # Nice is within 50 km of Antibes
    assert t.visiting_s == 2 * 45 * 60


def test_consecutive_far_days_make_one_trip_with_a_hotel_night() -> None:
    visits = [visit(9, 15, LYON, 1, 1000), visit(10, 10, GRENOBLE, 2, 500), visit(10, 14, LYON, 1)]
    (t,) = actual_trips(SOPHIE, visits, legs=straight_legs)
    assert (t.start_day, t.end_day) == (dt.date(2026, 3, 9), dt.date(2026, 3, 10))
    assert t.hotel_nights == 1
    assert t.meals == 3  # two lunches away and one dinner
    assert t.km == pytest.approx(km(ANTIBES, LYON, GRENOBLE, LYON, ANTIBES), abs=0.01)
    assert t.revenue_eur == 1500  # account 1's March revenue counted once


def test_far_days_with_a_gap_are_two_trips() -> None:
    trips = actual_trips(
        SOPHIE, [visit(9, 15, LYON, 1), visit(11, 10, LYON, 1)], legs=straight_legs
    )
    assert [t.hotel_nights for t in trips] == [0, 0]
    assert len(trips) == 2


def test_planned_trip_figures_and_savings() -> None:
    day = dt.date(2026, 3, 9)

    def at(h: int, m: int = 0) -> str:
        return dt.datetime.combine(day, dt.time(h, m), tzinfo=PARIS_TZ).isoformat()

    result = {
        "home": {"lon": ANTIBES.lon, "lat": ANTIBES.lat},
        "days": [
            {
                "day": "2026-03-09",
                "driving_km": 480.0,
                "driving_minutes": 300.0,
                "end": {"lon": LYON.lon, "lat": LYON.lat},
                "stops": [
                    {"lon": LYON.lon, "lat": LYON.lat, "start": at(14), "departure": at(15)},
                    {"lon": LYON.lon, "lat": LYON.lat, "start": at(16), "departure": at(16, 30)},
                ],
            },
            {
                "day": "2026-03-10",
                "driving_km": 470.0,
                "driving_minutes": 290.0,
                "end": {"lon": ANTIBES.lon, "lat": ANTIBES.lat},
                "stops": [
                    {"lon": GRENOBLE.lon, "lat": GRENOBLE.lat, "start": at(9), "departure": at(10)}
                ],
            },
        ],
        "overnight": {
            "recommendation": "stay",
            # each side's rows as the planner stores them: net = value - km - time - hotel
            "home": {"feasible": True, "km": 1900.0, "value_eur": 1050.0, "net_eur": 100.0},
            "stay": {
                "feasible": True,
                "km": 950.0,
                "value_eur": 1000.0,
                "hotel_and_meals_eur": 104.5,
                "net_eur": 420.5,
            },
        },
    }
    t = planned_trip(
        SOPHIE,
        result,
        accepted=[Accepted(7, "NICE SARL", NICE, 2.0)],
        legs=straight_legs,
        rate_per_km=Decimal("0.5"),
    )
    assert (t.kind, t.km, t.driving_s, t.visits) == ("planned", 950.0, 590 * 60, 3)
    assert t.visiting_s == 150 * 60
    assert t.hotel_nights == 1 and t.meals == 3
    nice_round_trip = km(ANTIBES, NICE, ANTIBES)
    assert t.saved_km == pytest.approx(950.0 + nice_round_trip - 2.0, abs=0.01)
    fill_in = mileage_eur(round(nice_round_trip - 2.0, 3), Decimal("0.5"))
    assert t.saved_eur == Decimal("320.50") + fill_in


def test_a_visit_with_no_known_place_still_counts() -> None:
    nowhere = VisitStop(dt.datetime(2026, 3, 2, 11, tzinfo=PARIS_TZ), None, 9, 30)
    (t,) = actual_trips(SOPHIE, [visit(2, 15, NICE, 1), nowhere], legs=straight_legs)
    assert t.visits == 2 and t.visiting_s == (45 + 30) * 60
    assert t.km == pytest.approx(km(ANTIBES, NICE, ANTIBES), abs=0.01)


def test_a_fill_in_visit_is_made_only_by_a_counted_visit_on_the_plans_days() -> None:
    """Each accepted fill-in keeps its own saving (the Nice round trip avoided, less its
    detour) and says whether it was made: a counted visit at its account during the plan's
    days; a far check-in without its report, or a visit another day, makes nothing."""
    result = {
        "days": [
            {
                "day": "2026-03-09",
                "driving_km": 40.0,
                "driving_minutes": 50.0,
                "stops": [
                    {
                        "lon": NICE.lon,
                        "lat": NICE.lat,
                        "start": "2026-03-09T10:00:00+01:00",
                        "departure": "2026-03-09T10:45:00+01:00",
                    }
                ],
            }
        ]
    }
    fill_ins = [Accepted(7, "NICE SARL", NICE, 2.0), Accepted(8, "GRASSE SA", NICE, 2.0)]

    def made(*visits: VisitStop) -> list[bool]:
        t = planned_trip(
            SOPHIE,
            result,
            accepted=fill_ins,
            checkins=visits,
            legs=straight_legs,
            rate_per_km=Decimal("0.5"),
        )
        return [f.made for f in t.fill_ins]

    assert made() == [False, False]
    assert made(visit(9, 10, NICE, 7)) == [True, False]
    assert made(visit(10, 10, NICE, 7)) == [False, False]  # the day after the plan
    far = VisitStop(dt.datetime(2026, 3, 9, 11, tzinfo=PARIS_TZ), NICE, 8, 45, counts=False)
    assert made(visit(9, 10, NICE, 7), far) == [True, False]

    t = planned_trip(
        SOPHIE, result, accepted=fill_ins, legs=straight_legs, rate_per_km=Decimal("0.5")
    )
    each = round(km(ANTIBES, NICE, ANTIBES) - 2.0, 3)
    assert [f.saved_km for f in t.fill_ins] == [each, each]
    assert [f.saved_eur for f in t.fill_ins] == [mileage_eur(each, Decimal("0.5"))] * 2
    assert t.saved_eur == sum(f.saved_eur for f in t.fill_ins)  # no overnight decision


def test_a_fill_in_saving_is_costed_on_the_km_shown() -> None:
    """7,349 km saved reads « 7,3 km » and 7,3 × 0,427 € = 3,12 € (not 3,14 € on the exact
    km): the one rule of every euro of the cost report."""
    result = {
        "days": [
            {"day": "2026-03-09", "driving_km": 40.0, "driving_minutes": 50.0, "stops": []},
        ]
    }
    detour = km(ANTIBES, NICE, ANTIBES) - 7.349
    t = planned_trip(
        SOPHIE,
        result,
        accepted=[Accepted(7, "NICE SARL", NICE, detour)],
        legs=straight_legs,
        rate_per_km=Decimal("0.427"),
    )
    (fill_in,) = t.fill_ins
    assert fill_in.saved_km == pytest.approx(7.349, abs=1e-9)
    assert fill_in.saved_eur == Decimal("3.12")
