"""Reading and editing accounts: 360° view parts, lists, nearby search, report search."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.accounts.records import ADDRESS_FIELDS, AccountRecord
from fieldcrm.errors import NotFound
from fieldcrm.store.account_map import MapFilter, filter_sql
from fieldcrm.store.joins import ASSIGNMENT_JOIN, PRIORITY_JOIN, owner_filter
from fieldcrm.store.visits import counted_visit, far_checkin

EDITABLE = (
    "name",
    "external_id",
    "siret",
    "address_line1",
    "address_line2",
    "postcode",
    "city",
    "country",
    "phone",
    "email",
    "kind",
    "sector",
    "qualification",
    "employees",
    "potential_eur_month",
    "visit_minutes",
    "opening_hours",
    "notes",
    "visit_interval_days",
)


@dataclass(frozen=True)
class AccountRow:
    """An account as lists and maps show it."""

    id: int
    name: str
    kind: str
    sector: str | None
    postcode: str | None
    city: str | None
    lon: float | None
    lat: float | None
    owner_id: int | None
    owner_name: str | None
    territory_id: int | None
    potential_eur_month: Decimal | None
    priority_score: float | None
    priority_band: str | None
    geocode_status: str
    last_visit: dt.datetime | None
    distance_m: float | None = None


@dataclass(frozen=True)
class AccountDetail:
    """Every stored field of one account."""

    id: int
    fields: dict[str, Any]
    lon: float | None
    lat: float | None
    owner_name: str | None
    territory_name: str | None
    last_visit: dt.datetime | None


@dataclass(frozen=True)
class ReportHit:
    """A visit report matching a full-text search."""

    activity_id: int
    account_id: int
    account_name: str
    occurred_at: dt.datetime
    kind: str
    rep_id: int | None
    snippet: str
    rank: float


@dataclass(frozen=True)
class Account360:
    """Everything the account page shows."""

    account: AccountDetail
    contacts: list[dict[str, Any]] = field(default_factory=list)
    sales: list[tuple[dt.date, Decimal]] = field(default_factory=list)
    activities: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    appointments: list[dict[str, Any]] = field(default_factory=list)


_ROW_SELECT = f"""
    SELECT a.id, a.name, a.kind, a.sector, a.postcode, a.city, ST_X(a.geom) AS lon,
           ST_Y(a.geom) AS lat, asg.owner_id, u.full_name AS owner_name, asg.territory_id,
           a.potential_eur_month, ap.score AS priority_score, ap.band AS priority_band,
           a.geocode_status,
           (SELECT max(v.occurred_at) FROM activities v
             WHERE v.account_id = a.id AND {counted_visit("v")}) AS last_visit
