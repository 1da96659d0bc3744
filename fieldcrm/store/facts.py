"""Account facts for every account at once, in SQL, and rule conditions compiled to SQL.

:func:`build_facts` fills the temporary table ``scoring_facts`` (one row per account) with
a handful of set-based statements; :func:`compile_condition` turns a parsed rule condition
into a predicate over it. Both follow the conventions of :mod:`fieldcrm.scoring.facts`, and
:func:`fieldcrm.scoring.evaluate.holds` is the reference they are tested against.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.scoring.facts import (
    QUALIFICATION_FIELDS,
    AccountFacts,
    add_months,
    previous_month,
    same_month_last_year,
)
from fieldcrm.scoring.rules import (
    AllOf,
    AnyOf,
    Compare,
    Condition,
    Label,
    Missing,
    Not,
    RevenueVsLastYear,
)
from fieldcrm.store.joins import ASSIGNMENT_JOIN
from fieldcrm.store.visits import counted_visit

TABLE = "scoring_facts"
NEVER_VISITED = 1_000_000_000
"""``days_since_last_visit`` stored for accounts never visited (longer than any bound)."""

INTERVAL_JOIN = """
    LEFT JOIN visit_intervals viq ON viq.segment = 'qualification' AND viq.value = a.qualification
    LEFT JOIN visit_intervals vik ON vik.segment = 'kind' AND vik.value = a.kind"""
"""Joins giving the default intervals of the segments of ``accounts a``."""
INTERVAL_SQL = "coalesce(a.visit_interval_days, viq.days, vik.days)"
"""Days between visits of ``a`` (with :data:`INTERVAL_JOIN`), NULL when it has none;
:func:`fieldcrm.scoring.intervals.interval_for` is the reference."""

_EMPTY = "({col} IS NULL OR btrim({col}::text) = '')"
_MISSING_SQL = {
    "qualification": _EMPTY.format(col="a.qualification"),
    "potential": "(a.potential_eur_month IS NULL)",
    "sector": _EMPTY.format(col="a.sector"),
    "siret": _EMPTY.format(col="a.siret"),
    "phone": _EMPTY.format(col="a.phone"),
    "email": _EMPTY.format(col="a.email"),
    "contact": "NOT EXISTS (SELECT 1 FROM contacts c WHERE c.account_id = a.id)",
}


def month_column(key: str) -> str:
    """Column of ``scoring_facts`` holding the revenue of month ``"YYYY-MM"``."""
    return "m_" + key.replace("-", "_")


def _cents_sum(condition: str) -> str:
    """Sum of ``revenue`` over the rows meeting ``condition``, to the cent, as ``float8``.

    Summed as float8 (a fixed-size state: the numeric sums of 700 000 accounts' groups
    spilled to disk and took twice as long) and rounded to whole cents in float8: revenues
    are whole cents, so this removes the float noise and gives the double nearest the exact
    sum, as a round trip through ``numeric`` would, without converting 3 000 000 values.
    """
    return f"round(sum(revenue::float8) FILTER (WHERE {condition}) * 100) / 100"


def build_facts(
    session: Session, *, as_of: date, months: Iterable[str] = (), tz: str = "Europe/Paris"
) -> int:
    """(Re)create ``scoring_facts`` for ``as_of``; return the number of accounts.

    ``months`` are the months (``"YYYY-MM"``) whose revenue rules compare; the table lives
    until the end of the transaction.
    """
    needed = sorted(set(months))
    current = add_months(as_of, 0)
    start12 = add_months(as_of, -12)
    start3 = add_months(as_of, -3)
    last = max([current, *(add_months(date.fromisoformat(m + "-01"), 1) for m in needed)])
    first = min([start12, *(date.fromisoformat(m + "-01") for m in needed)])
    params: dict[str, Any] = {
        "as_of": as_of,
        "next_day": as_of + timedelta(days=1),
        "tz": tz,
        "cur": current,
        "s3": start3,
        "s12": start12,
        "first": first,
        "last": last,
        "cur_months": current.year * 12 + current.month,
    }
    month_sums = []
    for i, key in enumerate(needed):
        params[f"mk{i}"] = date.fromisoformat(key + "-01")
        month_sums.append(f"{_cents_sum(f'month = :mk{i}')} AS {month_column(key)}")
    month_cols = "".join(f", coalesce(s.{month_column(k)}, 0) AS {month_column(k)}" for k in needed)
    missing = "".join(f", {sql} AS missing_{name}" for name, sql in _MISSING_SQL.items())
    drop(session)
    # Sorts and hashes over every account stay in memory, and JIT compilation (seconds on
    # these big plans, for no gain) is off — for this transaction only.
    session.execute(text("SET LOCAL work_mem = '128MB'"))
    session.execute(text("SET LOCAL jit = off"))
    session.execute(
        text(f"""
        CREATE TEMP TABLE {TABLE} ON COMMIT DROP AS
        WITH s AS (
            SELECT account_id,
                   {_cents_sum("month >= :s3 AND month < :cur")} AS revenue_3m,
                   {_cents_sum("month >= :s12 AND month < :cur")} AS revenue_12m,
                   count(*) FILTER (WHERE revenue > 0 AND month >= :s12 AND month < :cur)
                       AS frequency,
                   max(month) FILTER (WHERE revenue > 0 AND month < :cur) AS last_sale
                   {"".join(", " + m for m in month_sums)}
            FROM monthly_sales
            WHERE month >= :first AND month < :last
            GROUP BY account_id
        ), v AS (
            SELECT act.account_id, max(act.occurred_at) AS last_visit
            FROM activities act
            WHERE {counted_visit("act")}
              AND act.occurred_at < (CAST(:next_day AS date)::timestamp AT TIME ZONE :tz)
            GROUP BY act.account_id
        )
        SELECT a.id AS account_id, a.name, a.kind, a.sector, t.name AS territory,
               u.email AS owner, asg.owner_id,
               a.potential_eur_month::float8 AS potential,
               (CAST(:as_of AS date) - (a.created_at AT TIME ZONE :tz)::date)
                   AS days_since_creation,
               coalesce(CAST(:as_of AS date) - (v.last_visit AT TIME ZONE :tz)::date,
                        {NEVER_VISITED}) AS days_since_last_visit,
               coalesce(s.revenue_3m, 0) AS revenue_3m,
               coalesce(s.revenue_12m, 0) AS revenue_12m,
               coalesce(s.frequency, 0) AS frequency,
               ls.recency_months,
               {INTERVAL_SQL} AS visit_interval
               {month_cols}
               {missing}
        FROM accounts a {ASSIGNMENT_JOIN}
        LEFT JOIN s ON s.account_id = a.id
        -- the last sale before the window, looked up only for accounts without one in it
        CROSS JOIN LATERAL (
            SELECT (:cur_months - 1 - (date_part('year', x.last_sale) * 12
                                       + date_part('month', x.last_sale)))::int AS recency_months
            FROM (SELECT coalesce(s.last_sale, (
                      SELECT max(m.month) FROM monthly_sales m
                      WHERE m.account_id = a.id AND m.month < :first AND m.revenue > 0))
                      AS last_sale
                  OFFSET 0) x
        ) ls
        LEFT JOIN v ON v.account_id = a.id
        {INTERVAL_JOIN}
        LEFT JOIN territories t ON t.id = asg.territory_id
        LEFT JOIN users u ON u.id = asg.owner_id
        """),
        params,
    )
    session.execute(text(f"ALTER TABLE {TABLE} ADD PRIMARY KEY (account_id)"))
    session.execute(text(f"ANALYZE {TABLE}"))
    return int(session.execute(text(f"SELECT count(*) FROM {TABLE}")).scalar_one())


class _Compiler:
    def __init__(self, as_of: date) -> None:
        self.as_of = as_of
        self.params: dict[str, Any] = {}
        self._ids = count()

    def param(self, value: Any) -> str:
        name = f"p{next(self._ids)}"
        self.params[name] = value
        return f":{name}"

    def sql(self, cond: Condition) -> str:
        if isinstance(cond, AllOf):
            return (
                "(" + " AND ".join(self.sql(c) for c in cond.items) + ")" if cond.items else "TRUE"
            )
        if isinstance(cond, AnyOf):
            return (
                "(" + " OR ".join(self.sql(c) for c in cond.items) + ")" if cond.items else "FALSE"
            )
        if isinstance(cond, Not):
            return f"(NOT {self.sql(cond.item)})"
        if isinstance(cond, Compare):
            ops = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "eq": "="}
            parts = [
                f"coalesce({cond.fact} {ops[op]} {self.param(float(bound))}, FALSE)"
                for op, bound in cond.ops
            ]
            return "(" + " AND ".join(parts) + ")"
        if isinstance(cond, RevenueVsLastYear):
            month = previous_month(self.as_of) if cond.month == "previous" else cond.month
            this, last = month_column(month), month_column(same_month_last_year(month))
            parts = [f"{last} > 0"]
            if cond.below_pct is not None:
                factor = self.param(1.0 - cond.below_pct / 100.0)
                parts.append(f"{this} < {last} * CAST({factor} AS float8)")
            if cond.above_pct is not None:
                factor = self.param(1.0 + cond.above_pct / 100.0)
                parts.append(f"{this} > {last} * CAST({factor} AS float8)")
            return "(" + " AND ".join(parts) + ")"
        if isinstance(cond, Missing):
            joiner = " AND " if cond.mode == "all" else " OR "
            return "(" + joiner.join(f"missing_{f}" for f in cond.fields) + ")"
        if isinstance(cond, Label):
            values = self.param(list(cond.values))
            inside = f"coalesce({cond.fact}::text = ANY(CAST({values} AS text[])), FALSE)"
            return f"(NOT {inside})" if cond.negate else inside
        raise TypeError(f"unknown condition {cond!r}")


def compile_condition(cond: Condition, *, as_of: date) -> tuple[str, dict[str, Any]]:
    """A SQL predicate over ``scoring_facts`` equivalent to ``holds(cond, ·, as_of=as_of)``."""
    compiler = _Compiler(as_of)
    return compiler.sql(cond), compiler.params


def _to_facts(row: Any, months: list[str]) -> AccountFacts:
    days_visit = row.days_since_last_visit
    return AccountFacts(
        account_id=row.account_id,
        kind=row.kind,
        name=row.name,
        sector=row.sector,
        territory=row.territory,
        owner=row.owner,
        potential=row.potential,
        days_since_creation=row.days_since_creation,
        days_since_last_visit=None if days_visit >= NEVER_VISITED else days_visit,
        revenue_3m=row.revenue_3m,
        revenue_12m=row.revenue_12m,
        months={k: getattr(row, month_column(k)) for k in months},
        missing=frozenset(f for f in QUALIFICATION_FIELDS if getattr(row, f"missing_{f}")),
    )


def fetch_facts(
    session: Session,
    *,
    months: Iterable[str] = (),
    where: str = "TRUE",
    params: dict[str, Any] | None = None,
    batch: int = 20_000,
) -> Iterator[AccountFacts]:
    """Rows of ``scoring_facts`` matching ``where`` as :class:`AccountFacts`."""
    keys = sorted(set(months))
    result = session.execute(
        text(f"SELECT * FROM {TABLE} WHERE {where}").execution_options(yield_per=batch),
        params or {},
    )
    for row in result:
        yield _to_facts(row, keys)


def drop(session: Session) -> None:
    """Drop this transaction's ``scoring_facts``, if any."""
    session.execute(text(f"DROP TABLE IF EXISTS pg_temp.{TABLE}"))


def account_months(
    session: Session, account_id: int, *, first: date, until: date
) -> list[tuple[date, Decimal]]:
    """One account's monthly revenue, months ``first`` (included) to ``until`` (excluded),
    as the rules read them (``monthly_sales``), in month order."""
    rows = session.execute(
        text("""
        SELECT month, revenue FROM monthly_sales
        WHERE account_id = :id AND month >= :first AND month < :until
        ORDER BY month"""),
        {"id": account_id, "first": first, "until": until},
    ).all()
    return [(r.month, Decimal(r.revenue)) for r in rows]
