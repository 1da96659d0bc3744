"""An account's revenue against last year, as the rules read it, for the account page.

The rules compare whole months before the reference date (:mod:`fieldcrm.scoring.facts`):
the last complete month against the same month a year earlier (« CA en baisse de plus de
10 % sur un an »: ``revenue_vs_last_year``, month ``previous``) and the last 12 months
(``revenue_12m``). :func:`revenue_comparisons` gives those periods, plus the year to date
(January to the last complete month), each against the same months a year earlier. A period
where the account has no sales row at all has no figure (``None``): nothing to show, not a
zero; a change is given only against a positive figure, as the rule requires
(``last > 0``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from fieldcrm.scoring.facts import add_months

Period = Literal["month", "year_to_date", "twelve_months"]


@dataclass(frozen=True, slots=True)
class Comparison:
    """The revenue of ``first`` .. ``last`` (first days of months, both included) and of the
    same months a year earlier; ``None`` where the account has no sales row in them."""

    period: Period
    first: dt.date
    last: dt.date
    revenue: Decimal | None
    last_year: Decimal | None

    @property
    def change(self) -> float | None:
        """The change on a year as a fraction (``-0.115`` for −11,5 %), when both figures
        exist and last year's is positive; else ``None``."""
        if self.revenue is None or self.last_year is None or self.last_year <= 0:
            return None
        return float(self.revenue / self.last_year) - 1.0


def _sum(months: dict[dt.date, Decimal], first: dt.date, last: dt.date) -> Decimal | None:
    found = [v for m, v in months.items() if first <= m <= last]
    return sum(found, Decimal(0)) if found else None


def revenue_comparisons(
    sales: Iterable[tuple[dt.date, Decimal]], *, as_of: dt.date
) -> list[Comparison]:
    """The last complete month, the year to date and the last 12 months before ``as_of``,
    each against the same months a year earlier; a period with no figure on either side is
    left out, and so is the year to date when it is that one month (January's).

    Parameters
    ----------
    sales
        ``(month, revenue)`` pairs, ``month`` any day of the month (summed per month).
    as_of
        The reference date: its month is not complete, and not counted.

    Returns
    -------
    list of Comparison
        In the order month, year to date, 12 months.

    Examples
    --------
    >>> march = [(dt.date(2026, 3, 1), Decimal(885)), (dt.date(2025, 3, 1), Decimal(1000))]
    >>> [(c.period, c.revenue, c.last_year, round(c.change, 3)) for c in
    ...  revenue_comparisons(march, as_of=dt.date(2026, 4, 15))]
    [('month', Decimal('885'), Decimal('1000'), -0.115), ('year_to_date', Decimal('885'), Decimal('1000'), -0.115), ('twelve_months', Decimal('885'), Decimal('1000'), -0.115)]
    >>> revenue_comparisons([], as_of=dt.date(2026, 4, 15))
    []
    """
    months: dict[dt.date, Decimal] = {}
    for month, value in sales:
        key = month.replace(day=1)
        months[key] = months.get(key, Decimal(0)) + Decimal(value)
    last = add_months(as_of, -1)
    periods: list[tuple[Period, dt.date]] = [("month", last)]
    if last.month > 1:
        periods.append(("year_to_date", last.replace(month=1)))
    periods.append(("twelve_months", add_months(as_of, -12)))
    found = []
    for period, first in periods:
        before_first, before_last = add_months(first, -12), add_months(last, -12)
        compared = Comparison(
            period,
            first,
            last,
            _sum(months, first, last),
            _sum(months, before_first, before_last),
        )
        if compared.revenue is not None or compared.last_year is not None:
            found.append(compared)
    return found
