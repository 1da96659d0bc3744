"""Territory use cases: CRUD from GeoJSON or administrative units, import/export, reports.

Each use case that writes commits once, and every one first checks the actor against
:mod:`fieldcrm.auth.policy` (``territory.read``, ``territory.edit``, ``assign``). The CLI acts
as :data:`SYSTEM`, an administrator that is no user (history rows get no author).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import PACKAGE_DATA
from fieldcrm.errors import InvalidInput, NotFound, Problem
from fieldcrm.geo import GeoPoint
from fieldcrm.store import territories as store
from fieldcrm.territories import admin_units, balance, coverage, rebalance, shapes
from fieldcrm.territories.assign import NONE, TerritoryShape, assign_coordinates

SYSTEM = Actor(id=0, role=Role.ADMIN, name="fieldcrm")
"""The command line and jobs: may do everything, recorded as no user."""


def author_id(actor: Actor) -> int | None:
    """The user id to record for ``actor`` (``None`` for :data:`SYSTEM`)."""
    return actor.id if actor.id > 0 else None


@lru_cache(maxsize=1)
def boundaries() -> admin_units.AdminBoundaries:
    """The shipped administrative outlines (loaded once per process)."""
    return admin_units.load_boundaries(PACKAGE_DATA)


@lru_cache(maxsize=1)
def _commune_pairs() -> tuple[tuple[str, str], ...]:
    """Adjacent shipped communes (computed once per process)."""
    return tuple(rebalance.adjacency(dict(boundaries().communes)))


# ---------------------------------------------------------------- territories


def list_territories(
    session: Session, *, actor: Actor, with_geometry: bool = True
) -> list[store.TerritoryRow]:
    """Every territory, by id."""
    policy.require(actor, "territory.read")
    return store.list_territories(session, with_geometry=with_geometry)


def get_territory(session: Session, territory_id: int, *, actor: Actor) -> store.TerritoryRow:
    """One territory with its geometry."""
    policy.require(actor, "territory.read")
    return store.get_territory(session, territory_id)


def create_territory(
    session: Session,
    *,
    name: str,
    geometry: Mapping[str, Any],
    rep_id: int | None = None,
    priority: int = 0,
    color: str | None = None,
    actor: Actor,
) -> tuple[int, tuple[str, ...]]:
    """Validate a GeoJSON geometry and store it; returns the id and the repairs made."""
    policy.require(actor, "territory.edit")
    geom, repairs = shapes.parse_geometry(geometry)
    new_id = store.create_territory(
        session,
        name=name,
        geometry=geom,
        rep_id=rep_id,
        priority=priority,
        color=color,
        source="geojson",
    )
    session.commit()
    return new_id, repairs


def _units_source(*groups: Sequence[str]) -> str:
    labels = ("communes", "postcodes", "departements")
    parts = [f"{k}={','.join(v)}" for k, v in zip(labels, groups, strict=True) if v]
    return "units: " + "; ".join(parts)


def build_territory(
    session: Session,
    *,
    name: str,
    communes: Sequence[str] = (),
    postcodes: Sequence[str] = (),
    departements: Sequence[str] = (),
    rep_id: int | None = None,
    priority: int = 0,
    color: str | None = None,
    actor: Actor,
) -> int:
    """Create a territory as the union of communes, postcodes and départements."""
    policy.require(actor, "territory.edit")
    built = admin_units.build_from_units(
        boundaries(), communes=communes, postcodes=postcodes, departements=departements
    )
    new_id = store.create_territory(
        session,
        name=name,
        geometry=built.geometry,
        rep_id=rep_id,
        priority=priority,
        color=color,
        source=_units_source(communes, postcodes, departements),
    )
    session.commit()
    return new_id


def update_territory(
    session: Session,
    territory_id: int,
    *,
    geometry: Mapping[str, Any] | None = None,
    actor: Actor,
    **changes: Any,
) -> tuple[str, ...]:
    """Change a territory's fields and/or geometry; returns the geometry repairs."""
    policy.require(actor, "territory.edit")
    geom, repairs = shapes.parse_geometry(geometry) if geometry is not None else (None, ())
    store.update_territory(session, territory_id, geometry=geom, **changes)
    session.commit()
    return repairs


