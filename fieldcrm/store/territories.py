"""Territories in PostGIS: CRUD, set-based assignment (``ST_Covers``), history, queue, gaps.

The assignment is one statement: the territories (with their rounded area) drive a join on
the accounts' GiST index, ``DISTINCT ON`` keeps the winner of the tie-break rule (priority
desc, area asc, id asc — the same as :mod:`fieldcrm.territories.assign`), the UPDATE skips
accounts locked by a dispatcher and the history rows are inserted from its RETURNING.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fieldcrm.errors import Conflict, InvalidInput, NotFound
from fieldcrm.territories.assign import AREA_DECIMALS

EDITABLE = ("name", "rep_id", "priority", "color", "source")


@dataclass(frozen=True)
class TerritoryRow:
    """A stored territory (geometry as a shapely MultiPolygon, EPSG:4326)."""

    id: int
    name: str
    rep_id: int | None
    rep_name: str | None
    priority: int
    color: str | None
    source: str | None
    area_km2: float
    accounts: int
    geometry: BaseGeometry | None = None


@dataclass(frozen=True)
class MoveCount:
    """How many accounts move from one (rep, territory) to another."""

    from_rep_id: int | None
    from_rep_name: str | None
    to_rep_id: int | None
    to_rep_name: str | None
    from_territory_id: int | None
    to_territory_id: int | None
    accounts: int


@dataclass(frozen=True)
class QueueItem:
    """An account without an owner, and why."""

    id: int
    name: str
    postcode: str | None
    city: str | None
    lon: float | None
    lat: float | None
    territory_id: int | None
    reason: str


@dataclass(frozen=True)
class HistoryRow:
    """One change of owner or territory."""

    account_id: int
    from_rep_id: int | None
    to_rep_id: int | None
    from_territory_id: int | None
    to_territory_id: int | None
    changed_by: int | None
    changed_at: dt.datetime
    reason: str


@dataclass(frozen=True)
class AccountPoint:
    """What balance and rebalance need of an account."""

    id: int
    territory_id: int | None
    kind: str
    lon: float | None
    lat: float | None
    potential_eur_month: float
    revenue_12m: float
    priority_band: str | None
    visit_minutes: int


_SELECT = """
SELECT t.id, t.name, t.rep_id, u.full_name AS rep_name, t.priority, t.color, t.source,
       ST_Area(t.geom::geography) / 1e6 AS area_km2,
       (SELECT count(*) FROM accounts a WHERE a.territory_id = t.id) AS accounts
       {geom}
FROM territories t LEFT JOIN users u ON u.id = t.rep_id
"""


def _row(r: Any, with_geometry: bool) -> TerritoryRow:
    data = dict(r)
    wkb = data.pop("wkb", None)
    geometry = shapely.from_wkb(bytes(wkb)) if with_geometry and wkb is not None else None
    return TerritoryRow(**data, geometry=geometry)


def list_territories(session: Session, *, with_geometry: bool = True) -> list[TerritoryRow]:
    """Every territory, by id."""
    geom = ", ST_AsBinary(t.geom) AS wkb" if with_geometry else ""
    rows = session.execute(text(_SELECT.format(geom=geom) + " ORDER BY t.id")).mappings()
    return [_row(r, with_geometry) for r in rows]


def get_territory(session: Session, territory_id: int) -> TerritoryRow:
    """One territory with its geometry; :class:`NotFound` if absent."""
    row = (
        session.execute(
            text(_SELECT.format(geom=", ST_AsBinary(t.geom) AS wkb") + " WHERE t.id = :id"),
            {"id": territory_id},
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound("territory", territory_id)
    return _row(row, True)


def _check_rep(session: Session, rep_id: int | None) -> None:
    if rep_id is None:
        return
    active = session.execute(
        text("SELECT active FROM users WHERE id = :id"), {"id": rep_id}
    ).scalar()
    if active is None:
        raise NotFound("user", rep_id)
    if not active:
        raise InvalidInput("rep_id", "this user is deactivated", value=rep_id)


def create_territory(
    session: Session,
    *,
    name: str,
    geometry: BaseGeometry,
    rep_id: int | None = None,
    priority: int = 0,
    color: str | None = None,
    source: str | None = None,
) -> int:
    """Insert a territory (geometry already valid, EPSG:4326); :class:`Conflict` on a taken name."""
    if not name or not name.strip():
        raise InvalidInput("name", "a territory needs a name", value=name)
    _check_rep(session, rep_id)
    try:
        with session.begin_nested():
            new_id = session.execute(
                text("""INSERT INTO territories (name, geom, rep_id, priority, color, source)
                        VALUES (:name, ST_Multi(ST_GeomFromWKB(:wkb, 4326)), :rep, :priority,
                                :color, :source)
                        RETURNING id"""),
                {
                    "name": name.strip(),
                    "wkb": shapely.to_wkb(geometry),
                    "rep": rep_id,
                    "priority": priority,
                    "color": color,
                    "source": source,
                },
            ).scalar_one()
    except IntegrityError as exc:
        raise Conflict(f"a territory named {name!r} already exists") from exc
    return int(new_id)


def update_territory(
    session: Session,
    territory_id: int,
    *,
    geometry: BaseGeometry | None = None,
    **changes: Any,
) -> None:
    """Change fields (name, rep_id, priority, color, source) and/or the geometry."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InvalidInput(
            unknown[0], "not an editable territory field", allowed=", ".join(EDITABLE)
        )
    get_territory(session, territory_id)
    if "rep_id" in changes:
        _check_rep(session, changes["rep_id"])
    sets = [f"{k} = :{k}" for k in changes]
    params: dict[str, Any] = {**changes, "id": territory_id}
    if geometry is not None:
        sets.append("geom = ST_Multi(ST_GeomFromWKB(:wkb, 4326))")
        params["wkb"] = shapely.to_wkb(geometry)
    if not sets:
        return
    try:
        with session.begin_nested():
            session.execute(
                text(
                    f"UPDATE territories SET {', '.join(sets)}, updated_at = now() WHERE id = :id"
                ),
                params,
            )
    except IntegrityError as exc:
        raise Conflict(f"a territory named {changes.get('name')!r} already exists") from exc


