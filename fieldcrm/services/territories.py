"""Territory use cases: CRUD from GeoJSON or administrative units, import/export, reports.

Each use case that writes commits once, and every one first checks the actor against
:mod:`fieldcrm.auth.policy` (``territory.read``, ``territory.edit``, ``assign``). The CLI acts
as :data:`SYSTEM`, an administrator that is no user (history rows get no author).
"""

from __future__ import annotations

import dataclasses
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
from fieldcrm.config import PACKAGE_DATA, get_settings
from fieldcrm.errors import Conflict, InvalidInput, NotFound, Problem
from fieldcrm.geo import GeoPoint
from fieldcrm.store import assignment as assignment_store
from fieldcrm.store import assignment_runs as runs_store
from fieldcrm.store import audit, versions
from fieldcrm.store import jobs as job_store
from fieldcrm.store import territories as store
from fieldcrm.territories import (
    admin_units,
    balance,
    contiguity,
    coverage,
    rebalance,
    rebalance_cpsat,
    rebalance_effects,
    shapes,
)
from fieldcrm.territories.assign import NONE, TerritoryShape, assign_coordinates
from fieldcrm.territories.priority import priority_problem

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


def territory_version(session: Session, territory_id: int, *, actor: Actor) -> int:
    """The version of a territory (its ``ETag``: what an editor sends back)."""
    policy.require(actor, "territory.read")
    return versions.current(session, "territories", territory_id)


def create_territory(
    session: Session,
    *,
    name: str,
    geometry: Mapping[str, Any],
    rep_id: int | None = None,
    priority: int = 0,
    color: str | None = None,
    overlay: bool = False,
    actor: Actor,
) -> tuple[int, tuple[str, ...]]:
    """Validate a GeoJSON geometry and store it; returns the id and the repairs made.
    ``overlay``: laid over the local territories (a rebalancing leaves it out)."""
    policy.require(actor, "territory.edit", owner_id=rep_id)
    geom, repairs = shapes.parse_geometry(geometry)
    new_id = store.create_territory(
        session,
        name=name,
        geometry=geom,
        rep_id=rep_id,
        priority=priority,
        color=color,
        source="geojson",
        overlay=overlay,
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
    overlay: bool = False,
    actor: Actor,
) -> int:
    """Create a territory as the union of communes, postcodes and départements (``overlay``:
    laid over the local territories, a rebalancing leaves it out)."""
    policy.require(actor, "territory.edit", owner_id=rep_id)
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
        overlay=overlay,
    )
    session.commit()
    return new_id


def update_territory(
    session: Session,
    territory_id: int,
    *,
    geometry: Mapping[str, Any] | None = None,
    actor: Actor,
    expected_version: versions.Expected = None,
    **changes: Any,
) -> tuple[str, ...]:
    """Change a territory's fields and/or geometry; returns the geometry repairs.

    A manager edits only their team's (or nobody's) territories, and gives them only to their
    team; ``expected_version`` is the version the editor read (409 if stale, nothing saved;
    :data:`~fieldcrm.store.versions.UNSENT`: 428; ``None``: not checked).
    """
    policy.require(
        actor, "territory.edit", owner_id=store.get_territory(session, territory_id).rep_id
    )
    if "rep_id" in changes:
        policy.require(actor, "territory.edit", owner_id=changes["rep_id"])
    geom, repairs = shapes.parse_geometry(geometry) if geometry is not None else (None, ())
    versions.claim(
        session, "territories", territory_id, expected=expected_version, actor_id=author_id(actor)
    )
    store.update_territory(session, territory_id, geometry=geom, **changes)
    session.commit()
    return repairs


