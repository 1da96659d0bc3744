"""Accounts and monthly sales in PostGIS: bulk upserts through a staging table, exports.

Imports stream records into a temporary table with ``COPY`` and merge them with a few
set-based statements, so 100 000 rows cost a handful of round trips and constant memory.
The staging table has the accounts' column types and each batch is copied in a savepoint:
a row the database refuses comes back as a :class:`Rejected` naming its line and column
instead of failing the import, and the other rows of its batch are copied one by one.
Rows that would clash with stored accounts (a SIRET held by another account, two rows for
one account) are rejected before the merge, which then cannot fail on them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

import psycopg
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.accounts.fields import shown, worded_rejection
from fieldcrm.accounts.records import (
    ACCOUNT_FIELDS,
    ADDRESS_FIELDS,
    AccountRecord,
    Rejected,
    SaleRecord,
    UpdatedAccount,
)
from fieldcrm.store.joins import ASSIGNMENT_JOIN, PRIORITY_JOIN, owner_filter

STAGE_COLUMNS = ("line", "match_key", *ACCOUNT_FIELDS)
SALE_COLUMNS = ("line", "external_id", "siret", "month", "revenue")
COPY_BATCH = 5000
REFUSED = (psycopg.DataError, psycopg.IntegrityError, psycopg.errors.ProgramLimitExceeded)
"""What the database (or the driver, for a NUL byte) says of a value it cannot hold."""
_COPY_COLUMN = re.compile(r"column (\w+)")
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
    """Create the session's temporary staging table for accounts (dropped at commit), with the
    types of the ``accounts`` columns (a value they cannot hold fails on its own row)."""
    session.execute(
        text("""
        CREATE TEMP TABLE IF NOT EXISTS stage_accounts (
            line int, match_key text, external_id varchar(100), siret varchar(14),
            name varchar(300), address_line1 text, address_line2 text, postcode varchar(10),
            city varchar(200), country varchar(2), kind varchar(20), sector varchar(100),
            qualification varchar(50), employees int, potential_eur_month numeric(14,2),
            phone varchar(40), email varchar(254), visit_minutes int,
            lon double precision, lat double precision, notes text
        ) ON COMMIT DROP""")
    )
    session.execute(text("TRUNCATE stage_accounts"))


def _copy(session: Session, statement: str, rows: Sequence[tuple[Any, ...]]) -> None:
    cursor = _raw(session).cursor()  # inside the caller's savepoint
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _refusal(line: int, columns: Sequence[str], row: tuple[Any, ...], exc: Exception) -> Rejected:
    """The rejection of a row the database refused: its column when the error names one (or
    holds the NUL byte), the database's reason."""
    diag = getattr(exc, "diag", None)
    found = _COPY_COLUMN.search(getattr(diag, "context", None) or "")
    column = found[1] if found else None
    if column is None:
        column = next(
            (c for c, v in zip(columns, row, strict=True) if isinstance(v, str) and "\x00" in v),
            None,
        )
    named = column is not None and column in columns and column not in ("line", "match_key")
    value = row[columns.index(column)] if named and column is not None else None
    reason = getattr(diag, "message_primary", None) or str(exc).splitlines()[0]
    return worded_rejection(
        line,
        column if named and column is not None else "ligne",
        "valeur que la base de données ne peut pas enregistrer (%(reason)s)",
        shown(value),
        reason=reason,
    )


def copy_guarded(
    session: Session,
    statement: str,
    columns: Sequence[str],
    rows: Iterable[tuple[Any, ...]],
    *,
    batch: int = COPY_BATCH,
) -> list[Rejected]:
    """COPY ``rows`` (their first value is the file line) in batches, each in a savepoint; a
    batch the database refuses is copied again row by row, and the rows it still refuses are
    returned as rejections: the good rows are all copied."""
    rejected: list[Rejected] = []
    source = iter(rows)
    while chunk := list(islice(source, batch)):
        try:
            with session.begin_nested():
                _copy(session, statement, chunk)
            continue
        except (*REFUSED, UnicodeError):
            pass
        for row in chunk:
            try:
                with session.begin_nested():
                    _copy(session, statement, [row])
            except (*REFUSED, UnicodeError) as exc:
                rejected.append(_refusal(row[0], columns, row, exc))
    return rejected