def delete_territory(session: Session, territory_id: int) -> None:
    """Delete a territory; its accounts keep their owner until the next assignment."""
    deleted = session.execute(
        text("DELETE FROM territories WHERE id = :id RETURNING id"), {"id": territory_id}
    ).first()
    if deleted is None:
        raise NotFound("territory", territory_id)


# One CTE shared by the preview and the assignment: for each unlocked located account whose
# (territory, owner) would change, the old and new values.
_TARGET = f"""
WITH t AS MATERIALIZED (
    SELECT id, rep_id, priority, round(ST_Area(geom)::numeric, {AREA_DECIMALS}) AS area, geom
    FROM territories
),
hit AS (
    SELECT DISTINCT ON (a.id) a.id AS account_id, t.id AS territory_id, t.rep_id
    FROM t JOIN accounts a ON ST_Covers(t.geom, a.geom)
    WHERE NOT a.assignment_locked
    ORDER BY a.id, t.priority DESC, t.area ASC, t.id ASC
),
target AS (
    SELECT a.id AS account_id, a.territory_id AS old_territory, a.owner_id AS old_rep,
           hit.territory_id AS new_territory, hit.rep_id AS new_rep
    FROM accounts a LEFT JOIN hit ON hit.account_id = a.id
    WHERE a.geom IS NOT NULL AND NOT a.assignment_locked
      AND (a.territory_id IS DISTINCT FROM hit.territory_id
           OR a.owner_id IS DISTINCT FROM hit.rep_id)
)
"""

_SUMMARY = """
SELECT m.from_rep_id, fu.full_name AS from_rep_name, m.to_rep_id, tu.full_name AS to_rep_name,
       m.from_territory_id, m.to_territory_id, m.accounts
FROM (SELECT {old_rep} AS from_rep_id, {new_rep} AS to_rep_id,
             {old_t} AS from_territory_id, {new_t} AS to_territory_id, count(*) AS accounts
      FROM {source} GROUP BY 1, 2, 3, 4) m
LEFT JOIN users fu ON fu.id = m.from_rep_id
LEFT JOIN users tu ON tu.id = m.to_rep_id
ORDER BY m.accounts DESC, m.from_rep_id NULLS FIRST, m.to_rep_id NULLS FIRST,
         m.from_territory_id NULLS FIRST, m.to_territory_id NULLS FIRST
"""


def _tune(session: Session) -> None:
    """Planner settings for this transaction: the ``ST_Covers`` cost estimates are huge, so
    the JIT would compile for ~0.7 s for nothing; the tie-break sort should stay in memory."""
    session.execute(text("SET LOCAL jit = off"))
    session.execute(text("SET LOCAL work_mem = '64MB'"))


