"""The priority index of every account, in one set-based statement.

Same formula as :mod:`fieldcrm.scoring.priority` (the reference): rule points of this run
(``scoring_firings``) + RFM quintiles (rank based, ties share the lowest rank) + percent
rank of the potential among accounts with a positive potential + the points of a late visit
(days since the later of the last visit and the creation, minus the interval; see
:mod:`fieldcrm.scoring.intervals`). Never commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.scoring.priority import BAND_THRESHOLDS, OVERDUE_WEIGHT, PriorityBreakdown
from fieldcrm.scoring.rfm import RfmScore
from fieldcrm.scoring.rules import BANDS
from fieldcrm.store.facts import TABLE
from fieldcrm.store.joins import PRIORITY_JOIN

NEVER = 10_000


def _band_case(expr: str) -> str:
    whens = " ".join(f"WHEN {expr} >= {t} THEN {BANDS.index(b)}" for t, b in BAND_THRESHOLDS)
    return f"CASE {whens} ELSE 0 END"


BANDS_ARRAY = "ARRAY[" + ", ".join(f"'{b}'" for b in BANDS) + "]"
"""The bands in rank order, as an SQL array (a band's rank is its position - 1)."""


def late_points_sql(late: str, interval: str) -> str:
    """SQL: the points of a visit ``late`` days late with its ``interval`` (NULL when not
    late), weight ``:wo`` (:func:`fieldcrm.scoring.intervals.overdue_points` is the oracle)."""
    return (
        f"CASE WHEN {late} > 0 THEN round(CAST(:wo AS float8)"
        f" * least({late}::float8 / {interval}, 1) * 100) / 100 END"
    )


def index_sql(points: str, rfm_points: str, potential_points: str, late_points: str) -> str:
    """SQL: the priority index from its parts, rounded to 0.01."""
    return (
        f"round(({points} + {rfm_points} + {potential_points}"
        f" + coalesce({late_points}, 0)) * 100) / 100"
    )


def band_sql(index: str, rule_rank: str) -> str:
    """SQL: the band of an index, at least the one a rule set (``rule_rank``, NULL: none)."""
    return f"({BANDS_ARRAY})[greatest({_band_case(index)}, coalesce({rule_rank}, 0)) + 1]"


RECENCY = f"-coalesce(recency_months, {NEVER})"
"""Recency as a score: the more recent the last sale, the higher; never bought lowest."""


def _quintiles_by_value(name: str, expr: str) -> str:
    """CTE ``name(v, q)``: the quintile of each distinct value of ``expr`` over the facts.

    ``1 + 5 * (rank - 1) / n`` as ``rank() OVER (ORDER BY expr)`` gives it (rank - 1 = the
    accounts with a smaller value), from a histogram: for measures with few distinct values
    (months since the last sale, months with sales) a hash aggregate instead of a sort of
    every account.
    """
    return f"""{name} AS (
        SELECT v, 1 + (5 * (CAST(sum(c) OVER (ORDER BY v) AS bigint) - c)) / :n AS q
        FROM (SELECT {expr} AS v, count(*) AS c FROM {TABLE} GROUP BY 1) histogram
    )"""


PARTS = (
    "score", "band", "rule_band", "rule_keys", "rule_points", "rfm_r", "rfm_f", "rfm_m",
    "rfm_points", "potential", "potential_pct", "potential_points", "overdue_days",
    "overdue_points",
)  # fmt: skip
"""The columns of ``account_priorities`` a scoring run writes, in ``scoring_priority``'s order."""
COLUMNS = ", ".join(PARTS)


LATE_DAYS = (
    "CASE WHEN visit_interval IS NULL THEN 0 ELSE greatest(0, "
    "least(days_since_last_visit, days_since_creation) - visit_interval) END"
)
"""Days the next visit is late, over ``scoring_facts`` (0 without an interval)."""


def update_priorities(
    session: Session,
    *,
    rfm_weight: float,
    potential_weight: float,
    overdue_weight: float = OVERDUE_WEIGHT,
) -> int:
    """Store index, band and parts of every account of ``scoring_facts``
    in ``account_priorities`` (rows that do not change are not written).

    Needs ``scoring_facts`` and ``scoring_firings`` of the current run. Returns the number
    of accounts whose stored priority changed.
    """
    bands = BANDS_ARRAY
    band_rank = "array_position(" + bands + ", f.band) - 1"
    sql = f"""
    CREATE TEMP TABLE scoring_priority ON COMMIT DROP AS
    WITH pts AS (
        SELECT f.account_id, sum(f.points) AS points, max({band_rank}) AS band_rank,
               array_agg(f.rule_ref ORDER BY f.rule_ref) FILTER (WHERE f.points <> 0) AS keys,
               array_agg(f.points ORDER BY f.rule_ref) FILTER (WHERE f.points <> 0) AS pts
        FROM scoring_firings f GROUP BY f.account_id
    ), {_quintiles_by_value("rq", RECENCY)}, {_quintiles_by_value("fq", "frequency")},
    q AS MATERIALIZED (
        SELECT account_id, potential, rq.q AS r, fq.q AS f,
               1 + (5 * (rank() OVER (ORDER BY revenue_12m) - 1)) / :n AS m,
               {LATE_DAYS} AS late, visit_interval
        FROM {TABLE} JOIN rq ON rq.v = {RECENCY} JOIN fq ON fq.v = frequency
    ), pot AS (
        SELECT account_id, percent_rank() OVER (ORDER BY potential) AS pct
        FROM {TABLE} WHERE potential > 0
    ), c AS (
        SELECT q.account_id, q.potential, q.r, q.f, q.m,
               coalesce(pot.pct, 0)::float8 AS pct,
               coalesce(pts.points, 0) AS points, pts.band_rank, pts.keys, pts.pts,
               round(CAST(:wr AS float8) * (q.r + q.f + q.m - 3) / 12.0 * 100) / 100 AS rfm_points,
               round(CAST(:wp AS float8) * coalesce(pot.pct, 0) * 100) / 100 AS pot_points,
               CASE WHEN q.late > 0 THEN q.late END AS late,
               {late_points_sql("q.late", "q.visit_interval")} AS late_points
        FROM q LEFT JOIN pot USING (account_id) LEFT JOIN pts USING (account_id)
    ), idx AS (
        SELECT c.*,
               {index_sql("c.points", "c.rfm_points", "c.pot_points", "c.late_points")} AS ix
        FROM c
    )
    SELECT idx.account_id, idx.ix AS score,
           {band_sql("idx.ix", "idx.band_rank")} AS band,
           ({bands})[idx.band_rank + 1]::varchar(10) AS rule_band,
           idx.keys AS rule_keys, idx.pts AS rule_points,
           idx.r::smallint AS rfm_r, idx.f::smallint AS rfm_f, idx.m::smallint AS rfm_m,
           idx.rfm_points, idx.potential, round(idx.pct * 10000) / 10000 AS potential_pct,
           idx.pot_points AS potential_points,
           idx.late::int AS overdue_days, idx.late_points AS overdue_points,
           stored.account_id IS NULL AS is_new
    FROM idx LEFT JOIN account_priorities stored ON stored.account_id = idx.account_id
    """
    # Changed rows only: an UPDATE filters before it locks (ON CONFLICT DO UPDATE would lock
    # every row); then the accounts never scored, known before the insert (an anti-join on
    # the table being filled would be planned as if it stayed empty), in key order (the
    # primary key grows at its right end instead of at a million random places).
    values = ", ".join(f"p.{c}" for c in PARTS)
    update = f"""
    UPDATE account_priorities ap
    SET ({COLUMNS}, computed_at) = ({values}, now())
    FROM scoring_priority p
    WHERE ap.account_id = p.account_id
      AND ({", ".join(f"ap.{c}" for c in PARTS)}) IS DISTINCT FROM ({values})
    """
    insert = f"""
    INSERT INTO account_priorities (account_id, {COLUMNS})
    SELECT p.account_id, {values} FROM scoring_priority p WHERE p.is_new
    ORDER BY p.account_id
    """
    n = session.execute(text(f"SELECT count(*) FROM {TABLE}")).scalar_one()
    params: dict[str, Any] = {
        "wr": rfm_weight,
        "wp": potential_weight,
        "wo": overdue_weight,
        "n": max(int(n), 1),
    }
    session.execute(text("DROP TABLE IF EXISTS pg_temp.scoring_priority"))
    session.execute(text(sql), params)
    session.execute(text("ANALYZE scoring_priority"))
    updated = session.execute(text(update)).rowcount  # type: ignore[attr-defined]
    inserted = session.execute(text(insert)).rowcount  # type: ignore[attr-defined]
    return int(updated) + int(inserted)


def refresh_overdue(
    session: Session,
    lateness: Mapping[int, tuple[int, int | None]],
    *,
    overdue_weight: float = OVERDUE_WEIGHT,
) -> int:
    """Store again the late-visit part of the given accounts' stored priorities, and so
    their index and band (``lateness``: ``(days late, interval)`` by account, as of now:
    :func:`fieldcrm.store.intervals.lateness`), their other parts as the last run computed
    them, by the run's own formulas (:func:`late_points_sql`, :func:`index_sql`,
    :func:`band_sql`). An account never scored is left alone. Returns the rows changed."""
    if not lateness:
        return 0
    ids = list(lateness)
    sql = f"""
    WITH w AS (
        SELECT * FROM unnest(CAST(:ids AS int[]), CAST(:late AS int[]), CAST(:interval AS int[]))
          AS w(account_id, late, visit_interval)
    ), c AS (
        SELECT ap.account_id, CASE WHEN w.late > 0 THEN w.late END AS late,
               {late_points_sql("w.late", "w.visit_interval")} AS late_points,
               coalesce((SELECT sum(x) FROM unnest(ap.rule_points) x), 0) AS points,
               coalesce(ap.rfm_points, 0) AS rfm_points,
               coalesce(ap.potential_points, 0) AS pot_points,
               array_position({BANDS_ARRAY}, CAST(ap.rule_band AS text)) - 1 AS rule_rank
        FROM account_priorities ap JOIN w USING (account_id)
    ), idx AS (
        SELECT c.*,
               {index_sql("c.points", "c.rfm_points", "c.pot_points", "c.late_points")} AS ix
        FROM c
    ), n AS (
        SELECT idx.*, {band_sql("idx.ix", "idx.rule_rank")} AS band FROM idx
    )
    UPDATE account_priorities ap
    SET overdue_days = n.late, overdue_points = n.late_points, score = n.ix, band = n.band
    FROM n
    WHERE ap.account_id = n.account_id
      AND (ap.overdue_days, ap.overdue_points, ap.score, ap.band)
          IS DISTINCT FROM (n.late, n.late_points, n.ix, n.band)
    """
    changed = session.execute(
        text(sql),
        {
            "ids": ids,
            "late": [lateness[i][0] for i in ids],
            "interval": [lateness[i][1] for i in ids],
            "wo": overdue_weight,
        },
    ).rowcount  # type: ignore[attr-defined]
    return int(changed)


def priorities_of(session: Session, account_ids: list[int]) -> dict[int, float]:
    """Stored priority index of the given accounts (0 when never computed)."""
    rows = session.execute(
        text(
            f"SELECT a.id, coalesce(ap.score, 0) FROM accounts a {PRIORITY_JOIN} "
            "WHERE a.id = ANY(:ids)"
        ),
        {"ids": list(account_ids)},
    )
    return {r[0]: float(r[1]) for r in rows}


def breakdown_of(session: Session, account_id: int) -> PriorityBreakdown | None:
    """How the stored priority index of one account was made; None if never scored."""
    row = session.execute(
        text(f"SELECT {COLUMNS} FROM account_priorities WHERE account_id = :id"),
        {"id": account_id},
    ).one_or_none()
    if row is None:
        return None
    rfm = None if row.rfm_r is None else RfmScore(account_id, row.rfm_r, row.rfm_f, row.rfm_m)
    return PriorityBreakdown(
        account_id,
        rule_points=tuple(zip(row.rule_keys or (), row.rule_points or (), strict=True)),
        rfm=rfm,
        rfm_points=row.rfm_points or 0.0,
        potential=row.potential,
        potential_pct=row.potential_pct or 0.0,
        potential_points=row.potential_points or 0.0,
        rule_band=row.rule_band,
        index=row.score,
        band=row.band,
        overdue_days=row.overdue_days or 0,
        overdue_points=row.overdue_points or 0.0,
    )