def copy_accounts(
    session: Session, records: Iterable[AccountRecord], *, batch: int = COPY_BATCH
) -> list[Rejected]:
    """Stream ``records`` into the staging table; the rows the database refused, rejected."""
    return copy_guarded(
        session,
        f"COPY stage_accounts ({', '.join(STAGE_COLUMNS)}) FROM STDIN",
        STAGE_COLUMNS,
        ((r.line, r.match_key, *(getattr(r, f) for f in ACCOUNT_FIELDS)) for r in records),
        batch=batch,
    )


def reject_clashes(session: Session) -> list[Rejected]:
    """Take out of the stage, as rejections, the rows the merge could not write: a SIRET
    another stored account holds, and a second row for one stored account (the first row,
    by line, stays). Call after matching (:func:`match_account_stage`)."""
    taken = session.execute(
        text("""
        DELETE FROM stage_accounts s USING accounts a
         WHERE s.siret IS NOT NULL AND a.siret = s.siret AND a.id IS DISTINCT FROM s.account_id
        RETURNING s.line, s.siret, a.name""")
    ).all()
    twice = session.execute(
        text("""
        WITH ranked AS (
            SELECT line, account_id, first_value(line) OVER w AS first,
                   row_number() OVER w AS n
              FROM stage_accounts WHERE account_id IS NOT NULL
            WINDOW w AS (PARTITION BY account_id ORDER BY line)
        )
        DELETE FROM stage_accounts s USING ranked r
         WHERE s.line = r.line AND r.n > 1
        RETURNING s.line, r.first, s.match_key""")
    ).all()
    return [
        *(
            worded_rejection(
                line, "siret", "SIRET déjà porté par le compte « %(name)s »", siret, name=name
            )
            for line, siret, name in taken
        ),
        *(
            worded_rejection(
                line,
                _key_column(key),
                "même compte que la ligne %(line)s",
                shown(key.split(":", 1)[1]),
                line=first,
            )
            for line, first, key in twice
        ),
    ]


def _key_column(match_key: str) -> str:
    return {"ext": "external_id", "siret": "siret"}.get(match_key.split(":", 1)[0], "name")