def preview_assignment(session: Session) -> list[MoveCount]:
    """The diff the assignment would apply: account counts per (from, to); nothing is written."""
    _tune(session)
    sql = _TARGET + _SUMMARY.format(
        old_rep="old_rep",
        new_rep="new_rep",
        old_t="old_territory",
        new_t="new_territory",
        source="target",
    )
    return [MoveCount(**r) for r in session.execute(text(sql)).mappings()]


def assign_all(session: Session, *, actor_id: int | None, reason: str) -> list[MoveCount]:
    """Assign every unlocked located account to its territory's rep, in one statement.

    Accounts in no territory lose their territory and owner (they join the queue). Each change
    writes one ``assignment_history`` row (who, when, why, from, to). Returns the applied diff.
    """
    _tune(session)
    sql = (
        _TARGET
        + """,
changed AS (
    UPDATE accounts a
    SET territory_id = target.new_territory, owner_id = target.new_rep, updated_at = now()
    FROM target
    WHERE a.id = target.account_id AND NOT a.assignment_locked
    RETURNING a.id, target.old_rep, target.new_rep, target.old_territory, target.new_territory
),
logged AS (
    INSERT INTO assignment_history (account_id, from_rep_id, to_rep_id, from_territory_id,
                                    to_territory_id, changed_by, reason)
    SELECT id, old_rep, new_rep, old_territory, new_territory, :actor, :reason FROM changed
    RETURNING from_rep_id, to_rep_id, from_territory_id, to_territory_id
)
"""
        + _SUMMARY.format(
            old_rep="from_rep_id",
            new_rep="to_rep_id",
            old_t="from_territory_id",
            new_t="to_territory_id",
            source="logged",
        )
    )
    rows = session.execute(text(sql), {"actor": actor_id, "reason": reason[:200]}).mappings()
    return [MoveCount(**r) for r in rows]


def _existing(session: Session, account_ids: Sequence[int]) -> None:
    found = set(
        session.execute(
            text("SELECT id FROM accounts WHERE id = ANY(:ids)"), {"ids": list(account_ids)}
        ).scalars()
    )
    missing = sorted(set(account_ids) - found)
    if missing:
        raise NotFound("account", missing[0] if len(missing) == 1 else missing)


def manual_assign(
    session: Session,
    account_ids: Sequence[int],
    *,
    rep_id: int | None,
    territory_id: int | None = None,
    keep_territory: bool = True,
    lock: bool = True,
    actor_id: int | None,
    reason: str,
) -> int:
    """Give accounts to ``rep_id`` (a dispatcher's override), lock them by default.

    The territory is kept unless ``keep_territory`` is false (then set to ``territory_id``).
    One UPDATE for all the accounts, one history row per account whose owner or territory
    changed; returns that number.
    """
    if not account_ids:
        return 0
    _existing(session, account_ids)
    _check_rep(session, rep_id)
    if not keep_territory and territory_id is not None:
        get_territory(session, territory_id)
    changed = session.execute(
        text("""
        WITH old AS (
            SELECT id, owner_id, territory_id FROM accounts WHERE id = ANY(:ids) FOR UPDATE
        ),
        changed AS (
            UPDATE accounts a
            SET owner_id = :rep,
                territory_id = CASE WHEN :keep THEN a.territory_id ELSE :territory END,
                assignment_locked = CASE WHEN :lock THEN true ELSE a.assignment_locked END,
                updated_at = now()
            FROM old WHERE a.id = old.id
            RETURNING a.id, old.owner_id AS old_rep, a.owner_id AS new_rep,
                      old.territory_id AS old_territory, a.territory_id AS new_territory
        )
        INSERT INTO assignment_history (account_id, from_rep_id, to_rep_id, from_territory_id,
                                        to_territory_id, changed_by, reason)
        SELECT id, old_rep, new_rep, old_territory, new_territory, :actor, :reason FROM changed
        WHERE old_rep IS DISTINCT FROM new_rep OR old_territory IS DISTINCT FROM new_territory
        RETURNING account_id"""),
        {
            "ids": list(account_ids),
            "rep": rep_id,
            "keep": keep_territory,
            "territory": territory_id,
            "lock": lock,
            "actor": actor_id,
            "reason": reason[:200],
        },
    ).all()
    return len(changed)


