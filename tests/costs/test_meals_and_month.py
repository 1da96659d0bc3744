"""One meal rule for every screen, and the month a trip crossing months counts in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldcrm.costs.derive import (
    RepProfile,
    planned_allowance_days,
    planned_nights_and_meals,
    planned_trip,
)
from fieldcrm.costs.report import build_report
from fieldcrm.costs.trips import (
    Rates,
    Trip,
    allowance_lines,
    allowance_totals,
    allowances_eur,
    cost_trip,
    meals_due,
)
from fieldcrm.errors import InvalidInput
from fieldcrm.geo import GeoPoint

HOME = GeoPoint(7.42, 43.74)  # Beausoleil
FAR = {"lon": 5.37, "lat": 43.30}  # Marseille, ~165 km
NEAR = {"lon": 7.43, "lat": 43.74}  # next door
RATES = Rates(hotel_night_eur=Decimal("95"), meal_eur=Decimal("20"))


def _day(
    day: str, stops: list[dict[str, float]], end: GeoPoint | dict[str, float]
) -> dict[str, Any]:
    end_point = {"lon": end.lon, "lat": end.lat} if isinstance(end, GeoPoint) else end
    return {
        "day": day,
        "stops": [
            {**s, "start": f"{day}T10:00:00+01:00", "departure": f"{day}T10:45:00+01:00"}
            for s in stops
        ],
        "end": end_point,
        "driving_km": 238.0,
        "driving_minutes": 150,
    }


def test_a_night_away_is_a_dinner_and_each_far_day_a_lunch() -> None:
    assert meals_due(nights_away=1, lunch_days=2) == 3
    assert meals_due(nights_away=0, lunch_days=0) == 0
    with pytest.raises(InvalidInput, match="meals"):
        meals_due(nights_away=-1, lunch_days=0)
    # 16-17/12, one night away, both days far: 95 € + 3 × 20 €, not 95 + 20
    days = [_day("2026-12-16", [FAR], FAR), _day("2026-12-17", [FAR], HOME)]
    assert planned_nights_and_meals(HOME, days, 50.0) == (1, 3)
    assert allowances_eur(nights=1, meals=3, rates=RATES) == (Decimal("95.00"), Decimal("60.00"))
    rep = RepProfile(6, "Sophie Durand", HOME)
    trip = planned_trip(rep, {"days": days}, legs=lambda pts: [], rate_per_km=Decimal("0.5"))
    cost = cost_trip(trip, rate_per_km=Decimal("0.5"), rates=RATES)
    assert (trip.hotel_nights, trip.meals) == (1, 3)
    assert cost.hotel_eur + cost.meals_eur == Decimal("155.00")
    # a day close to home earns no lunch, whatever the night
    near = [_day("2026-12-16", [NEAR], HOME), _day("2026-12-17", [FAR], HOME)]
    assert planned_nights_and_meals(HOME, near, 50.0) == (0, 1)


def _trip(start: dt.date, end: dt.date) -> Trip:
    return Trip(
        rep_id=6,
        rep_name="Sophie Durand",
        kind="actual",
        start_day=start,
        end_day=end,
        km=900.0,
        driving_s=36000,
        visiting_s=36000,
        visits=12,
        hotel_nights=(end - start).days,
        meals=2 * (end - start).days + 1,
    )


def test_a_trip_crossing_months_counts_whole_in_its_start_month_and_says_so() -> None:
    crossing = cost_trip(
        _trip(dt.date(2026, 11, 28), dt.date(2026, 12, 3)), rate_per_km=Decimal("0.5"), rates=RATES
    )
    inside = cost_trip(
        _trip(dt.date(2026, 11, 2), dt.date(2026, 11, 3)), rate_per_km=Decimal("0.5"), rates=RATES
    )
    november = build_report(
        [crossing, inside],
        title="Novembre",
        start=dt.date(2026, 11, 1),
        end=dt.date(2026, 11, 30),
        scale_year=2025,
    )
    assert november.counted_at_start == (crossing,)
    assert november.total.actual.hotel_nights == 5 + 1
    december = build_report(
        [crossing],
        title="Décembre",
        start=dt.date(2026, 12, 1),
        end=dt.date(2026, 12, 31),
        scale_year=2025,
    )
    assert december.counted_at_start == () and december.total.actual.trips == 0


def test_the_lines_of_a_trip_are_every_euro_of_its_hotel_and_meals() -> None:
    """Toulon (one night away, both days far) and Sophie's four days (three nights away, four
    far days): each lunch, each night's hotel and dinner is a line; the lines are the total."""
    days = [_day("2026-12-15", [FAR], FAR), _day("2026-12-16", [FAR], HOME)]
    nights, lunches = planned_allowance_days(HOME, days, 50.0)
    lines = allowance_lines(nights_away=nights, lunch_days=lunches, rates=RATES)
    assert [(a.kind, a.day.day, a.eur) for a in lines] == [
        ("lunch", 15, Decimal("20.00")),
        ("hotel", 15, Decimal("95.00")),
        ("dinner", 15, Decimal("20.00")),
        ("lunch", 16, Decimal("20.00")),
    ]
    assert sum(allowance_totals(lines)) == Decimal("155.00")
    four = [_day(f"2026-12-{d}", [FAR], FAR if d < 18 else HOME) for d in (15, 16, 17, 18)]
    nights, lunches = planned_allowance_days(HOME, four, 50.0)
    lines = allowance_lines(nights_away=nights, lunch_days=lunches, rates=RATES)
    assert [a.kind for a in lines].count("lunch") == 4 and len(lines) == 10
    assert allowance_totals(lines) == (Decimal("285.00"), Decimal("140.00"))  # 425 €


@given(
    nights=st.sets(st.integers(0, 6), max_size=6),
    lunches=st.sets(st.integers(0, 6), max_size=7),
    hotel=st.decimals("0", "300", places=3),
    meal=st.decimals("0", "60", places=3),
)
def test_the_lines_add_up_to_what_the_report_charges(
    nights: set[int], lunches: set[int], hotel: Decimal, meal: Decimal
) -> None:
    """Whatever the days and the rates (to the tenth of a cent), the lines sum to the totals
    the cost report charges for the same counts, to the cent."""
    first = dt.date(2026, 12, 14)
    rates = Rates(hotel_night_eur=hotel, meal_eur=meal)
    lines = allowance_lines(
        nights_away=[first + dt.timedelta(days=n) for n in sorted(nights)],
        lunch_days=[first + dt.timedelta(days=n) for n in sorted(lunches)],
        rates=rates,
    )
    meals = meals_due(nights_away=len(nights), lunch_days=len(lunches))
    assert allowance_totals(lines) == allowances_eur(nights=len(nights), meals=meals, rates=rates)
    assert len(lines) == len(nights) + meals
    assert [a.day for a in lines] == sorted(a.day for a in lines)
