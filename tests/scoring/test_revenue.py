"""The account page's revenue figures: the months the rules compare, against a year earlier."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fieldcrm.scoring.revenue import Comparison, revenue_comparisons

AS_OF = dt.date(2026, 4, 15)


def _m(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


def _by_period(found: list[Comparison]) -> dict[str, Comparison]:
    return {c.period: c for c in found}


def test_last_month_year_to_date_and_twelve_months_against_a_year_earlier() -> None:
    sales = [
        (_m(2026, 3), Decimal("885")),  # the rule's month: −11.5 % on March 2025
        (_m(2025, 3), Decimal("1000")),
        (_m(2026, 1), Decimal("500")),
        (_m(2025, 1), Decimal("400")),
        (_m(2025, 6), Decimal("300")),  # in the last 12 months only
        (_m(2024, 6), Decimal("200")),  # in the 12 months before only
        (_m(2026, 4), Decimal("999")),  # the month of as_of: not complete, not counted
        (_m(2024, 3), Decimal("7")),  # before every period
    ]
    found = _by_period(revenue_comparisons(sales, as_of=AS_OF))
    assert list(found) == ["month", "year_to_date", "twelve_months"]
    month = found["month"]
    assert (month.first, month.last) == (_m(2026, 3), _m(2026, 3))
    assert (month.revenue, month.last_year) == (Decimal(885), Decimal(1000))
    assert month.change == pytest.approx(-0.115)
    ytd = found["year_to_date"]
    assert (ytd.first, ytd.last) == (_m(2026, 1), _m(2026, 3))
    assert (ytd.revenue, ytd.last_year) == (Decimal(1385), Decimal(1400))
    twelve = found["twelve_months"]
    assert (twelve.first, twelve.last) == (_m(2025, 4), _m(2026, 3))
    assert (twelve.revenue, twelve.last_year) == (Decimal(1685), Decimal(1600))
    assert twelve.change == pytest.approx(1685 / 1600 - 1)


def test_a_period_without_any_sales_row_has_no_figure_not_zero() -> None:
    sales = [(_m(2025, 3), Decimal("1000"))]  # nothing this March: no row, no figure
    found = _by_period(revenue_comparisons(sales, as_of=AS_OF))
    assert found["month"].revenue is None and found["month"].last_year == Decimal(1000)
    assert found["month"].change is None
    assert revenue_comparisons([], as_of=AS_OF) == []
    only_old = [(_m(2020, 1), Decimal("50"))]
    assert revenue_comparisons(only_old, as_of=AS_OF) == []


def test_no_change_against_nothing_sold_a_year_earlier() -> None:
    sales = [(_m(2026, 3), Decimal("100")), (_m(2025, 3), Decimal("0"))]
    month = _by_period(revenue_comparisons(sales, as_of=AS_OF))["month"]
    assert month.last_year == Decimal(0) and month.change is None


def test_the_year_to_date_left_out_in_february_and_last_year_s_in_january() -> None:
    sales = [(_m(2026, 1), Decimal("10")), (_m(2025, 1), Decimal("20"))]
    found = revenue_comparisons(sales, as_of=dt.date(2026, 2, 3))
    assert [c.period for c in found] == ["month", "twelve_months"]
    december = [(_m(2025, 12), Decimal("30")), (_m(2024, 12), Decimal("60"))]
    in_january = revenue_comparisons(sales + december, as_of=dt.date(2026, 1, 20))
    assert [c.period for c in in_january] == ["month", "year_to_date", "twelve_months"]
    assert in_january[1].first == _m(2025, 1) and in_january[1].last == _m(2025, 12)
    assert in_january[0].change == pytest.approx(-0.5)  # December 2025 on December 2024
