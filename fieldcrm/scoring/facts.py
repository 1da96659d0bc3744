"""Account facts: the plain numbers and labels rules are evaluated against.

The store computes them for every account at once in SQL (``fieldcrm.store.facts``);
:func:`facts_from_history` is the pure reference computation the tests compare it to.

Conventions (shared by both paths)
----------------------------------
* ``as_of`` is the run date. The *previous month* is the last complete calendar month
  before ``as_of``'s month; "last 3/12 months" are the 3/12 complete months ending with it.
* ``days_since_last_visit`` is ``None`` when the account was never visited; conditions
  treat that as "longer than any number of days". Only visits that count are visits: a
  check-in far from the account without its report is not (``fieldcrm.store.visits``).
* ``months`` maps ``"YYYY-MM"`` to the revenue of that month; only the months some rule
  needs are present, a missing month counts as 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

QUALIFICATION_FIELDS: tuple[str, ...] = (
    "qualification",
    "potential",
    "sector",
    "siret",
    "phone",
    "email",
    "contact",
)
"""Field names a ``missing`` condition may name."""

KINDS: tuple[str, ...] = ("client", "prospect")


def month_key(day: date) -> str:
    """``"YYYY-MM"`` of ``day``."""
    return f"{day.year:04d}-{day.month:02d}"


def month_start(key: str) -> date:
    """First day of the month ``"YYYY-MM"``."""
    year, month = key.split("-")
    return date(int(year), int(month), 1)


def add_months(day: date, months: int) -> date:
    """First day of the month ``months`` after (or before, if negative) ``day``'s month."""
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def previous_month(as_of: date) -> str:
    """The last complete month before ``as_of`` as ``"YYYY-MM"``."""
    return month_key(add_months(as_of, -1))


def same_month_last_year(key: str) -> str:
    """``"2026-03"`` → ``"2025-03"``."""
    return month_key(add_months(month_start(key), -12))


@dataclass(frozen=True, slots=True)
class AccountFacts:
    """Everything a rule may look at for one account on one date."""

    account_id: int
    kind: str
    name: str = ""
    sector: str | None = None
    territory: str | None = None
    owner: str | None = None
    potential: float | None = None
    days_since_creation: int = 0
    days_since_last_visit: int | None = None
    revenue_3m: float = 0.0
    revenue_12m: float = 0.0
    months: Mapping[str, float] = field(default_factory=dict)
    missing: frozenset[str] = frozenset()

    def revenue(self, key: str) -> float:
        """Revenue of month ``"YYYY-MM"`` (0 when absent)."""
        return float(self.months.get(key, 0.0))


@dataclass(frozen=True, slots=True)
class AccountRecord:
    """The raw account attributes facts are derived from (pure reference input)."""

    account_id: int
    kind: str
    created_on: date
    name: str = ""
    sector: str | None = None
    territory: str | None = None
    owner: str | None = None
    potential: float | None = None
    qualification: str | None = None
    siret: str | None = None
    phone: str | None = None
    email: str | None = None
    contact: str | None = None


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def missing_fields(record: AccountRecord) -> frozenset[str]:
    """Names of the qualification fields of ``record`` that are empty."""
    return frozenset(name for name in QUALIFICATION_FIELDS if _is_empty(getattr(record, name)))


def facts_from_history(
    record: AccountRecord,
    sales: Mapping[str, float],
    visits: Iterable[date],
    *,
    as_of: date,
    months: Iterable[str] = (),
) -> AccountFacts:
    """Compute the facts of one account from its raw history.

    Parameters
    ----------
    record
        The account's attributes.
    sales
        Revenue by month ``"YYYY-MM"``.
    visits
        Dates of past visits (later dates than ``as_of`` are ignored).
    as_of
        The run date.
    months
        Months (``"YYYY-MM"``) whose revenue the rules need.

    Returns
    -------
    AccountFacts
        The facts, computed with the conventions of this module.
    """
    last = add_months(as_of, -1)
    window3 = {month_key(add_months(last, -i)) for i in range(3)}
    window12 = {month_key(add_months(last, -i)) for i in range(12)}
    past = [v for v in visits if v <= as_of]
    return AccountFacts(
        account_id=record.account_id,
        kind=record.kind,
        name=record.name,
        sector=record.sector,
        territory=record.territory,
        owner=record.owner,
        potential=record.potential,
        days_since_creation=(as_of - record.created_on).days,
        days_since_last_visit=(as_of - max(past)).days if past else None,
        revenue_3m=float(sum(v for k, v in sales.items() if k in window3)),
        revenue_12m=float(sum(v for k, v in sales.items() if k in window12)),
        months={k: float(sales.get(k, 0.0)) for k in months},
        missing=missing_fields(record),
    )