"""


def list_accounts(
    session: Session,
    *,
    owner_ids: list[int] | None = None,
    unowned: bool = False,
    filters: MapFilter | None = None,
    unassigned_only: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> list[AccountRow]:
    """Accounts visible to ``owner_ids`` (None: all; with ``unowned`` those nobody owns too)
    that ``filters`` select (the same selection as the map's,
    :func:`fieldcrm.store.account_map.filter_sql`), best priority first."""
    where, params = filter_sql(filters)
    conditions = [owner_filter(owner_ids, unowned=unowned), where]
    if unassigned_only:
        conditions.append("asg.owner_id IS NULL")
    rows = session.execute(
        text(f"""{_ROW_SELECT} FROM accounts a {ASSIGNMENT_JOIN}
                 LEFT JOIN users u ON u.id = asg.owner_id {PRIORITY_JOIN}
                 WHERE {" AND ".join(conditions)}
                 ORDER BY ap.score DESC NULLS LAST, a.name LIMIT :limit OFFSET :offset"""),
        {"owners": owner_ids, "limit": limit, "offset": offset, **params},
    ).mappings()
    return [AccountRow(**r) for r in rows]


def count_accounts(
    session: Session,
    *,
    owner_ids: list[int] | None = None,
    unowned: bool = False,
    filters: MapFilter | None = None,
) -> int:
    """How many accounts :func:`list_accounts` selects, over all its pages."""
    where, params = filter_sql(filters)
    return int(
        session.execute(
            text(f"""SELECT count(*) FROM accounts a {ASSIGNMENT_JOIN} {PRIORITY_JOIN}
                     WHERE {owner_filter(owner_ids, unowned=unowned)} AND {where}"""),
            {"owners": owner_ids, **params},
        ).scalar_one()
    )


REACH = (
    "(asg.owner_id IS NULL AND a.kind = 'prospect' AND (ST_DWithin(a.geom::geography,"
    " (SELECT home FROM users WHERE id = :reach_rep)::geography, :reach_m)"
    " OR EXISTS (SELECT 1 FROM plan_proposals rp JOIN plans rpl ON rpl.id = rp.plan_id"
    " WHERE rp.account_id = a.id AND rpl.rep_id = :reach_rep AND (rp.status = 'accepted'"
    " OR (rp.status = 'proposed' AND rp.slot_end >= now() - interval '1 day')))))"
)
"""SQL (with :data:`ASSIGNMENT_JOIN`): an unassigned prospect within ``:reach_m`` metres of the
home of user ``:reach_rep`` (never true for a user without a home), or one the planner put
on that user's way: a proposal of theirs they accepted (booked: they visit it, check in and
write its report), or one still open whose slot ended less than a day ago (the planner looks
for unassigned prospects all along an itinerary, and a rep opens what it proposes before
booking it). A proposal rejected, or left open and past, gives no reach. The list side of
the rule :func:`fieldcrm.auth.policy.can` gets as ``in_reach``; :func:`account_access` is the
by-id side."""


def scope_filter(owner_ids: list[int] | None, *, unowned: bool = False, reach: bool = False) -> str:
    """SQL condition of the accounts an actor acts on: owned by ``owner_ids`` (from
    :func:`fieldcrm.auth.policy.scope_owner_ids`; None: all), with ``unowned`` those nobody
    owns (a manager's), and with ``reach`` the unassigned prospects of :data:`REACH` (a
    rep's)."""
    clause = owner_filter(owner_ids, unowned=unowned)
    if reach and owner_ids is not None:
        clause = f"({clause} OR {REACH})"
    return clause


def account_access(
    session: Session, account_id: int, *, rep_id: int | None, reach_m: float
) -> tuple[int | None, bool]:
    """``(owner_id, in_reach)`` of an account for the policy: its owner (None when unassigned)
    and whether it is in :data:`REACH` of ``rep_id``; :class:`NotFound` when there is none."""
    row = session.execute(
        text(f"""SELECT asg.owner_id, coalesce({REACH}, false) AS in_reach
                 FROM accounts a {ASSIGNMENT_JOIN} WHERE a.id = :id"""),
        {"id": account_id, "reach_rep": rep_id, "reach_m": reach_m},
    ).first()
    if row is None:
        raise NotFound("account", account_id)
    return row.owner_id, bool(row.in_reach)


def owners_of(session: Session, account_ids: list[int]) -> set[int | None]:
    """The distinct owners of ``account_ids`` (None for an unassigned one); unknown ids are
    left out."""
    rows = session.execute(
        text(f"""SELECT DISTINCT asg.owner_id FROM accounts a {ASSIGNMENT_JOIN}
                 WHERE a.id = ANY(:ids)"""),
        {"ids": account_ids},
    ).all()
    return {r[0] for r in rows}


def nearby(
    session: Session,
    *,
    lon: float,
    lat: float,
    radius_m: float,
    owner_ids: list[int] | None = None,
    unowned: bool = False,
    reach_rep: int | None = None,
    reach_m: float = 0.0,
    limit: int = 50,
) -> list[AccountRow]:
    """Accounts within ``radius_m`` of a point, with distance, in :func:`scope_filter`:
    ``owner_ids``', with ``unowned`` those nobody owns, with ``reach_rep`` (a rep) the
    unassigned prospects in :data:`REACH` of them.

    The GiST index prefilters on a bounding box in degrees; the exact distance is geodesic.
    """
    scope = scope_filter(owner_ids, unowned=unowned, reach=reach_rep is not None)
    margin = radius_m / 111_320 / max(0.2, abs(math.cos(math.radians(lat))))
    rows = session.execute(
        text(f"""
        WITH here AS (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS p)
        SELECT * FROM (
            {_ROW_SELECT}, ST_Distance(a.geom::geography, here.p::geography) AS distance_m
            FROM accounts a CROSS JOIN here {ASSIGNMENT_JOIN}
            LEFT JOIN users u ON u.id = asg.owner_id {PRIORITY_JOIN}
            WHERE a.geom && ST_Expand(here.p, :margin)
              AND {scope}
        ) s WHERE s.distance_m <= :radius
        ORDER BY s.priority_score DESC NULLS LAST, s.distance_m LIMIT :limit"""),
        {
            "lon": lon,
            "lat": lat,
            "margin": margin,
            "radius": radius_m,
            "owners": owner_ids,
            "reach_rep": reach_rep,
            "reach_m": reach_m,
            "limit": limit,
        },
    ).mappings()
    return [AccountRow(**r) for r in rows]


def account_owner(session: Session, account_id: int) -> int | None:
    """Owner of an account (None when unassigned); :class:`NotFound` when there is no such account."""
    row = session.execute(
        text(f"SELECT asg.owner_id FROM accounts a {ASSIGNMENT_JOIN} WHERE a.id = :id"),
        {"id": account_id},
    ).first()
    if row is None:
        raise NotFound("account", account_id)
    owner: int | None = row[0]
    return owner


def get_account(session: Session, account_id: int) -> AccountDetail:
    """One account with every field; :class:`NotFound` if absent."""
    row = (
        session.execute(
            text(f"""SELECT a.*, asg.owner_id, asg.territory_id,
                       coalesce(asg.locked, false) AS assignment_locked,
                       ST_X(a.geom) AS lon, ST_Y(a.geom) AS lat, u.full_name AS owner_name,
                       t.name AS territory_name,
                       (SELECT max(v.occurred_at) FROM activities v
                         WHERE v.account_id = a.id AND {counted_visit("v")}) AS last_visit
                FROM accounts a {ASSIGNMENT_JOIN} LEFT JOIN users u ON u.id = asg.owner_id
                LEFT JOIN territories t ON t.id = asg.territory_id WHERE a.id = :id"""),
            {"id": account_id},
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound("account", account_id)
    fields = {
        k: v
        for k, v in row.items()
        if k not in ("geom", "lon", "lat", "owner_name", "territory_name", "last_visit")
    }
    return AccountDetail(
        id=row["id"],
        fields=fields,
        lon=row["lon"],
        lat=row["lat"],
        owner_name=row["owner_name"],
        territory_name=row["territory_name"],
        last_visit=row["last_visit"],
    )


def account_360(session: Session, account_id: int, *, months: int = 24) -> Account360:
    """Details, contacts, monthly sales, activities, alerts and appointments of an account."""
    detail = get_account(session, account_id)
    params = {"id": account_id, "months": months}
    contacts = session.execute(
        text("""
        SELECT c.id, c.first_name, c.last_name, c.role, c.phone, c.email, c.notes,
               coalesce(json_agg(json_build_object('kind', d.kind, 'date', d.date, 'note', d.note))
                        FILTER (WHERE d.id IS NOT NULL), '[]') AS dates
        FROM contacts c LEFT JOIN contact_dates d ON d.contact_id = c.id
        WHERE c.account_id = :id GROUP BY c.id ORDER BY c.last_name"""),
        params,
    ).mappings()
    sales = session.execute(
        text("""
        SELECT month, revenue FROM monthly_sales WHERE account_id = :id
          AND month > (SELECT max(month) FROM monthly_sales WHERE account_id = :id)
                      - make_interval(months => :months)
        ORDER BY month"""),
        params,
    ).all()
    activities = session.execute(
        text(f"""
        SELECT v.id, v.kind, v.occurred_at, v.outcome, v.report, u.full_name AS rep_name,
               ST_Distance(v.checkin::geography, a.geom::geography) AS checkin_distance_m,
               {far_checkin("v")} AS far_checkin, {counted_visit("v")} AS counts_as_visit
        FROM activities v LEFT JOIN users u ON u.id = v.rep_id
        JOIN accounts a ON a.id = v.account_id
        WHERE v.account_id = :id ORDER BY v.occurred_at DESC LIMIT 50"""),
        params,
    ).mappings()
    alerts = session.execute(
        text("""
        SELECT id, rule_key, period, severity, message, status, created_at,
               details -> 'reminder' AS reminder, details -> 'wording' AS wording
        FROM alerts WHERE account_id = :id ORDER BY created_at DESC LIMIT 20"""),
        params,
    ).mappings()
    appointments = session.execute(
        text("""
        SELECT id, title, starts_at, ends_at, rep_id FROM appointments
        WHERE account_id = :id ORDER BY starts_at DESC LIMIT 10"""),
        params,
    ).mappings()
    return Account360(
        account=detail,
        contacts=[dict(c) for c in contacts],
        sales=[(m, r) for m, r in sales],
        activities=[dict(a) for a in activities],
        alerts=[dict(a) for a in alerts],
        appointments=[dict(a) for a in appointments],
    )


def search_reports(
    session: Session,
    query: str,
    *,
    owner_ids: list[int] | None = None,
    unowned: bool = False,
    limit: int = 30,
) -> list[ReportHit]:
    """Visit reports matching ``query`` (French stemming: « remises » finds « remise ») on the
    accounts of ``owner_ids`` (None: all; with ``unowned`` those nobody owns too)."""
    rows = session.execute(
        text(f"""
        WITH q AS (SELECT websearch_to_tsquery('french', :query) AS tsq)
        SELECT v.id AS activity_id, a.id AS account_id, a.name AS account_name, v.occurred_at,
               v.kind, v.rep_id,
               ts_headline('french', v.report, q.tsq, 'MaxFragments=1, MaxWords=25') AS snippet,
               ts_rank(v.report_tsv, q.tsq) AS rank
        FROM activities v CROSS JOIN q JOIN accounts a ON a.id = v.account_id {ASSIGNMENT_JOIN}
        WHERE v.report_tsv @@ q.tsq AND {owner_filter(owner_ids, unowned=unowned)}
        ORDER BY rank DESC, v.occurred_at DESC LIMIT :limit"""),
        {"query": query, "owners": owner_ids, "limit": limit},
    ).mappings()
    return [ReportHit(**r) for r in rows]


def _audit(
    session: Session, actor_id: int | None, action: str, account_id: int, changes: dict[str, Any]
) -> None:
    session.execute(
        text("""INSERT INTO audit_log (actor_id, action, entity, entity_id, changes)
                VALUES (:actor, :action, 'account', :id, CAST(:changes AS jsonb))"""),
        {
            "actor": actor_id,
            "action": action,
            "id": str(account_id),
            "changes": json.dumps(changes, default=str),
        },
    )


def create_account(
    session: Session, record: AccountRecord, *, actor_id: int | None, owner_id: int | None = None
) -> int:
    """Insert one account (pending geocoding unless coordinates are given); return its id."""
    values = {k: v for k, v in asdict(record).items() if k in EDITABLE}
    located = record.lon is not None and record.lat is not None
    new_id = session.execute(
        text(f"""INSERT INTO accounts ({", ".join(values)}, geom, geocode_status,
                                       geocode_provider)
                 VALUES ({", ".join(":" + k for k in values)},
                         CASE WHEN :located THEN ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) END,
                         CASE WHEN :located THEN 'manual' ELSE 'pending' END,
                         CASE WHEN :located THEN 'user' END)
                 RETURNING id"""),
        {**values, "located": located, "lon": record.lon, "lat": record.lat},
    ).scalar_one()
    if owner_id is not None:
        session.execute(
            text("INSERT INTO account_assignments (account_id, owner_id) VALUES (:id, :owner)"),
            {"id": new_id, "owner": owner_id},
        )
    _audit(session, actor_id, "create", new_id, {k: v for k, v in values.items() if v is not None})
    return int(new_id)


def update_account(
    session: Session, account_id: int, changes: dict[str, Any], *, actor_id: int | None
) -> dict[str, tuple[Any, Any]]:
    """Apply ``changes`` (editable fields only); return {field: (before, after)} that changed.

    A changed address sends the account back to geocoding unless its point is locked.
    """
    before = get_account(session, account_id).fields
    diff = {
        k: (before.get(k), v) for k, v in changes.items() if k in EDITABLE and before.get(k) != v
    }
    if not diff:
        return {}
    sets = [
        f"{k} = :{k}" if k != "opening_hours" else "opening_hours = CAST(:opening_hours AS jsonb)"
        for k in diff
    ]
    if any(k in ADDRESS_FIELDS for k in diff):
        sets.append("geom = CASE WHEN location_locked THEN geom END")
        sets.append(
            "geocode_status = CASE WHEN location_locked THEN geocode_status ELSE 'pending' END"
        )
    values = {k: (json.dumps(v) if k == "opening_hours" else v) for k, (_, v) in diff.items()}
    session.execute(
        text(f"UPDATE accounts SET {', '.join(sets)}, updated_at = now() WHERE id = :id"),
        {**values, "id": account_id},
    )
    _audit(session, actor_id, "update", account_id, {k: list(v) for k, v in diff.items()})
    return diff
