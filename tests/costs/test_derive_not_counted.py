"""A far check-in without its report is no visit of the trip (the product's rule), while the
trip's kilometres, driving, nights and meals still come from where the rep was."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from fieldcrm.costs.derive import VisitStop, actual_trips
from fieldcrm.costs.report import build_report
from fieldcrm.costs.trips import NotCounted, Rates, cost_trip
from fieldcrm.geo import GeoPoint
from tests.costs.test_derive import (
    ANTIBES,
    GRENOBLE,
    LYON,
    NICE,
    PARIS_TZ,
    SOPHIE,
    km,
    straight_legs,
)

CANNES = GeoPoint(7.0128, 43.5513)


def stop(day: int, hour: int, point: GeoPoint, account: int, revenue: int = 0) -> VisitStop:
    at = dt.datetime(2026, 3, day, hour, tzinfo=PARIS_TZ)
    return VisitStop(at, point, account, 45, Decimal(revenue), f"Compte {account}")


def test_a_far_check_in_without_report_adds_no_visit_but_its_place_makes_the_km() -> None:
    counted = [stop(2, 9, NICE, 1, 100), stop(2, 11, CANNES, 2, 700), stop(2, 15, NICE, 3, 50)]
    far = dataclasses.replace(counted[1], counts=False, distance_m=11_200.0)
    (every,) = actual_trips(SOPHIE, counted, legs=straight_legs)
    (t,) = actual_trips(SOPHIE, [counted[0], far, counted[2]], legs=straight_legs)
    # what happened on the road is the same: the rep drove to Cannes and back
    assert t.km == every.km == pytest.approx(km(ANTIBES, NICE, CANNES, NICE, ANTIBES), abs=0.01)
    assert (t.driving_s, t.hotel_nights, t.meals, t.to_check) == (
        every.driving_s,
        every.hotel_nights,
        every.meals,
        every.to_check,
    )
    # but Cannes was no visit: neither counted, nor its time, nor its account's revenue
    assert (every.visits, t.visits) == (3, 2)
    assert (every.visiting_s, t.visiting_s) == (3 * 45 * 60, 2 * 45 * 60)
    assert (every.revenue_eur, t.revenue_eur) == (850, 150)
    assert t.not_counted == (NotCounted(dt.date(2026, 3, 2), 2, "Compte 2", 11_200.0),)
    assert every.not_counted == ()


def test_a_far_check_in_still_places_the_rep_for_the_hotel_night() -> None:
    """Lyon checked in far from its account, without report, on the evening of a first day:
    the rep slept there all the same (one hotel night, a dinner)."""
    visits = [
        dataclasses.replace(stop(9, 15, LYON, 1), counts=False, distance_m=900.0),
        stop(10, 10, GRENOBLE, 2),
    ]
    (t,) = actual_trips(SOPHIE, visits, legs=straight_legs)
    assert (t.hotel_nights, t.visits, len(t.not_counted)) == (1, 1, 1)
    assert t.km == pytest.approx(km(ANTIBES, LYON, GRENOBLE, ANTIBES), abs=0.01)


def test_the_report_counts_visits_and_cost_per_visit_without_them() -> None:
    visits = [stop(2, 9, NICE, 1), dataclasses.replace(stop(2, 11, CANNES, 2), counts=False)]
    (t,) = actual_trips(SOPHIE, visits, legs=straight_legs)
    cost = cost_trip(t, rate_per_km=Decimal("0.5"), rates=Rates(Decimal(95), Decimal(20)))
    report = build_report(
        [cost], title="t", start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31), scale_year=2025
    )
    total = report.total.actual
    assert (total.visits, total.not_counted) == (1, 1)
    assert total.cost_per_visit_eur == cost.total_eur  # one visit, not two
    assert [(c.trip.rep_name, n.account_id) for c, n in report.not_counted] == [
        ("Sophie Durand", 2)
    ]
