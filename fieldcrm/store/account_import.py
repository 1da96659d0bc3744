"""Accounts and monthly sales in PostGIS: bulk upserts through a staging table, exports.

Imports stream records into a temporary table with ``COPY`` and merge them with a few
set-based statements, so 100 000 rows cost a handful of round trips and constant memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.accounts.records import (
    ACCOUNT_FIELDS,
    ADDRESS_FIELDS,
    AccountRecord,
    Rejected,
    SaleRecord,
)
from fieldcrm.store.joins import ASSIGNMENT_JOIN, PRIORITY_JOIN

STAGE_COLUMNS = ("line", "match_key", *ACCOUNT_FIELDS)
# Columns an import may change; a row whose values are all equal counts as unchanged.
MERGED = tuple(f for f in ACCOUNT_FIELDS if f not in ("lon", "lat"))


@dataclass(frozen=True)
class MergeCounts:
    """What a merge did."""

    inserted: int
    updated: int
    unchanged: int


def _raw(session: Session) -> Any:
    return session.connection().connection.driver_connection


def create_account_stage(session: Session) -> None:
    """Create the session's temporary staging table for accounts (dropped at commit)."""
    session.execute(
        text("""
        CREATE TEMP TABLE IF NOT EXISTS stage_accounts (
            line int, match_key text, external_id text, siret text, name text,
            address_line1 text, address_line2 text, postcode text, city text, country text,
            kind text, sector text, qualification text, employees int,
            potential_eur_month numeric(14,2), phone text, email text, visit_minutes int,
            lon double precision, lat double precision, notes text
        ) ON COMMIT DROP""")
    )
    session.execute(text("TRUNCATE stage_accounts"))


def copy_accounts(session: Session, records: Iterable[AccountRecord]) -> int:
    """Stream ``records`` into the staging table; return how many were copied."""
    count = 0
    cursor = _raw(session).cursor()
    with cursor.copy(f"COPY stage_accounts ({', '.join(STAGE_COLUMNS)}) FROM STDIN") as copy:
        for r in records:
            copy.write_row((r.line, r.match_key, *(getattr(r, f) for f in ACCOUNT_FIELDS)))
            count += 1
    return count


def merge_account_stage(session: Session, *, actor_id: int | None) -> MergeCounts:
    """Upsert the staged accounts: match by external id, else SIRET, else name + postcode.

    An address change resets the geocoding (unless the point is locked by hand); a row
    with coordinates sets the point directly. Unchanged rows are not touched.
    """
    session.execute(
        text("""
        ALTER TABLE stage_accounts ADD COLUMN IF NOT EXISTS account_id int;
        UPDATE stage_accounts s SET account_id = a.id FROM accounts a
         WHERE s.external_id IS NOT NULL AND a.external_id = s.external_id;
        UPDATE stage_accounts s SET account_id = a.id FROM accounts a
         WHERE s.account_id IS NULL AND s.external_id IS NULL AND s.siret IS NOT NULL
           AND a.siret = s.siret;
        UPDATE stage_accounts s SET account_id = a.id FROM accounts a
         WHERE s.account_id IS NULL AND s.external_id IS NULL AND s.siret IS NULL
           AND a.external_id IS NULL AND a.siret IS NULL
           AND lower(a.name) = lower(s.name) AND a.postcode IS NOT DISTINCT FROM s.postcode;
        CREATE INDEX ON stage_accounts (account_id);
        ANALYZE stage_accounts;
    """)
    )
    differs = " OR ".join(f"a.{c} IS DISTINCT FROM s.{c}" for c in MERGED)
    point_differs = (
        "(s.lon IS NOT NULL AND (a.geom IS NULL OR NOT ST_Equals(a.geom, "
        "ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326))))"
    )
    address_changed = " OR ".join(f"a.{c} IS DISTINCT FROM s.{c}" for c in ADDRESS_FIELDS)
    updated = session.execute(
        text(f"""
        WITH changed AS (
            UPDATE accounts a SET
                {", ".join(f"{c} = s.{c}" for c in MERGED)},
                geom = CASE
                    WHEN s.lon IS NOT NULL THEN ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326)
                    WHEN a.location_locked OR NOT ({address_changed}) THEN a.geom
                    ELSE NULL END,
                geocode_status = CASE
                    WHEN s.lon IS NOT NULL THEN 'matched'
                    WHEN a.location_locked OR NOT ({address_changed}) THEN a.geocode_status
                    ELSE 'pending' END,
                geocode_provider = CASE WHEN s.lon IS NOT NULL THEN 'file'
                    WHEN a.location_locked OR NOT ({address_changed}) THEN a.geocode_provider
                    ELSE NULL END,
                geocode_precision = CASE WHEN s.lon IS NOT NULL THEN 'housenumber'
                    WHEN a.location_locked OR NOT ({address_changed}) THEN a.geocode_precision
                    ELSE NULL END,
                updated_at = now()
            FROM stage_accounts s
            WHERE s.account_id = a.id AND ({differs} OR {point_differs})
            RETURNING a.id
        ) SELECT count(*) FROM changed""")
    )
    n_updated = int(updated.scalar_one())
    inserted = session.execute(
        text(f"""
        WITH added AS (
            INSERT INTO accounts ({", ".join(MERGED)}, geom, geocode_status, geocode_provider,
                                  geocode_precision)
            SELECT {
            ", ".join(
                f"coalesce(s.{c}, 'FR')"
                if c == "country"
                else f"coalesce(s.{c}, 'prospect')"
                if c == "kind"
                else f"coalesce(s.{c}, 45)"
                if c == "visit_minutes"
                else f"s.{c}"
                for c in MERGED
            )
        },
                   CASE WHEN s.lon IS NOT NULL
                        THEN ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326) END,
                   CASE WHEN s.lon IS NOT NULL THEN 'matched' ELSE 'pending' END,
                   CASE WHEN s.lon IS NOT NULL THEN 'file' END,
                   CASE WHEN s.lon IS NOT NULL THEN 'housenumber' END
            FROM stage_accounts s WHERE s.account_id IS NULL ORDER BY s.line
            RETURNING id
        ) SELECT count(*) FROM added""")
    ).scalar_one()
    total = session.execute(text("SELECT count(*) FROM stage_accounts")).scalar_one()
    session.execute(
        text("""INSERT INTO audit_log (actor_id, action, entity, entity_id, changes)
                VALUES (:actor, 'import', 'accounts', NULL, CAST(:changes AS jsonb))"""),
        {"actor": actor_id, "changes": f'{{"inserted": {inserted}, "updated": {n_updated}}}'},
    )
    return MergeCounts(int(inserted), n_updated, int(total) - int(inserted) - n_updated)


