"""RFM (recency, frequency, monetary) quintile scores from monthly sales.

Quintiles are rank based with ties sharing the lowest rank, so the SQL path
(``RANK() OVER (ORDER BY …)``) and this reference give the same numbers:
``q = 1 + floor(5 * (rank - 1) / n)``, 1 (worst) to 5 (best).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from fieldcrm.scoring.facts import add_months, month_key

NEVER = 10_000
"""Recency (in months) of an account that never bought; ranks below every buyer."""


@dataclass(frozen=True, slots=True)
class RfmInput:
    """Raw RFM measures of one account.

    ``recency_months``: months between the last complete month and the last month with
    sales (0 = bought last month; ``None`` = never); ``frequency``: months with sales among
    the last 12; ``monetary``: revenue of the last 12 months.
    """

    account_id: int
    recency_months: int | None
    frequency: int
    monetary: float


@dataclass(frozen=True, slots=True)
class RfmScore:
    """Quintile scores (1–5) and their normalised total in [0, 1]."""

    account_id: int
    r: int
    f: int
    m: int

    @property
    def total(self) -> int:
        return self.r + self.f + self.m

    @property
    def normalised(self) -> float:
        """``(R + F + M - 3) / 12``: 0 for 1-1-1, 1 for 5-5-5."""
        return (self.total - 3) / 12.0


def rfm_input(account_id: int, sales: Mapping[str, float], *, as_of: date) -> RfmInput:
    """Measures of one account from its revenue by month ``"YYYY-MM"``.

    Parameters
    ----------
    account_id
        The account.
    sales
        Revenue by month; months from ``as_of``'s month on are ignored.
    as_of
        The run date.

    Returns
    -------
    RfmInput
        Recency, frequency and monetary value.
    """
    last = add_months(as_of, -1)
    current = month_key(as_of)
    window = {month_key(add_months(last, -i)) for i in range(12)}
    bought = sorted(k for k, v in sales.items() if v > 0 and k < current)
    recency = None
    if bought:
        year, month = (int(x) for x in bought[-1].split("-"))
        recency = (last.year * 12 + last.month) - (year * 12 + month)
    frequency = sum(1 for k in bought if k in window)
    monetary = float(sum(v for k, v in sales.items() if k in window))
    return RfmInput(account_id, recency, frequency, monetary)


def quintiles(values: Mapping[int, float]) -> dict[int, int]:
    """Quintile (1–5) of each value, higher value → higher quintile; ties share one.

    Parameters
    ----------
    values
        A number per key.

    Returns
    -------
    dict
        ``1 + floor(5 * (rank - 1) / n)`` per key, rank counting strictly smaller values.
    """
    ordered = sorted(values.values())
    n = len(ordered)
    return {k: 1 + (5 * bisect_left(ordered, v)) // n for k, v in values.items()}


def rfm_scores(inputs: Iterable[RfmInput]) -> dict[int, RfmScore]:
    """RFM quintile scores of a population of accounts.

    Parameters
    ----------
    inputs
        The measures of every account of the population.

    Returns
    -------
    dict
        Score by account id.
    """
    items = list(inputs)
    r = quintiles(
        {
            i.account_id: -(i.recency_months if i.recency_months is not None else NEVER)
            for i in items
        }
    )
    f = quintiles({i.account_id: i.frequency for i in items})
    m = quintiles({i.account_id: i.monetary for i in items})
    return {
        i.account_id: RfmScore(i.account_id, r[i.account_id], f[i.account_id], m[i.account_id])
        for i in items
    }
