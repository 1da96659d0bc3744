"""Trip costs and reports: totals equal the sum of the trips, grouping, empty periods."""

import datetime as dt
from decimal import Decimal

import pytest

from fieldcrm.costs.report import build_report, group_key, period_bounds
from fieldcrm.costs.trips import Rates, Trip, cost_trip
from fieldcrm.errors import InvalidInput

RATES = Rates(hotel_night_eur=Decimal("95"), meal_eur=Decimal("20"))


def trip(day: int, *, kind: str = "actual", rep: int = 4, km: float = 100.0, **kw) -> Trip:
    start = dt.date(2026, 3, day)
    return Trip(
        rep_id=rep,
        rep_name={4: "Camille Martin", 6: "Sophie Durand"}[rep],
        kind=kind,
        start_day=start,
        end_day=start + dt.timedelta(days=kw.pop("nights", 0)),
        km=km,
        driving_s=kw.pop("driving_s", 3600),
        visiting_s=kw.pop("visiting_s", 3 * 3600),
        visits=kw.pop("visits", 4),
        team="Équipe Sud",
        **kw,
    )


def test_trip_cost_adds_mileage_hotel_meals_and_tolls() -> None:
    t = trip(2, km=812.4, hotel_nights=2, meals=5, tolls_eur=Decimal("48.30"))
    c = cost_trip(t, rate_per_km=Decimal("0.4965"), rates=RATES)
    assert c.mileage_eur == Decimal("403.36")  # 812.4 × 0.4965 = 403.357
    assert c.hotel_eur == Decimal("190.00")
    assert c.meals_eur == Decimal("100.00")
    assert c.total_eur == Decimal("741.66")


def test_report_totals_equal_the_sum_of_its_trips() -> None:
    trips = [
        trip(2),
        trip(3, km=250.5, hotel_nights=1, meals=3, nights=1),
        trip(3, kind="planned", km=240.0),
        trip(10, rep=6, km=900.0, hotel_nights=2, meals=4, nights=2, visits=9),
        trip(28, rep=6, km=55.2, tolls_eur=Decimal("12.40")),
    ]
    costs = [cost_trip(t, rate_per_km=Decimal("0.5"), rates=RATES) for t in trips]
    report = build_report(
        costs, title="Mars", start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31), scale_year=2025
    )
    actual = [c for c in costs if c.trip.kind == "actual"]
    assert report.total.actual.trips == 4
    assert report.total.actual.km == pytest.approx(sum(c.trip.km for c in actual))
    assert report.total.actual.total_eur == sum(c.total_eur for c in actual)
    assert report.total.planned.km == 240.0
    # Rows partition the trips: their sums are the total.
    assert sum(r.actual.total_eur for r in report.rows) == report.total.actual.total_eur
    assert [r.label for r in report.rows] == ["Camille Martin", "Sophie Durand"]
    camille = report.rows[0].actual
    assert camille.visits == 8
    assert camille.cost_per_visit_eur == (camille.total_eur / 8).quantize(Decimal("0.01"))
    assert camille.driving_share == pytest.approx(0.25)


@pytest.mark.parametrize(
    ("group_by", "labels"),
    [
        ("week", ["2026-S10", "2026-S11", "2026-S13"]),
        ("month", ["2026-03"]),
        ("year", ["2026"]),
        ("team", ["Équipe Sud"]),
    ],
)
def test_grouping(group_by: str, labels: list[str]) -> None:
    costs = [cost_trip(trip(d), rate_per_km=Decimal("0.5"), rates=RATES) for d in (2, 3, 10, 28)]
    report = build_report(
        costs,
        title="t",
        start=dt.date(2026, 3, 1),
        end=dt.date(2026, 3, 31),
        group_by=group_by,
        scale_year=2025,
    )
    assert [r.label for r in report.rows] == labels
    assert sum(r.actual.trips for r in report.rows) == 4


def test_a_month_with_no_trips_is_an_empty_report() -> None:
    costs = [cost_trip(trip(2), rate_per_km=Decimal("0.5"), rates=RATES)]
    report = build_report(
        costs, title="Avril", start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30), scale_year=2025
    )
    assert report.empty and report.rows == ()
    assert report.total.actual.total_eur == 0
    assert report.total.actual.cost_per_visit_eur is None
    assert report.total.actual.revenue_per_km_eur is None


def test_bad_input_names_the_field() -> None:
    with pytest.raises(InvalidInput) as err:
        trip(2, kind="dreamt")
    assert err.value.field == "kind"
    with pytest.raises(InvalidInput) as err:
        trip(2, km=-5)
    assert err.value.field == "km"
    with pytest.raises(InvalidInput) as err:
        group_key(cost_trip(trip(2), rate_per_km=Decimal(1), rates=RATES), "decade")
    assert err.value.field == "group_by"