def match_account_stage(session: Session) -> None:
    """Find the stored account of each staged row: by external id, else SIRET, else name +
    postcode (``account_id``; NULL for a new account). A row with the account's postcode and
    no town keeps the account's town (filled from its commune by an import or the geocoder):
    a file that leaves it empty does not erase it."""
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
        UPDATE stage_accounts s SET city = a.city FROM accounts a
         WHERE s.account_id = a.id AND s.city IS NULL AND a.city <> ''
           AND s.postcode IS NOT NULL AND a.postcode = s.postcode;
        CREATE INDEX ON stage_accounts (account_id);
        ANALYZE stage_accounts;
    """)
    )


_POINT_DIFFERS = (
    "(s.lon IS NOT NULL AND (a.geom IS NULL OR NOT ST_Equals(a.geom, "
    "ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326))))"
)
"""SQL (``accounts a`` beside ``stage_accounts s``): the file gives a point the account lacks."""


def changed_accounts(session: Session) -> list[UpdatedAccount]:
    """The existing accounts :func:`merge_account_stage` is about to change, by line: name
    before and after, and the columns that differ (``geom``: a new point from the file).
    Call it just before the merge, in the same transaction (the rows are locked)."""
    cases = ", ".join(f"CASE WHEN a.{c} IS DISTINCT FROM s.{c} THEN '{c}' END" for c in MERGED)
    rows = session.execute(
        text(f"""
        SELECT s.line, a.id, a.name AS before, s.name AS after,
               array_remove(ARRAY[{cases},
                                  CASE WHEN {_POINT_DIFFERS} THEN 'geom' END], NULL) AS fields
        FROM stage_accounts s JOIN accounts a ON a.id = s.account_id
        ORDER BY s.line
        FOR UPDATE OF a""")
    ).all()
    return [
        UpdatedAccount(int(r.line), int(r.id), r.before, r.after, tuple(r.fields))
        for r in rows
        if r.fields
    ]


def merge_account_stage(session: Session, *, actor_id: int | None) -> MergeCounts:
    """Upsert the staged, matched accounts (:func:`match_account_stage`,
    :func:`reject_clashes`).

    An address change resets the geocoding (unless the point is locked by hand); a row
    with coordinates sets the point directly. Unchanged rows are not touched. A changed
    account counts as an edit by ``actor_id`` (``version`` + 1, ``edited_by``, as
    :func:`fieldcrm.store.versions.claim` does): an editor holding the version read before the
    import gets a 409 naming the importer instead of overwriting it.
    """
    differs = " OR ".join(f"a.{c} IS DISTINCT FROM s.{c}" for c in MERGED)
    point_differs = _POINT_DIFFERS
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
                version = a.version + 1,
                edited_by = CAST(:actor AS int),
                updated_at = now()
            FROM stage_accounts s
            WHERE s.account_id = a.id AND ({differs} OR {point_differs})
            RETURNING a.id
        ) SELECT count(*) FROM changed"""),
        {"actor": actor_id},
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
            line int, external_id varchar(100), siret varchar(14), month date,
            revenue numeric(14,2)
        ) ON COMMIT DROP""")
    )
    session.execute(text("TRUNCATE stage_sales"))


def copy_sales(
    session: Session, records: Iterable[SaleRecord], *, batch: int = COPY_BATCH
) -> list[Rejected]:
    """Stream sales rows into the staging table; the rows the database refused, rejected."""
    return copy_guarded(
        session,
        f"COPY stage_sales ({', '.join(SALE_COLUMNS)}) FROM STDIN",
        SALE_COLUMNS,
        ((r.line, r.external_id, r.siret, r.month, r.revenue) for r in records),
        batch=batch,
    )


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
        Rejected(
            line,
            "external_id" if ext else "siret",
            "aucun compte avec cet identifiant" if ext else "aucun compte avec ce SIRET",
            ext or siret,
        )
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


@dataclass(frozen=True)
class ExportScope:
    """Which accounts an export writes: those owned by ``owner_ids`` (None: every account),
    and with ``unassigned`` those nobody owns too."""

    owner_ids: tuple[int, ...] | None = None
    unassigned: bool = False

    def where(self) -> str:
        """The SQL condition (with :data:`ASSIGNMENT_JOIN`, parameter ``owners``)."""
        if self.owner_ids is None:
            return "WHERE TRUE"
        return f"WHERE {owner_filter(list(self.owner_ids), unowned=self.unassigned)}"

    def params(self) -> dict[str, Any]:
        """Bind parameters of :meth:`where`."""
        return {"owners": list(self.owner_ids) if self.owner_ids is not None else None}


EVERY_ACCOUNT = ExportScope()


def iter_accounts_for_export(
    session: Session, *, scope: ExportScope = EVERY_ACCOUNT, batch: int = 5000
) -> Iterator[dict[str, Any]]:
    """Accounts of ``scope`` as plain rows (server-side cursor: constant memory)."""
    where = scope.where()
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
        scope.params(),
        execution_options={"yield_per": batch},
    )
    for row in result.mappings():
        yield dict(row)


def count_accounts_for_export(session: Session, *, scope: ExportScope = EVERY_ACCOUNT) -> int:
    """How many rows :func:`iter_accounts_for_export` yields (an export's progress total)."""
    return int(
        session.execute(
            text(f"SELECT count(*) FROM accounts a {ASSIGNMENT_JOIN} {scope.where()}"),
            scope.params(),
        ).scalar_one()
    )