@dataclass(frozen=True)
class DeletionPreview:
    """What deleting a territory does to its accounts (the confirmation shows it).

    The accounts it holds go to whichever other territory covers them (the usual tie-break),
    to nobody when none does (they join the queue of accounts without an owner); accounts a
    dispatcher locked, or whose place is "à vérifier", keep their rep and lose the territory.
    """

    territory: store.TerritoryRow
    accounts: int
    moves: list[assignment_store.MoveCount]
    listed: assignment_store.MovesPage

    @property
    def moved(self) -> int:
        """Accounts that change territory (and perhaps rep)."""
        return sum(m.accounts for m in self.moves)

    @property
    def to_nobody(self) -> int:
        """Accounts no other territory covers: they lose their rep and join the queue."""
        return sum(m.accounts for m in self.moves if m.to_territory_id is None)

    @property
    def kept(self) -> int:
        """Locked or "à vérifier" accounts: they keep their rep, without a territory."""
        return self.accounts - self.moved


def _deletion_scope(territory_id: int) -> assignment_store.Scope:
    return assignment_store.Scope(without=territory_id, territory_ids=(territory_id,))


def deletion_preview(
    session: Session, territory_id: int, *, actor: Actor, limit: int = 50
) -> DeletionPreview:
    """What :func:`delete_territory` would do to the territory's accounts; nothing is written."""
    row = store.get_territory(session, territory_id)
    policy.require(actor, "territory.edit", owner_id=row.rep_id)
    scope = _deletion_scope(territory_id)
    return DeletionPreview(
        territory=row,
        accounts=row.accounts,
        moves=assignment_store.preview_assignment(session, scope=scope),
        listed=assignment_store.preview_moves(session, scope=scope, limit=limit),
    )