def set_lock(session: Session, account_ids: Sequence[int], *, locked: bool) -> int:
    """Lock (or unlock) accounts against automatic assignment; returns how many changed."""
    if not account_ids:
        return 0
    _existing(session, account_ids)
    rows = session.execute(
        text("""UPDATE accounts SET assignment_locked = :locked, updated_at = now()
                WHERE id = ANY(:ids) AND assignment_locked IS DISTINCT FROM :locked
                RETURNING id"""),
        {"ids": list(account_ids), "locked": locked},
    ).all()
    return len(rows)


def unassigned(
    session: Session, *, limit: int = 100, offset: int = 0
) -> tuple[int, list[QueueItem]]:
    """Accounts without an owner, best priority first, with the reason; and their total."""
    total = session.execute(
        text("SELECT count(*) FROM accounts WHERE owner_id IS NULL")
    ).scalar_one()
    rows = session.execute(
        text("""
        SELECT a.id, a.name, a.postcode, a.city, ST_X(a.geom) AS lon, ST_Y(a.geom) AS lat,
               a.territory_id,
               CASE WHEN a.geom IS NULL THEN 'not_located'
                    WHEN a.territory_id IS NOT NULL THEN 'territory_without_rep'
                    WHEN NOT EXISTS (SELECT 1 FROM territories t WHERE ST_Covers(t.geom, a.geom))
                        THEN 'outside_territories'
                    ELSE 'not_assigned_yet' END AS reason
        FROM accounts a WHERE a.owner_id IS NULL
        ORDER BY a.priority_score DESC NULLS LAST, a.id
        LIMIT :limit OFFSET :offset"""),
        {"limit": limit, "offset": offset},
    ).mappings()
    return int(total), [QueueItem(**r) for r in rows]


def uncovered_accounts(
    session: Session, *, limit: int | None = None
) -> tuple[int, list[QueueItem]]:
    """Located accounts that no territory covers (the gap report), and their total."""
    base = """FROM accounts a WHERE a.geom IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM territories t WHERE ST_Covers(t.geom, a.geom))"""
    total = session.execute(text("SELECT count(*) " + base)).scalar_one()
    rows = session.execute(
        text(
            """SELECT a.id, a.name, a.postcode, a.city, ST_X(a.geom) AS lon, ST_Y(a.geom) AS lat,
                      a.territory_id, 'outside_territories' AS reason """
            + base
            + " ORDER BY a.id LIMIT :limit"
        ),
        {"limit": limit},
    ).mappings()
    return int(total), [QueueItem(**r) for r in rows]


def history(
    session: Session, *, account_id: int | None = None, limit: int = 100
) -> list[HistoryRow]:
    """Latest assignment changes, of one account or of all."""
    rows = session.execute(
        text("""SELECT account_id, from_rep_id, to_rep_id, from_territory_id, to_territory_id,
                       changed_by, changed_at, reason
                FROM assignment_history
                WHERE CAST(:account AS integer) IS NULL OR account_id = :account
                ORDER BY changed_at DESC, id DESC LIMIT :limit"""),
        {"account": account_id, "limit": limit},
    ).mappings()
    return [HistoryRow(**r) for r in rows]


def account_points(session: Session, *, as_of: dt.date) -> list[AccountPoint]:
    """Every account with what balance needs (revenue of the 12 months before ``as_of``)."""
    rows = session.execute(
        text("""
        SELECT a.id, a.territory_id, a.kind, ST_X(a.geom) AS lon, ST_Y(a.geom) AS lat,
               coalesce(a.potential_eur_month, 0)::float AS potential_eur_month,
               coalesce(s.revenue, 0)::float AS revenue_12m, a.priority_band, a.visit_minutes
        FROM accounts a
        LEFT JOIN (SELECT account_id, sum(revenue) AS revenue FROM monthly_sales
                   WHERE month >= (date_trunc('month', CAST(:as_of AS date)) - interval '12 months')
                     AND month < date_trunc('month', CAST(:as_of AS date))
                   GROUP BY account_id) s ON s.account_id = a.id
        ORDER BY a.id"""),
        {"as_of": as_of},
    ).mappings()
    return [AccountPoint(**r) for r in rows]


def rep_homes(session: Session) -> dict[int, tuple[float, float]]:
    """Home (lon, lat) of each user who has one."""
    rows = session.execute(
        text("SELECT id, ST_X(home) AS lon, ST_Y(home) AS lat FROM users WHERE home IS NOT NULL")
    ).all()
    return {int(r.id): (float(r.lon), float(r.lat)) for r in rows}
