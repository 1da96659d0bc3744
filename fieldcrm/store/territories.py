"""Territories in PostGIS: CRUD, the gap report, what balance needs of accounts and reps.

The assignment statements live in :mod:`fieldcrm.store.assignment`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fieldcrm.errors import Conflict, InvalidInput, NotFound, Problem
from fieldcrm.geo import EARTH_RADIUS_M
from fieldcrm.scoring.facts import add_months
from fieldcrm.store.joins import ASSIGNMENT_JOIN, CONFIRMED_LOCATION, PRIORITY_JOIN
from fieldcrm.territories.balance import BandSums
from fieldcrm.territories.priority import priority_problem

EDITABLE = ("name", "rep_id", "priority", "color", "source", "overlay")


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
    version: int = 0
    """The row's edit version (its ``ETag``): a retouch started from this read sends it."""
    overlay: bool = False
    """Laid over the local territories (national key accounts): a rebalancing leaves it out."""


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


# ``accounts``: the accounts whose assignment names the territory — :data:`STANDING`'s
# ``in_territory``, which the gap report's figures add up with the rest.
_SELECT = """
SELECT t.id, t.name, t.rep_id, u.full_name AS rep_name, t.priority, t.color, t.source,
       t.overlay, ST_Area(t.geom::geography) / 1e6 AS area_km2,
       (SELECT count(*) FROM account_assignments s WHERE s.territory_id = t.id) AS accounts,
       t.version
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


def check_rep(session: Session, rep_id: int | None) -> None:
    if rep_id is None:
        return
    row = session.execute(
        text("SELECT active, role FROM users WHERE id = :id"), {"id": rep_id}
    ).first()
    if row is None:
        raise NotFound("user", rep_id)
    if not row.active:
        raise InvalidInput("rep_id", "this user is deactivated", value=rep_id)
    if row.role != "rep":
        raise InvalidInput(
            "rep_id",
            "seul un commercial peut recevoir des comptes ou un territoire",
            value=rep_id,
            allowed="un utilisateur de rôle commercial (rep)",
        )


INT32 = 2_147_483_647


def check_fields(changes: dict[str, Any]) -> None:
    """Name, priority, colour, overlay marker and rep id as the table stores them, or
    :class:`InvalidInput` (normalised in place: name stripped, priority a whole ``int``).
    Every write of a territory goes through it (:func:`create_territory`,
    :func:`update_territory`, the demo seed)."""
    problems = []
    if "name" in changes:
        name = changes["name"]
        if not isinstance(name, str) or not name.strip():
            blank = isinstance(name, str) or name is None  # nothing typed: no value to show
            problems.append(Problem("name", "a territory needs a name", None if blank else name))
        elif len(name.strip()) > 200:
            problems.append(Problem("name", "at most 200 characters", name[:40] + "…"))
        else:
            changes["name"] = name.strip()
    if "priority" in changes:  # the one rule: fieldcrm.territories.priority
        wrong = priority_problem(changes["priority"])
        if wrong is None:
            changes["priority"] = int(changes["priority"])
        else:
            problems.append(wrong)
    if changes.get("color") is not None:
        c = changes["color"]
        if not isinstance(c, str) or len(c) > 20:
            problems.append(Problem("color", "a colour of at most 20 characters", c))
    rep = changes.get("rep_id")
    if rep is not None and (
        isinstance(rep, bool) or not isinstance(rep, int) or not 0 < rep <= INT32
    ):
        problems.append(Problem("rep_id", "not a user id", rep))
    if "overlay" in changes and not isinstance(changes["overlay"], bool):
        problems.append(Problem("overlay", "must be true or false", changes["overlay"]))
    InvalidInput.collect(problems)


def create_territory(
    session: Session,
    *,
    name: str,
    geometry: BaseGeometry,
    rep_id: int | None = None,
    priority: int = 0,
    color: str | None = None,
    source: str | None = None,
    overlay: bool = False,
) -> int:
    """Insert a territory (geometry already valid, EPSG:4326); :class:`Conflict` on a taken name."""
    fields: dict[str, Any] = {
        "name": name,
        "priority": priority,
        "color": color,
        "rep_id": rep_id,
        "overlay": overlay,
    }
    check_fields(fields)
    name = fields["name"]
    check_rep(session, rep_id)
    try:
        with session.begin_nested():
            new_id = session.execute(
                text("""INSERT INTO territories (name, geom, rep_id, priority, color, source,
                                                 overlay)
                        VALUES (:name, ST_Multi(ST_GeomFromWKB(:wkb, 4326)), :rep, :priority,
                                :color, :source, :overlay)
                        RETURNING id"""),
                {
                    "name": name.strip(),
                    "wkb": shapely.to_wkb(geometry),
                    "rep": rep_id,
                    "priority": fields["priority"],
                    "color": color,
                    "source": source,
                    "overlay": overlay,
                },
            ).scalar_one()
    except IntegrityError as exc:
        raise Conflict(f"a territory named '{name}' already exists") from exc
    return int(new_id)


def update_territory(
    session: Session,
    territory_id: int,
    *,
    geometry: BaseGeometry | None = None,
    **changes: Any,
) -> None:
    """Change fields (name, rep_id, priority, color, source, overlay) and/or the geometry."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InvalidInput(
            unknown[0], "not an editable territory field", allowed=", ".join(EDITABLE)
        )
    check_fields(changes)
    get_territory(session, territory_id)
    if "rep_id" in changes:
        check_rep(session, changes["rep_id"])
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
        taken = changes.get("name")
        raise Conflict(f"a territory named '{taken}' already exists") from exc