def delete_territory(
    session: Session,
    territory_id: int,
    *,
    actor: Actor,
    expected_version: versions.Expected = None,
) -> int:
    """Delete a territory; its accounts follow :class:`DeletionPreview`'s rule, as one run of
    the assignment history, and the audit log keeps what was deleted. The run's id.

    ``expected_version`` is checked as by :func:`update_territory` (a territory changed since
    it was read is not deleted)."""
    row = store.get_territory(session, territory_id)
    policy.require(actor, "territory.edit", owner_id=row.rep_id)
    if expected_version is versions.UNSENT:  # the 428 at once, before any lock is taken
        versions.claim(
            session, "territories", territory_id, expected=expected_version, actor_id=None
        )
    assignment_store.lock_assignments(session)  # first, as a rebalancing: no deadlock
    who = author_id(actor)
    versions.claim(session, "territories", territory_id, expected=expected_version, actor_id=who)
    reason = f"suppression du territoire « {row.name} »"[:200]
    run_id = runs_store.create_run(
        session,
        kind="territory_delete",
        actor_id=who,
        reason=reason,
        details={"territory_id": row.id, "name": row.name, "rep_id": row.rep_id},
    )
    assignment_store.assign_all(
        session, actor_id=who, reason=reason, run_id=run_id, scope=_deletion_scope(territory_id)
    )
    kept = store.detach_kept_accounts(
        session, territory_id, actor_id=who, reason=reason, run_id=run_id
    )
    store.delete_territory(session, territory_id)
    moved = runs_store.finish_run(session, run_id)
    audit.record(
        session,
        actor_id=who,
        action="territory.delete",
        entity="territory",
        entity_id=territory_id,
        changes={
            "name": row.name,
            "rep_id": row.rep_id,
            "priority": row.priority,
            "accounts": row.accounts,
            "kept_rep": kept,
            "run_id": run_id,
            "history_rows": moved,
        },
    )
    if moved:
        job_store.defer_rules(session)
    session.commit()
    return run_id


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
    ``color``, ``overlay`` (true or false; absent: false for a new territory, unchanged for
    an existing one). Every problem of every feature is reported at once.
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
        raw = feat.properties.get("priority")
        if isinstance(raw, str) and raw.strip().lstrip("+-").isdigit():  # "5" from a GIS tool
            raw = int(raw)
        wrong = priority_problem(0 if raw is None else raw, field=feat.label)
        if wrong is not None:  # the feature is the field: its property named in the message
            problems.append(dataclasses.replace(wrong, message=f"priority {wrong.message}"))
            continue
        priority = int(raw or 0)
        if not isinstance(feat.properties.get("overlay", False), bool):
            problems.append(
                Problem(feat.label, "overlay must be true or false", feat.properties["overlay"])
            )
            continue
        plans.append((name, feat, rep, priority))
    InvalidInput.collect(problems)
    existing = {t.name: t.id for t in store.list_territories(session, with_geometry=False)}
    result = ImportResult()
    for name, feat, rep, priority in plans:
        color = feat.properties.get("color")
        marked = {"overlay": feat.properties["overlay"]} if "overlay" in feat.properties else {}
        if name in existing:  # an edit: an editor holding an older version gets a 409
            versions.claim(
                session, "territories", existing[name], expected=None, actor_id=author_id(actor)
            )
            store.update_territory(
                session,
                existing[name],
                geometry=feat.geometry,
                rep_id=rep,
                priority=priority,
                color=color,
                source="geojson",
                **marked,
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
                **marked,
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
                    "overlay": r.overlay,
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


@dataclass(frozen=True)
class GapReport:
    """The gap report as the territories screen and ``fieldcrm territories gaps`` give it:
    every account counted once (in a territory, placed outside every territory, not placed
    yet) and the first of those outside, with their total."""

    coverage: store.Coverage
    gaps: tuple[int, list[store.QueueItem]]


def gap_report(session: Session, *, limit: int | None = 20, actor: Actor) -> GapReport:
    """The gap report's figures (:class:`GapReport`), read once here for the screen and the
    CLI alike; ``limit``: how many accounts outside every territory are listed."""
    return GapReport(coverage=store.coverage(session), gaps=gaps(session, limit=limit, actor=actor))


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
    """Metrics per territory and the spread of the main ones; the territories whose
    workload exceeds a rep's monthly field time (``capacity_hours``)."""

    rows: list[balance.BalanceRow]
    spreads: list[balance.Spread]
    capacity_hours: float = balance.FIELD_HOURS_MONTH

    @property
    def overloaded(self) -> list[balance.BalanceRow]:
        """Territories whose workload exceeds ``capacity_hours`` (:func:`balance.overloaded`)."""
        return balance.overloaded(self.rows, self.capacity_hours)


BALANCE_METRICS = ("accounts", "potential_eur_month", "revenue_12m", "workload_hours_month")


def balance_report(
    session: Session, *, as_of: dt.date | None = None, actor: Actor
) -> BalanceReport:
    """Balance metrics per territory (accounts, potential, revenue, workload, distance)."""
    policy.require(actor, "assign")
    return _balance(session, store.list_territories(session), as_of=as_of)


def _balance(
    session: Session,
    rows: Sequence[store.TerritoryRow],
    *,
    as_of: dt.date | None,
    capacity_hours: float | None = None,
) -> BalanceReport:
    infos = _infos(session, rows)
    bases = {t.id: (b.lon, b.lat) if (b := balance.base_of(t)) else None for t in infos}
    sums = store.balance_sums(session, as_of=as_of or dt.date.today(), bases=bases)
    result = balance.balance_from_sums(infos, sums)
    spreads = [
        balance.spread([float(getattr(r, m)) for r in result], metric=m) for m in BALANCE_METRICS
    ]
    return BalanceReport(result, spreads, field_hours(capacity_hours))


METRICS = ("potential_eur_month", "workload_hours_month", "accounts")
"""The metrics a rebalancing may even out."""
EFFECT_METRICS = (*METRICS, "revenue_12m")
"""The metrics a proposal shows before and after (:mod:`fieldcrm.territories.rebalance_effects`)."""


def rebalance_proposal(
    session: Session,
    *,
    metric: str = "potential_eur_month",
    max_moves: int = 30,
    as_of: dt.date | None = None,
    capacity_hours: float | None = None,
    actor: Actor,
) -> rebalance.Proposal:
    """Suggest whole-commune moves between adjacent territories to even ``metric``.

    Units are the shipped communes whose representative point a territory covers (the
    tie-break decides); each weighs the metric summed over the accounts inside it. Territories
    marked as overlays take no part (:func:`rebalance_effects.left_out`). Nothing is
    applied: the proposal lists moves, the before/after totals of every metric and the
    territories left out.
    """
    policy.require(actor, "assign")
    # a manager rebalances between their team's territories only (one scope rule)
    rows = [r for r in store.list_territories(session) if policy.in_scope(actor, r.rep_id)]
    return _proposal(
        session,
        rows,
        metric=metric,
        max_moves=max_moves,
        as_of=as_of,
        capacity_hours=capacity_hours,
    )


def field_hours(capacity_hours: float | None) -> float:
    """A rep's monthly field time: ``capacity_hours``, else the setting
    ``rep_field_hours_month`` (one default for the page, the API and the CLI)."""
    return capacity_hours if capacity_hours is not None else get_settings().rep_field_hours_month


def _proposal(
    session: Session,
    rows: Sequence[store.TerritoryRow],
    *,
    metric: str,
    max_moves: int = 30,
    as_of: dt.date | None = None,
    capacity_hours: float | None = None,
) -> rebalance.Proposal:
    units, pairs = _weighed(session, rows, metric=metric, as_of=as_of)
    left = rebalance_effects.left_out(
        {r.id: r.area_km2 for r in rows if r.geometry is not None},
        overlays={r.id for r in rows if r.overlay},
    )
    out = {o.territory_id for o in left}
    # The totals before the moves are the balance summary's (same territories, same
    # measure): what the communes do not carry (accounts outside their commune's territory,
    # not located, ...) is a fixed part of each territory's total that no move changes.
    summary = [r for r in _balance(session, rows, as_of=as_of).rows if r.territory_id not in out]
    before = {m: {r.territory_id: float(getattr(r, m)) for r in summary} for m in units}
    carried: dict[int, float] = {}
    for u in units[metric]:
        carried[u.territory_id] = carried.get(u.territory_id, 0.0) + u.weight
    fixed = {t: v - carried.get(t, 0.0) for t, v in before[metric].items()}
    proposal = rebalance_cpsat.propose_best(
        units[metric],
        pairs,
        territory_ids=sorted(fixed),
        metric=metric,
        max_moves=max_moves,
        fixed=fixed,
    )
    return rebalance_effects.explain(
        proposal, units, before, left=left, capacity_hours=field_hours(capacity_hours)
    )


def rebalance_input(
    session: Session,
    rows: Sequence[store.TerritoryRow],
    *,
    metric: str,
    as_of: dt.date | None = None,
) -> tuple[list[rebalance.Unit], list[tuple[str, str]]]:
    """The communes the territories hold, weighed by ``metric``, and their adjacent pairs
    (what both rebalancing methods take; ``bench/rebalance.py`` reads it too)."""
    units, pairs = _weighed(session, rows, metric=metric, as_of=as_of)
    return units[metric], pairs


def _weighed(
    session: Session,
    rows: Sequence[store.TerritoryRow],
    *,
    metric: str,
    as_of: dt.date | None,
) -> tuple[dict[str, list[rebalance.Unit]], list[tuple[str, str]]]:
    """:func:`rebalance_inputs` for a rebalancing on ``metric``: the one check that it is
    one of :data:`METRICS` (:class:`InvalidInput` naming it otherwise)."""
    if metric not in METRICS:
        raise InvalidInput("metric", "unknown metric", value=metric, allowed=", ".join(METRICS))
    return rebalance_inputs(session, rows, as_of=as_of)


def rebalance_inputs(
    session: Session,
    rows: Sequence[store.TerritoryRow],
    *,
    as_of: dt.date | None = None,
) -> tuple[dict[str, list[rebalance.Unit]], list[tuple[str, str]]]:
    """The communes the territories hold, weighed by each of :data:`EFFECT_METRICS`, and
    their adjacent pairs. A commune's workload is measured from the base of its territory's
    rep, and from each neighbouring territory's (``Unit.weight_in``): the same accounts cost
    a rep who lives farther away more driving."""
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
    bases = {i.id: balance.base_of(i) for i in _infos(session, rows)}
    kept_codes = {codes[i] for i in kept}
    pairs = [(a, b) for a, b in _commune_pairs() if a in kept_codes and b in kept_codes]
    index = {c: i for i, c in enumerate(codes)}
    # the territories a commune may end in: its own and its neighbours'
    holders: dict[int, set[int]] = {i: {int(owner[i])} for i in kept}
    for a, b in pairs:
        holders[index[a]].add(int(owner[index[b]]))
        holders[index[b]].add(int(owner[index[a]]))
    sums = {m: np.zeros(len(codes)) for m in ("accounts", "potential_eur_month", "revenue_12m")}
    hours: dict[int, dict[int, float]] = {i: dict.fromkeys(holders[i], 0.0) for i in kept}
    for p, c in zip(located, where.tolist(), strict=True):
        if c == NONE:
            continue
        sums["accounts"][c] += 1
        sums["potential_eur_month"][c] += p.potential_eur_month
        sums["revenue_12m"][c] += p.revenue_12m
        fact = _facts([p])[0]
        for t in hours[c]:
            hours[c][t] += balance.visit_hours(fact, bases[t])

    def unit(i: int, metric: str) -> rebalance.Unit:
        own = int(owner[i])
        weight = hours[i][own] if metric == "workload_hours_month" else float(sums[metric][i])
        elsewhere = (
            {t: h for t, h in hours[i].items() if t != own}
            if metric == "workload_hours_month"
            else {}
        )
        return rebalance.Unit(
            codes[i],
            own,
            weight,
            bounds.commune_names.get(codes[i], ""),
            int(sums["accounts"][i]),
            elsewhere,
        )

    return {m: [unit(i, m) for i in kept] for m in EFFECT_METRICS}, pairs


@dataclass(frozen=True)
class TerritoryOverview:
    """The territories screen: territories, balance, overlaps, gaps, optional proposal."""

    rows: list[store.TerritoryRow]
    balance: BalanceReport | None
    overlaps: list[coverage.Overlap]
    gaps: tuple[int, list[store.QueueItem]]
    proposal: rebalance.Proposal | None
    coverage: store.Coverage | None = None


def overview(
    session: Session,
    *,
    actor: Actor,
    metric: str = "",
    gap_limit: int = 20,
    as_of: dt.date | None = None,
    capacity_hours: float | None = None,
) -> TerritoryOverview:
    """Everything the territories screen shows, from one reading of the territories.

    ``metric`` (one of :data:`METRICS`) asks for a rebalancing proposal on that metric;
    ``capacity_hours`` (setting ``rep_field_hours_month``) flags overloaded territories.
    """
    policy.require(actor, "assign")
    rows = store.list_territories(session)
    report = gap_report(session, limit=gap_limit, actor=actor)
    return TerritoryOverview(
        rows=rows,
        balance=_balance(session, rows, as_of=as_of, capacity_hours=capacity_hours)
        if rows
        else None,
        overlaps=coverage.overlaps(_shapes(rows)),
        gaps=report.gaps,
        proposal=_proposal(session, rows, metric=metric, as_of=as_of, capacity_hours=capacity_hours)
        if metric and rows
        else None,
        coverage=report.coverage,
    )


@dataclass(frozen=True)
class AppliedRebalance:
    """Moves turned into new outlines, the territories redrawn, and the run that did it."""

    moves: tuple[rebalance.Move, ...]
    territory_ids: tuple[int, ...]
    run_id: int | None = None
    accounts: int = 0


def _refuse_cuts(
    session: Session,
    moves: Sequence[rebalance.Move],
    *,
    as_of: dt.date | None,
    actor: Actor,
) -> None:
    """Part of a proposal must not cut a territory either (the whole one never does:
    :mod:`fieldcrm.territories.contiguity`): Roquebrune-Cap-Martin handed over without Gorbio
    would cut Gorbio off. :class:`InvalidInput` on ``codes`` names the territories cut."""
    rows = [r for r in store.list_territories(session) if policy.in_scope(actor, r.rep_id)]
    units, pairs = rebalance_inputs(session, rows, as_of=as_of)
    owner = {u.code: u.territory_id for u in units["accounts"]}
    final = {**owner, **{m.code: m.to_id for m in moves}}
    neighbours: dict[str, set[str]] = {}
    for a, b in pairs:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    cut = contiguity.broken(owner, final, neighbours)
    if cut:
        names = {r.id: r.name for r in rows}
        raise InvalidInput(
            "codes",
            "these moves without the rest of the proposal would cut a territory into pieces",
            value=", ".join(names.get(t, str(t)) for t in cut),
        )


def apply_rebalance(
    session: Session,
    *,
    metric: str = "potential_eur_month",
    max_moves: int = 30,
    codes: Sequence[str] | None = None,
    as_of: dt.date | None = None,
    actor: Actor,
) -> AppliedRebalance:
    """Apply the proposal's moves (all, or those whose commune code is in ``codes``), as one
    run of the assignment history (undoable while it is the latest).

    The proposal is recomputed with the same options (it is deterministic); a code it no
    longer proposes means the data changed since the manager read it: :class:`Conflict`,
    nothing written; a part of the proposal that would cut a territory into pieces:
    :class:`InvalidInput`. Each giver loses the commune's outline and each receiver gains it; the
    accounts leaving or joining the redrawn territories follow at once (locked ones stay).
    """
    policy.require(actor, "territory.edit")
    proposal = rebalance_proposal(
        session, metric=metric, max_moves=max_moves, as_of=as_of, actor=actor
    )
    wanted = set(codes) if codes is not None else None
    if wanted is not None:
        unknown = sorted(wanted - {m.code for m in proposal.moves})
        if unknown:
            raise Conflict(
                "La proposition de rééquilibrage a changé depuis son affichage "
                f"(communes {', '.join(unknown)}) : relisez-la avant d’appliquer."
            )
    moves = tuple(m for m in proposal.moves if wanted is None or m.code in wanted)
    if not moves:
        return AppliedRebalance((), ())
    if len(moves) < len(proposal.moves):
        _refuse_cuts(session, moves, as_of=as_of, actor=actor)
    rows = store.list_territories(session)
    current = {r.id: r.geometry for r in rows if r.geometry is not None}
    names = {r.id: r.name for r in rows}
    new = rebalance.apply_moves(current, moves, boundaries().communes)
    touched = sorted(new)
    who = author_id(actor)
    reason = f"rééquilibrage ({len(moves)} communes)"
    assignment_store.lock_assignments(session)
    run_id = runs_store.create_run(
        session,
        kind="rebalance",
        actor_id=who,
        reason=reason,
        details={
            "metric": metric,
            "moves": [
                {**dataclasses.asdict(m), "from_name": names[m.from_id], "to_name": names[m.to_id]}
                for m in moves
            ],
        },
    )
    runs_store.keep_shapes_before(session, run_id, touched)
    for tid in touched:  # an editor holding an older version gets a 409, not a silent overwrite
        versions.claim(session, "territories", tid, expected=None, actor_id=who)
        store.update_territory(
            session, tid, geometry=shapes.as_multipolygon(new[tid]), source="rééquilibrage"
        )
    runs_store.keep_shapes_after(session, run_id)
    assignment_store.assign_all(
        session,
        actor_id=who,
        reason=reason,
        run_id=run_id,
        scope=assignment_store.Scope(territory_ids=tuple(touched)),
    )
    accounts = runs_store.finish_run(session, run_id)
    audit.record(
        session,
        actor_id=who,
        action="territory.rebalance",
        entity="assignment_run",
        entity_id=run_id,
        changes={
            "metric": metric,
            "communes": [f"{m.code} {m.from_id}→{m.to_id}" for m in moves],
            "accounts": accounts,
        },
    )
    if accounts:
        job_store.defer_rules(session)
    session.commit()
    return AppliedRebalance(moves, tuple(touched), run_id, accounts)