def delete_territory(session: Session, territory_id: int, *, actor: Actor) -> None:
    """Delete a territory."""
    policy.require(actor, "territory.edit")
    store.delete_territory(session, territory_id)
    session.commit()


@dataclass(frozen=True)
class ImportResult:
    """What an import did."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    repairs: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _rep_id(
    session: Session, props: Mapping[str, Any], label: str
) -> tuple[int | None, list[Problem]]:
    if props.get("rep_id") not in (None, ""):
        try:
            return int(props["rep_id"]), []
        except (TypeError, ValueError):
            return None, [Problem(label, "rep_id must be an integer", props["rep_id"])]
    email = props.get("rep_email") or props.get("rep")
    if not email:
        return None, []
    found = session.execute(
        text("SELECT id FROM users WHERE lower(email) = lower(:e)"), {"e": str(email)}
    ).scalar()
    if found is None:
        return None, [Problem(label, "unknown rep e-mail", email)]
    return int(found), []


def import_geojson(
    session: Session, document: str | bytes | Mapping[str, Any], *, actor: Actor
) -> ImportResult:
    """Create or update (by name) one territory per feature; all or nothing.

    Feature properties: ``name`` (required), ``rep_id`` or ``rep_email``, ``priority``,
    ``color``. Every problem of every feature is reported at once.
    """
    policy.require(actor, "territory.edit")
    problems: list[Problem] = []
    features = shapes.parse_features(document, problems=problems)
    plans: list[tuple[str, shapes.ShapeFeature, int | None, int]] = []
    for feat in features:
        name = str(feat.properties.get("name") or feat.properties.get("nom") or "").strip()
        if not name:
            problems.append(Problem(feat.label, "the feature needs a 'name' property"))
            continue
        rep, rep_problems = _rep_id(session, feat.properties, feat.label)
        problems += rep_problems
        try:
            priority = int(feat.properties.get("priority") or 0)
        except (TypeError, ValueError):
            problems.append(
                Problem(feat.label, "priority must be an integer", feat.properties["priority"])
            )
            continue
        plans.append((name, feat, rep, priority))
    InvalidInput.collect(problems)
    existing = {t.name: t.id for t in store.list_territories(session, with_geometry=False)}
    result = ImportResult()
    for name, feat, rep, priority in plans:
        color = feat.properties.get("color")
        if name in existing:
            store.update_territory(
                session,
                existing[name],
                geometry=feat.geometry,
                rep_id=rep,
                priority=priority,
                color=color,
                source="geojson",
            )
            result.updated.append(name)
        else:
            existing[name] = store.create_territory(
                session,
                name=name,
                geometry=feat.geometry,
                rep_id=rep,
                priority=priority,
                color=color,
                source="geojson",
            )
            result.created.append(name)
        if feat.repairs:
            result.repairs[name] = feat.repairs
    session.commit()
    return result


def export_geojson(session: Session, *, actor: Actor) -> dict[str, Any]:
    """Every territory as a GeoJSON FeatureCollection (re-importable)."""
    policy.require(actor, "territory.read")
    rows = store.list_territories(session, with_geometry=True)
    return shapes.feature_collection(
        [
            (
                r.geometry,
                {
                    "id": r.id,
                    "name": r.name,
                    "rep_id": r.rep_id,
                    "rep_name": r.rep_name,
                    "priority": r.priority,
                    "color": r.color,
                    "area_km2": round(r.area_km2, 3),
                },
            )
            for r in rows
            if r.geometry is not None
        ]
    )


# ---------------------------------------------------------------- reports


def _shapes(rows: Sequence[store.TerritoryRow]) -> list[TerritoryShape]:
    return [TerritoryShape(r.id, r.geometry, r.priority) for r in rows if r.geometry is not None]


def overlaps(session: Session, *, actor: Actor) -> list[coverage.Overlap]:
    """Pairs of overlapping territories with the shared area and who wins it."""
    policy.require(actor, "territory.read")
    return coverage.overlaps(_shapes(store.list_territories(session)))


def gaps(
    session: Session, *, limit: int | None = 500, actor: Actor
) -> tuple[int, list[store.QueueItem]]:
    """Located accounts that no territory covers."""
    policy.require(actor, "assign")
    return store.uncovered_accounts(session, limit=limit)


def _facts(points: Sequence[store.AccountPoint]) -> list[balance.AccountFacts]:
    return [
        balance.AccountFacts(
            id=p.id,
            territory_id=p.territory_id,
            kind=p.kind,
            point=GeoPoint(p.lon, p.lat) if p.lon is not None and p.lat is not None else None,
            potential_eur_month=p.potential_eur_month,
            revenue_12m=p.revenue_12m,
            priority_band=p.priority_band,
            visit_minutes=p.visit_minutes,
        )
        for p in points
    ]


def _infos(session: Session, rows: Sequence[store.TerritoryRow]) -> list[balance.TerritoryInfo]:
    homes = store.rep_homes(session)
    out = []
    for r in rows:
        home = homes.get(r.rep_id) if r.rep_id is not None else None
        centroid = r.geometry.centroid if r.geometry is not None else None
        out.append(
            balance.TerritoryInfo(
                id=r.id,
                name=r.name,
                rep_id=r.rep_id,
                home=GeoPoint(*home) if home else None,
                centroid=GeoPoint(centroid.x, centroid.y) if centroid is not None else None,
            )
        )
    return out


@dataclass(frozen=True)
class BalanceReport:
    """Metrics per territory and the spread of the main ones."""

    rows: list[balance.BalanceRow]
    spreads: list[balance.Spread]


BALANCE_METRICS = ("accounts", "potential_eur_month", "revenue_12m", "workload_hours_month")


def balance_report(
    session: Session, *, as_of: dt.date | None = None, actor: Actor
) -> BalanceReport:
    """Balance metrics per territory (accounts, potential, revenue, workload, distance)."""
    policy.require(actor, "assign")
    return _balance(session, store.list_territories(session), as_of=as_of)


def _balance(
    session: Session, rows: Sequence[store.TerritoryRow], *, as_of: dt.date | None
) -> BalanceReport:
    infos = _infos(session, rows)
    bases = {t.id: (b.lon, b.lat) if (b := balance.base_of(t)) else None for t in infos}
    sums = store.balance_sums(session, as_of=as_of or dt.date.today(), bases=bases)
    result = balance.balance_from_sums(infos, sums)
    spreads = [
        balance.spread([float(getattr(r, m)) for r in result], metric=m) for m in BALANCE_METRICS
    ]
    return BalanceReport(result, spreads)


METRICS = ("potential_eur_month", "workload_hours_month", "accounts")


def rebalance_proposal(
    session: Session,
    *,
    metric: str = "potential_eur_month",
    max_moves: int = 30,
    as_of: dt.date | None = None,
    actor: Actor,
) -> rebalance.Proposal:
    """Suggest whole-commune moves between adjacent territories to even ``metric``.

    Units are the shipped communes whose representative point a territory covers (the
    tie-break decides); each weighs the metric summed over the accounts inside it. Nothing
    is applied: the proposal lists moves and the before/after totals.
    """
    policy.require(actor, "assign")
    rows = store.list_territories(session)
    return _proposal(session, rows, metric=metric, max_moves=max_moves, as_of=as_of)


def _proposal(
    session: Session,
    rows: Sequence[store.TerritoryRow],
    *,
    metric: str,
    max_moves: int = 30,
    as_of: dt.date | None = None,
) -> rebalance.Proposal:
    if metric not in METRICS:
        raise InvalidInput("metric", "unknown metric", value=metric, allowed=", ".join(METRICS))
    terr = _shapes(rows)
    if not terr:
        raise NotFound("territory", "any")
    bounds = boundaries()
    codes = sorted(bounds.communes)
    geoms = [bounds.communes[c] for c in codes]
    reps = shapely.point_on_surface(geoms)
    owner = assign_coordinates(shapely.get_x(reps), shapely.get_y(reps), terr)
    kept = [i for i in range(len(codes)) if owner[i] != NONE]
    commune_shapes = [TerritoryShape(i, geoms[i]) for i in kept]
    points = store.account_points(session, as_of=as_of or dt.date.today())
    located = [p for p in points if p.lon is not None and p.lat is not None]
    where = assign_coordinates(
        [float(p.lon or 0) for p in located], [float(p.lat or 0) for p in located], commune_shapes
    )
    infos = {i.id: i for i in _infos(session, rows)}
    weight = np.zeros(len(codes))
    for p, c in zip(located, where.tolist(), strict=True):
        if c == NONE:
            continue
        if metric == "accounts":
            weight[c] += 1
        elif metric == "potential_eur_month":
            weight[c] += p.potential_eur_month
        else:
            info = infos[int(owner[c])]
            fact = _facts([p])[0]
            weight[c] += balance.visit_hours(fact, balance.base_of(info))
    units = [
        rebalance.Unit(
            codes[i], int(owner[i]), float(weight[i]), bounds.commune_names.get(codes[i], "")
        )
        for i in kept
    ]
    kept_codes = {codes[i] for i in kept}
    pairs = [(a, b) for a, b in _commune_pairs() if a in kept_codes and b in kept_codes]
    return rebalance.propose(
        units,
        pairs,
        territory_ids=sorted({u.territory_id for u in units}),
        metric=metric,
        max_moves=max_moves,
    )


@dataclass(frozen=True)
class TerritoryOverview:
    """The territories screen: territories, balance, overlaps, gaps, optional proposal."""

    rows: list[store.TerritoryRow]
    balance: BalanceReport | None
    overlaps: list[coverage.Overlap]
    gaps: tuple[int, list[store.QueueItem]]
    proposal: rebalance.Proposal | None


def overview(
    session: Session,
    *,
    actor: Actor,
    metric: str = "",
    gap_limit: int = 20,
    as_of: dt.date | None = None,
) -> TerritoryOverview:
    """Everything the territories screen shows, from one reading of the territories.

    ``metric`` (one of :data:`METRICS`) asks for a rebalancing proposal on that metric.
    """
    policy.require(actor, "assign")
    rows = store.list_territories(session)
    return TerritoryOverview(
        rows=rows,
        balance=_balance(session, rows, as_of=as_of) if rows else None,
        overlaps=coverage.overlaps(_shapes(rows)),
        gaps=store.uncovered_accounts(session, limit=gap_limit),
        proposal=_proposal(session, rows, metric=metric, as_of=as_of) if metric and rows else None,
    )


@dataclass(frozen=True)
class AppliedRebalance:
    """Moves turned into new outlines, and the territories whose outline changed."""

    moves: tuple[rebalance.Move, ...]
    territory_ids: tuple[int, ...]


def apply_rebalance(
    session: Session,
    *,
    metric: str = "potential_eur_month",
    max_moves: int = 30,
    codes: Sequence[str] | None = None,
    as_of: dt.date | None = None,
    actor: Actor,
) -> AppliedRebalance:
    """Apply the proposal's moves (all, or those whose commune code is in ``codes``).

    The proposal is recomputed with the same options (it is deterministic), each giver loses
    the commune's outline and each receiver gains it. Accounts follow at the next assignment,
    whose preview shows who moves.
    """
    policy.require(actor, "territory.edit")
    proposal = rebalance_proposal(
        session, metric=metric, max_moves=max_moves, as_of=as_of, actor=actor
    )
    wanted = set(codes) if codes is not None else None
    if wanted is not None:
        unknown = sorted(wanted - {m.code for m in proposal.moves})
        if unknown:
            raise InvalidInput("codes", "not among the proposed moves", value=unknown)
    moves = tuple(m for m in proposal.moves if wanted is None or m.code in wanted)
    current = {r.id: r.geometry for r in store.list_territories(session) if r.geometry is not None}
    new = rebalance.apply_moves(current, moves, boundaries().communes)
    for tid, geom in sorted(new.items()):
        store.update_territory(
            session, tid, geometry=shapes.as_multipolygon(geom), source="rééquilibrage"
        )
    session.commit()
    return AppliedRebalance(moves, tuple(sorted(new)))