def detach_kept_accounts(
    session: Session, territory_id: int, *, actor_id: int | None, reason: str, run_id: int
) -> int:
    """Before deleting a territory: its accounts still in it (locked by a dispatcher, or whose
    place is "à vérifier") keep their rep and lose the territory, one history row each."""
    rows = session.execute(
        text("""
        WITH kept AS (
            UPDATE account_assignments SET territory_id = NULL, updated_at = now()
            WHERE territory_id = :id RETURNING account_id, owner_id
        )
        INSERT INTO assignment_history (account_id, from_rep_id, to_rep_id, from_territory_id,
                                        to_territory_id, changed_by, reason, run_id)
        SELECT account_id, owner_id, owner_id, :id, NULL, :actor, :reason, :run FROM kept
        ORDER BY account_id RETURNING account_id"""),
        {"id": territory_id, "actor": actor_id, "reason": reason[:200], "run": run_id},
    ).all()
    return len(rows)


def delete_territory(session: Session, territory_id: int) -> None:
    """Delete a territory; its accounts keep their owner until the next assignment."""
    deleted = session.execute(
        text("DELETE FROM territories WHERE id = :id RETURNING id"), {"id": territory_id}
    ).first()
    if deleted is None:
        raise NotFound("territory", territory_id)


def uncovered_accounts(
    session: Session, *, limit: int | None = None
) -> tuple[int, list[QueueItem]]:
    """Accounts placed outside every territory (the gaps: :data:`STANDING` ``outside``, a
    confirmed point no territory covers), and their total."""
    if limit == 0:
        return int(session.execute(text("SELECT count(*) " + _UNCOVERED)).scalar_one()), []
    # One pass over the spatial test: the total rides along each row (count over the window).
    rows = session.execute(
        text(
            """SELECT a.id, a.name, a.postcode, a.city, ST_X(a.geom) AS lon, ST_Y(a.geom) AS lat,
                      asg.territory_id, 'outside_territories' AS reason, count(*) OVER () AS total """
            + _UNCOVERED
            + " ORDER BY a.id LIMIT :limit"
        ),
        {"limit": limit},
    ).mappings()
    items, total = [], 0
    for r in rows:
        total = r["total"]
        items.append(QueueItem(**{k: v for k, v in r.items() if k != "total"}))
    return int(total), items


_COVERED = "EXISTS (SELECT 1 FROM territories t WHERE ST_Covers(t.geom, a.geom))"
"""SQL (accounts as ``a``): some territory covers the account's point (false without one)."""

STANDINGS = ("in_territory", "outside", "to_check", "not_placed", "unassigned")
"""Where each account stands in the gap report, once: counted in a territory (its assignment
names one: the territory list and the balance table count these rows), placed outside every
territory (the gaps), position to check in « Géocodage » (commune centre or unconfirmed: the
assignment leaves it out), no position yet, or inside a territory and waiting for the
assignment (or locked out of it)."""

STANDING = f"""CASE WHEN asg.territory_id IS NOT NULL THEN 'in_territory'
    WHEN a.geom IS NULL THEN 'not_placed'
    WHEN NOT ({CONFIRMED_LOCATION}) THEN 'to_check'
    WHEN NOT {_COVERED} THEN 'outside'
    ELSE 'unassigned' END"""
"""SQL (with :data:`ASSIGNMENT_JOIN`): the account's one standing of :data:`STANDINGS` — one
home for « an account counted in a territory » and for the rest, so the figures add up."""

_UNCOVERED = f"FROM accounts a {ASSIGNMENT_JOIN} WHERE ({STANDING}) = 'outside'"


@dataclass(frozen=True)
class Coverage:
    """Every account counted once (:data:`STANDING`): in a territory (as the territory table
    counts them), placed outside every territory (the gaps), position to check, no position
    yet, or inside a territory but not assigned yet."""

    covered: int
    outside: int
    to_check: int
    not_placed: int
    unassigned: int

    @property
    def total(self) -> int:
        """All the accounts."""
        return self.covered + self.outside + self.to_check + self.not_placed + self.unassigned