def create_sales_stage(session: Session) -> None:
    """Create the session's temporary staging table for monthly sales."""
    session.execute(
        text("""
        CREATE TEMP TABLE IF NOT EXISTS stage_sales (
            line int, external_id text, siret text, month date, revenue numeric(14,2)
        ) ON COMMIT DROP""")
    )
    session.execute(text("TRUNCATE stage_sales"))


def copy_sales(session: Session, records: Iterable[SaleRecord]) -> int:
    """Stream sales rows into the staging table; return how many were copied."""
    count = 0
    cursor = _raw(session).cursor()
    with cursor.copy(
        "COPY stage_sales (line, external_id, siret, month, revenue) FROM STDIN"
    ) as copy:
        for r in records:
            copy.write_row((r.line, r.external_id, r.siret, r.month, r.revenue))
            count += 1
    return count


def merge_sales_stage(session: Session) -> tuple[MergeCounts, list[Rejected]]:
    """Upsert staged sales into ``monthly_sales``; rows naming no known account are rejected."""
    session.execute(
        text("""
        ALTER TABLE stage_sales ADD COLUMN IF NOT EXISTS account_id int;
        UPDATE stage_sales s SET account_id = a.id FROM accounts a
         WHERE s.external_id IS NOT NULL AND a.external_id = s.external_id;
        UPDATE stage_sales s SET account_id = a.id FROM accounts a
         WHERE s.account_id IS NULL AND s.siret IS NOT NULL AND a.siret = s.siret;
    """)
    )
    missing = session.execute(
        text("""
        SELECT line, external_id, siret FROM stage_sales WHERE account_id IS NULL ORDER BY line
    """)
    ).all()
    rejected = [
        Rejected(line, "external_id" if ext else "siret", "no account with this id", ext or siret)
        for line, ext, siret in missing
    ]
    row = session.execute(
        text("""
        WITH staged AS (SELECT * FROM stage_sales WHERE account_id IS NOT NULL),
        upserted AS (
            INSERT INTO monthly_sales (account_id, month, revenue)
            SELECT account_id, month, revenue FROM staged
            ON CONFLICT (account_id, month) DO UPDATE SET revenue = EXCLUDED.revenue
             WHERE monthly_sales.revenue IS DISTINCT FROM EXCLUDED.revenue
            RETURNING (xmax = 0) AS inserted
        )
        SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted),
               (SELECT count(*) FROM staged) FROM upserted
    """)
    ).one()
    inserted, updated, total = (int(v) for v in row)
    return MergeCounts(inserted, updated, total - inserted - updated), rejected


EXPORT_COLUMNS = (
    "id",
    *ACCOUNT_FIELDS,
    "geocode_status",
    "geocode_precision",
    "owner_email",
    "territory",
    "priority_score",
)


def iter_accounts_for_export(
    session: Session, *, owner_id: int | None = None, batch: int = 5000
) -> Iterator[dict[str, Any]]:
    """Accounts as plain rows (server-side cursor: constant memory)."""
    where = "WHERE asg.owner_id = :owner" if owner_id is not None else ""
    result = session.execute(
        text(f"""
        SELECT a.id, a.external_id, a.siret, a.name, a.address_line1, a.address_line2,
               a.postcode, a.city, a.country, a.kind, a.sector, a.qualification, a.employees,
               a.potential_eur_month, a.phone, a.email, a.visit_minutes,
               ST_X(a.geom) AS lon, ST_Y(a.geom) AS lat, a.geocode_status, a.geocode_precision,
               u.email AS owner_email, t.name AS territory, ap.score AS priority_score
        FROM accounts a {ASSIGNMENT_JOIN} LEFT JOIN users u ON u.id = asg.owner_id
        {PRIORITY_JOIN} LEFT JOIN territories t ON t.id = asg.territory_id {where}
        ORDER BY a.id"""),
        {"owner": owner_id},
        execution_options={"yield_per": batch},
    )
    for row in result.mappings():
        yield dict(row)
