"""The priority index of every account, in one set-based statement.

Same formula as :mod:`fieldcrm.scoring.priority` (the reference): rule points of this run
(``scoring_firings``) + RFM quintiles (rank based, ties share the lowest rank) + percent
rank of the potential among accounts with a positive potential. Never commits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.scoring.priority import BAND_THRESHOLDS
from fieldcrm.scoring.rules import BANDS
from fieldcrm.store.facts import TABLE

NEVER = 10_000
PRIORITY_JOIN = "LEFT JOIN account_priorities ap ON ap.account_id = a.id"
"""Join giving ``ap.score`` and ``ap.band`` beside ``accounts a`` (NULL when never scored)."""


def _band_case(expr: str) -> str:
    whens = " ".join(f"WHEN {expr} >= {t} THEN {BANDS.index(b)}" for t, b in BAND_THRESHOLDS)
    return f"CASE {whens} ELSE 0 END"


def update_priorities(session: Session, *, rfm_weight: float, potential_weight: float) -> int:
    """Store index, band and breakdown of every account of ``scoring_facts``
    in ``account_priorities`` (rows that do not change are not written).

    Needs ``scoring_facts`` and ``scoring_firings`` of the current run. Returns the number
    of accounts whose stored priority changed.
    """
    bands = "ARRAY[" + ", ".join(f"'{b}'" for b in BANDS) + "]"
    band_rank = "array_position(" + bands + ", f.band) - 1"
    sql = f"""
    CREATE TEMP TABLE scoring_priority ON COMMIT DROP AS
    WITH pts AS (
        SELECT f.account_id, sum(f.points) AS points, max({band_rank}) AS band_rank,
               jsonb_agg(jsonb_build_object('rule', f.rule_ref, 'points', f.points)
                         ORDER BY f.rule_ref) FILTER (WHERE f.points <> 0) AS rules
        FROM scoring_firings f GROUP BY f.account_id
    ), q AS MATERIALIZED (
        SELECT account_id, potential,
               1 + (5 * (rank() OVER (ORDER BY -coalesce(recency_months, {NEVER})) - 1)) / :n
                   AS r,
               1 + (5 * (rank() OVER (ORDER BY frequency) - 1)) / :n AS f,
               1 + (5 * (rank() OVER (ORDER BY revenue_12m) - 1)) / :n AS m
        FROM {TABLE}
    ), pot AS (
        SELECT account_id, percent_rank() OVER (ORDER BY potential) AS pct
        FROM {TABLE} WHERE potential > 0
    ), c AS MATERIALIZED (
        SELECT q.account_id, q.potential, q.r, q.f, q.m,
               coalesce(pot.pct, 0)::float8 AS pct,
               coalesce(pts.points, 0) AS points, pts.band_rank,
               coalesce(pts.rules, '[]'::jsonb) AS rules,
               round(CAST(:wr AS float8) * (q.r + q.f + q.m - 3) / 12.0 * 100) / 100 AS rfm_points,
               round(CAST(:wp AS float8) * coalesce(pot.pct, 0) * 100) / 100 AS pot_points
        FROM q LEFT JOIN pot USING (account_id) LEFT JOIN pts USING (account_id)
    ), idx AS MATERIALIZED (
        SELECT c.*, round((c.points + c.rfm_points + c.pot_points) * 100) / 100 AS ix
        FROM c
    ), fin AS (
        SELECT idx.*, ({bands})[greatest({_band_case("idx.ix")}, coalesce(idx.band_rank, 0)) + 1]
                   AS band
        FROM idx
    )
    SELECT fin.account_id, fin.ix, fin.band,
           jsonb_build_object(
               'index', fin.ix, 'band', fin.band, 'rules', fin.rules,
               'rule_band', ({bands})[fin.band_rank + 1],
               'rfm', jsonb_build_object('r', fin.r, 'f', fin.f, 'm', fin.m,
                                         'points', fin.rfm_points),
               'potential', jsonb_build_object('value', fin.potential,
                                               'pct', round(fin.pct * 10000) / 10000,
                                               'points', fin.pot_points)) AS breakdown,
           stored.account_id IS NULL AS is_new
    FROM fin LEFT JOIN account_priorities stored ON stored.account_id = fin.account_id
    """
    # Changed rows only: an UPDATE filters before it locks (ON CONFLICT DO UPDATE would lock
    # every row); then the accounts never scored, known before the insert (an anti-join on
    # the table being filled would be planned as if it stayed empty).
    update = """
    UPDATE account_priorities ap
    SET score = p.ix, band = p.band, breakdown = p.breakdown, computed_at = now()
    FROM scoring_priority p
    WHERE ap.account_id = p.account_id
      AND (ap.score IS DISTINCT FROM p.ix OR ap.band IS DISTINCT FROM p.band
           OR ap.breakdown IS DISTINCT FROM p.breakdown)
    """
    insert = """
    INSERT INTO account_priorities (account_id, score, band, breakdown)
    SELECT p.account_id, p.ix, p.band, p.breakdown FROM scoring_priority p WHERE p.is_new
    """
    n = session.execute(text(f"SELECT count(*) FROM {TABLE}")).scalar_one()
    params: dict[str, Any] = {"wr": rfm_weight, "wp": potential_weight, "n": max(int(n), 1)}
    session.execute(text("DROP TABLE IF EXISTS pg_temp.scoring_priority"))
    session.execute(text(sql), params)
    session.execute(text("ANALYZE scoring_priority"))
    updated = session.execute(text(update)).rowcount  # type: ignore[attr-defined]
    inserted = session.execute(text(insert)).rowcount  # type: ignore[attr-defined]
    return int(updated) + int(inserted)


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


def breakdown_of(session: Session, account_id: int) -> dict[str, Any] | None:
    """Stored breakdown JSON of one account, if any."""
    return session.execute(
        text("SELECT breakdown FROM account_priorities WHERE account_id = :id"), {"id": account_id}
    ).scalar_one_or_none()