def coverage(session: Session) -> Coverage:
    """How many accounts stand where (:data:`STANDING`); the figures add up to every account
    and ``covered`` is the sum of the territory table's rows."""
    counts = {
        str(r.standing): int(r.n)
        for r in session.execute(
            text(f"""SELECT {STANDING} AS standing, count(*) AS n
                     FROM accounts a {ASSIGNMENT_JOIN} GROUP BY 1""")
        )
    }
    return Coverage(
        covered=counts.get("in_territory", 0),
        outside=counts.get("outside", 0),
        to_check=counts.get("to_check", 0),
        not_placed=counts.get("not_placed", 0),
        unassigned=counts.get("unassigned", 0),
    )


_REVENUE_12M = """SELECT account_id, sum(revenue) AS revenue FROM monthly_sales
                  WHERE month >= :start AND month < :end GROUP BY account_id"""
"""Revenue per account over the window of :func:`_revenue_window`."""


def _revenue_window(as_of: dt.date) -> dict[str, dt.date]:
    """The 12 months before ``as_of``'s month, as date bounds (comparing the date column with
    a timestamp expression would cast every row through the time zone)."""
    return {"start": add_months(as_of, -12), "end": add_months(as_of, 0)}


def account_points(session: Session, *, as_of: dt.date) -> list[AccountPoint]:
    """Every account with what balance needs (revenue of the 12 months before ``as_of``)."""
    rows = session.execute(
        text(f"""
        SELECT a.id, asg.territory_id, a.kind, ST_X(a.geom) AS lon, ST_Y(a.geom) AS lat,
               coalesce(a.potential_eur_month, 0)::float AS potential_eur_month,
               coalesce(s.revenue, 0)::float AS revenue_12m, ap.band AS priority_band,
               a.visit_minutes
        FROM accounts a {ASSIGNMENT_JOIN} {PRIORITY_JOIN}
        LEFT JOIN ({_REVENUE_12M}) s ON s.account_id = a.id
        ORDER BY a.id"""),
        _revenue_window(as_of),
    ).mappings()
    return [AccountPoint(**r) for r in rows]


def balance_sums(
    session: Session, *, as_of: dt.date, bases: Mapping[int, tuple[float, float] | None]
) -> list[BandSums]:
    """The balance's sums per territory and priority band, added up in the database.

    ``bases`` gives each territory's ``(lon, lat)`` base for the driving estimate; the
    great-circle distance is the formula of :func:`fieldcrm.geo.haversine_m`. Revenue is that
    of the 12 months before ``as_of``'s month.
    """
    known = {tid: base for tid, base in bases.items() if base is not None}
    rows = session.execute(
        text(f"""
        WITH base AS (
            SELECT * FROM unnest(CAST(:ids AS int[]), CAST(:lons AS float8[]),
                                 CAST(:lats AS float8[])) AS b(territory_id, lon, lat)
        ), s AS ({_REVENUE_12M}
        ), located AS (
            SELECT a.*, asg.territory_id, radians(ST_Y(a.geom)) AS phi,
                   radians(ST_X(a.geom)) AS lam
            FROM account_assignments asg JOIN accounts a ON a.id = asg.account_id
            WHERE asg.territory_id IS NOT NULL
        )
        SELECT a.territory_id, ap.band, count(*) AS accounts,
               count(*) FILTER (WHERE a.kind = 'client') AS clients,
               count(*) FILTER (WHERE a.kind = 'prospect') AS prospects,
               coalesce(sum(a.potential_eur_month), 0)::float8 AS potential_eur_month,
               coalesce(sum(s.revenue), 0)::float8 AS revenue_12m,
               coalesce(sum(a.visit_minutes), 0)::float8 AS visit_minutes,
               coalesce(sum(2 * {EARTH_RADIUS_M} * asin(least(1.0, sqrt(
                   sin((a.phi - radians(b.lat)) / 2) ^ 2
                   + cos(radians(b.lat)) * cos(a.phi) * sin((a.lam - radians(b.lon)) / 2) ^ 2
               ))) / 1000), 0) AS base_km
        FROM located a
        LEFT JOIN base b ON b.territory_id = a.territory_id
        LEFT JOIN s ON s.account_id = a.id
        {PRIORITY_JOIN}
        GROUP BY a.territory_id, ap.band"""),
        {
            "ids": list(known),
            "lons": [lon for lon, _ in known.values()],
            "lats": [lat for _, lat in known.values()],
            **_revenue_window(as_of),
        },
    )
    return [BandSums(*r) for r in rows]


def rep_homes(session: Session) -> dict[int, tuple[float, float]]:
    """Home (lon, lat) of each user who has one."""
    rows = session.execute(
        text("SELECT id, ST_X(home) AS lon, ST_Y(home) AS lat FROM users WHERE home IS NOT NULL")
    ).all()
    return {int(r.id): (float(r.lon), float(r.lat)) for r in rows}