@pytest.mark.parametrize(
    ("kwargs", "bounds"),
    [
        ({"month": "2026-03"}, (dt.date(2026, 3, 1), dt.date(2026, 3, 31))),
        ({"month": "2026-12"}, (dt.date(2026, 12, 1), dt.date(2026, 12, 31))),
        ({"month": "2028-02"}, (dt.date(2028, 2, 1), dt.date(2028, 2, 29))),
        ({"week": "2026-W10"}, (dt.date(2026, 3, 2), dt.date(2026, 3, 8))),
        ({"year": 2026}, (dt.date(2026, 1, 1), dt.date(2026, 12, 31))),
        (
            {"start": dt.date(2026, 3, 5), "end": dt.date(2026, 3, 9)},
            (dt.date(2026, 3, 5), dt.date(2026, 3, 9)),
        ),
    ],
)
def test_period_bounds(kwargs: dict, bounds: tuple[dt.date, dt.date]) -> None:
    assert period_bounds(**kwargs) == bounds


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "period"),
        ({"month": "2026-03", "year": 2026}, "period"),
        ({"month": "mars"}, "month"),
        ({"week": "2026-10"}, "week"),
        ({"start": dt.date(2026, 3, 5)}, "end"),
        ({"start": dt.date(2026, 3, 5), "end": dt.date(2026, 3, 1)}, "end"),
    ],
)
def test_period_bounds_errors_name_the_field(kwargs: dict, field: str) -> None:
    with pytest.raises(InvalidInput) as err:
        period_bounds(**kwargs)
    assert err.value.field == field


def test_a_followed_trip_realises_only_the_fill_in_visits_made() -> None:
    """A past planned trip driven as planned saves its overnight decision and the round trips
    of the fill-in visits made; a fill-in visit never made saves nothing (its round trip,
    exactly, is left out), while a trip still to come expects them all."""
    from fieldcrm.costs.trips import FillIn

    made = FillIn(7, "NICE SARL", 38.5, Decimal("19.25"), made=True)
    missed = FillIn(8, "GRASSE SA", 61.0, Decimal("30.50"), made=False)
    saved_km, saved_eur = 100.0 + 38.5 + 61.0, Decimal("50.00") + Decimal("49.75")

    def report(*fill_ins: FillIn, today: dt.date):  # type: ignore[no-untyped-def]
        plan = trip(2, kind="planned", saved_km=saved_km, saved_eur=saved_eur, fill_ins=fill_ins)
        costs = [cost_trip(t, rate_per_km=Decimal("0.5"), rates=RATES) for t in (plan, trip(2))]
        return build_report(
            costs,
            title="Mars",
            start=dt.date(2026, 3, 1),
            end=dt.date(2026, 3, 31),
            scale_year=2025,
            today=today,
        ).total.planned

    over = dt.date(2026, 4, 1)
    both = report(made, FillIn(8, "GRASSE SA", 61.0, Decimal("30.50"), made=True), today=over)
    assert (both.saved_km, both.saved_eur) == (saved_km, saved_eur)
    one = report(made, missed, today=over)
    assert (one.saved_km, one.saved_eur) == (saved_km - 61.0, saved_eur - Decimal("30.50"))
    coming = report(made, missed, today=dt.date(2026, 3, 1))
    assert (coming.saved_eur, coming.expected_saved_eur) == (0, saved_eur)


def test_the_km_total_is_the_sum_of_the_rows_shown() -> None:
    """QA: /frais « Prévu : km » totalled 155,2 while its rows added up to 155,4 (the total
    rounded the sum, each row its own). Each trip counts its km as the trips' table writes
    them, to the tenth: rows and total add up as shown."""
    trips = [
        trip(2, rep=4, kind="planned", km=10.05),  # shown 10,1
        trip(3, rep=4, kind="planned", km=20.05),  # shown 20,1: row 30,2 (30.10 → 30,1 before)
        trip(4, rep=6, kind="planned", km=30.05),  # shown 30,1
        trip(5, rep=6, kind="planned", km=40.05),  # row 70,2 (70.10 → 70,1 before)
    ]
    costs = [cost_trip(t, rate_per_km=Decimal("0.5"), rates=RATES) for t in trips]
    report = build_report(
        costs, title="Mars", start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31), scale_year=2025
    )
    rows = [r.planned.km for r in report.rows]
    assert rows == [30.2, 70.2]
    assert report.total.planned.km == 100.4 == round(sum(rows), 1)
    # the euros stay those of each trip's km as counted (the cost report's rule)
    assert report.total.planned.mileage_eur == sum(c.mileage_eur for c in costs)


def test_revenue_per_km_is_unknown_without_revenue() -> None:
    """QA: « CA/km » read 0,00 € for every rep of the month under way: its sales are not
    imported yet (no revenue at all), which is no revenue per km of 0."""
    costs = [cost_trip(trip(2), rate_per_km=Decimal("0.5"), rates=RATES)]
    report = build_report(
        costs, title="Mars", start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31), scale_year=2025
    )
    assert report.total.actual.revenue_eur == 0
    assert report.total.actual.revenue_per_km_eur is None
    sold = [
        cost_trip(trip(2, revenue_eur=Decimal("1000")), rate_per_km=Decimal("0.5"), rates=RATES)
    ]
    report = build_report(
        sold, title="Mars", start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31), scale_year=2025
    )
    assert report.total.actual.revenue_per_km_eur == Decimal("10.00")
