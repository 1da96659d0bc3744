"""Territories as GeoJSON: list, create (drawn or from administrative units), update, delete,
import, and the reports (overlaps, gaps, balance, rebalancing proposal)."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field, WithJsonSchema

from fieldcrm.api.deps import CurrentUser, IfMatch, SessionDep, etag
from fieldcrm.api.schemas.territories import (
    BalanceOut,
    ExportCollection,
    OverlapOut,
    QueuePage,
    RebalanceApplied,
    RebalanceOut,
    RepairedTerritory,
    TerritoryCollection,
    TerritoryFeature,
    TerritoryImport,
)
from fieldcrm.errors import InvalidInput
from fieldcrm.http.deps import WorkDate, allowed_to
from fieldcrm.services import territories as svc
from fieldcrm.store.territories import TerritoryRow
from fieldcrm.territories import priority, shapes

router = APIRouter(prefix="/territories", tags=["territories"])

INT32 = 2_147_483_647
TerritoryId = Annotated[int, Path(ge=1, le=INT32)]
UserId = Annotated[int, Field(ge=1, le=INT32)]
# any JSON value: the service's one rule (fieldcrm.territories.priority) answers a 422 naming
# the field and its range, for a fraction or a huge number too; the schema shows the range
Priority = Annotated[
    Any,
    WithJsonSchema({"type": "integer", "minimum": priority.LOWEST, "maximum": priority.HIGHEST}),
    Field(description="Wins where territories overlap (the highest)"),
]
OVERLAY_HELP = (
    "Laid over the local territories (national key accounts): a rebalancing leaves it out"
)


class TerritoryIn(BaseModel):
    """A new territory: a drawn GeoJSON geometry, or administrative unit codes."""

    name: str = Field(min_length=1, max_length=200)
    geometry: dict[str, Any] | None = None
    communes: list[str] = Field(default_factory=list, description="Codes INSEE")
    postcodes: list[str] = Field(default_factory=list)
    departements: list[str] = Field(default_factory=list)
    rep_id: UserId | None = None
    priority: Priority = 0
    color: str | None = Field(default=None, max_length=20)
    overlay: bool = Field(default=False, description=OVERLAY_HELP)


class TerritoryPatch(BaseModel):
    """Fields to change (absent fields are kept; ``rep_id: null`` removes the rep)."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    geometry: dict[str, Any] | None = None
    rep_id: UserId | None = None
    priority: Priority | None = None
    color: str | None = Field(default=None, max_length=20)
    overlay: bool | None = Field(default=None, description=OVERLAY_HELP)


def _properties(row: TerritoryRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "rep_id": row.rep_id,
        "rep_name": row.rep_name,
        "priority": row.priority,
        "color": row.color,
        "overlay": row.overlay,
        "source": row.source,
        "area_km2": round(row.area_km2, 3),
        "accounts": row.accounts,
    }


def _feature(row: TerritoryRow) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": row.id,
        "properties": _properties(row),
        "geometry": shapes.to_geojson(row.geometry) if row.geometry is not None else None,
    }


@router.get("", response_model=TerritoryCollection)
def list_territories(session: SessionDep, actor: CurrentUser) -> dict[str, Any]:
    """Every territory as a GeoJSON FeatureCollection."""
    rows = svc.list_territories(session, actor=actor)
    return {"type": "FeatureCollection", "features": [_feature(r) for r in rows]}


@router.post(
    "",
    status_code=201,
    response_model=RepairedTerritory,
    dependencies=[allowed_to("territory.edit")],
)
def create_territory(body: TerritoryIn, session: SessionDep, actor: CurrentUser) -> dict[str, Any]:
    """Create from ``geometry`` (validated, repaired when the intent is clear) or from codes."""
    units = bool(body.communes or body.postcodes or body.departements)
    if (body.geometry is None) == (not units):
        raise InvalidInput(
            "geometry",
            "give either a geometry or administrative unit codes, not both nor neither",
        )
    repairs: tuple[str, ...] = ()
    if body.geometry is not None:
        new_id, repairs = svc.create_territory(
            session,
            name=body.name,
            geometry=body.geometry,
            rep_id=body.rep_id,
            priority=body.priority,
            color=body.color,
            overlay=body.overlay,
            actor=actor,
        )
    else:
        new_id = svc.build_territory(
            session,
            communes=body.communes,
            postcodes=body.postcodes,
            departements=body.departements,
            name=body.name,
            rep_id=body.rep_id,
            priority=body.priority,
            color=body.color,
            overlay=body.overlay,
            actor=actor,
        )
    feature = _feature(svc.get_territory(session, new_id, actor=actor))
    return {**feature, "repairs": list(repairs)}


@router.post("/import", response_model=TerritoryImport)
def import_geojson(
    document: dict[str, Any], session: SessionDep, actor: CurrentUser
) -> dict[str, Any]:
    """Create or update (by name) one territory per feature; all or nothing."""
    result = svc.import_geojson(session, document, actor=actor)
    return {
        "created": result.created,
        "updated": result.updated,
        "repairs": {k: list(v) for k, v in result.repairs.items()},
    }


@router.get("/overlaps", response_model=list[OverlapOut])
def overlaps(session: SessionDep, actor: CurrentUser) -> list[dict[str, Any]]:
    """Pairs of overlapping territories, the shared area and the winner of its accounts."""
    return [
        {
            "first_id": o.first_id,
            "second_id": o.second_id,
            "area_m2": round(o.area_m2, 1),
            "winner_id": o.winner_id,
            "geometry": shapes.to_geojson(o.geometry),
        }
        for o in svc.overlaps(session, actor=actor)
    ]


@router.get("/gaps", response_model=QueuePage)
def gaps(
    session: SessionDep, actor: CurrentUser, limit: int = Query(500, ge=1, le=5000)
) -> dict[str, Any]:
    """Located accounts in no territory (total, and the first ``limit``)."""
    total, items = svc.gaps(session, limit=limit, actor=actor)
    return {"total": total, "items": [dataclasses.asdict(i) for i in items]}


@router.get("/balance", response_model=BalanceOut)
def balance(
    session: SessionDep, actor: CurrentUser, as_of: WorkDate | None = None
) -> dict[str, Any]:
    """Metrics per territory and the spread of each metric."""
    report = svc.balance_report(session, as_of=as_of, actor=actor)
    return {
        "rows": [dataclasses.asdict(r) for r in report.rows],
        "spreads": [dataclasses.asdict(s) for s in report.spreads],
    }


@router.get("/rebalance", response_model=RebalanceOut)
def rebalance(
    session: SessionDep,
    actor: CurrentUser,
    metric: str = "potential_eur_month",
    max_moves: int = Query(30, ge=0, le=500),
    as_of: WorkDate | None = None,
) -> dict[str, Any]:
    """A proposal of whole-commune moves with before/after totals; nothing is applied."""
    p = svc.rebalance_proposal(
        session, metric=metric, max_moves=max_moves, as_of=as_of, actor=actor
    )
    return {
        "metric": p.metric,
        "moves": [dataclasses.asdict(m) for m in p.moves],
        "before": {str(k): v for k, v in p.before.items()},
        "after": {str(k): v for k, v in p.after.items()},
        "spread_before": dataclasses.asdict(p.spread_before),
        "spread_after": dataclasses.asdict(p.spread_after),
        "effects": [
            {
                **dataclasses.asdict(e),
                "before": {str(k): v for k, v in e.before.items()},
                "after": {str(k): v for k, v in e.after.items()},
                "overloaded": list(e.overloaded),
                "pushed_over": list(e.pushed_over),
            }
            for e in p.effects
        ],
        "left_out": [dataclasses.asdict(o) for o in p.left_out],
        "applied": False,
    }


class RebalanceApply(BaseModel):
    """Which proposal to apply (same options as ``GET /rebalance``), optionally some moves."""

    metric: str = "potential_eur_month"
    max_moves: int = Field(default=30, ge=0, le=500)
    as_of: WorkDate | None = None
    codes: list[str] | None = Field(default=None, description="Communes to move (default all)")


@router.post("/rebalance/apply", response_model=RebalanceApplied)
def apply_rebalance(
    body: RebalanceApply, session: SessionDep, actor: CurrentUser
) -> dict[str, Any]:
    """Redraw the territories by the proposal's moves; their accounts follow at once, as one
    run of the assignment history (undoable: ``POST /assignment/runs/{id}/undo``)."""
    done = svc.apply_rebalance(
        session,
        metric=body.metric,
        max_moves=body.max_moves,
        codes=body.codes,
        as_of=body.as_of,
        actor=actor,
    )
    return {
        "moves": [dataclasses.asdict(m) for m in done.moves],
        "territory_ids": list(done.territory_ids),
    }


@router.get("/export", response_model=ExportCollection)
def export(session: SessionDep, actor: CurrentUser) -> dict[str, Any]:
    """Every territory as a re-importable GeoJSON FeatureCollection."""
    return svc.export_geojson(session, actor=actor)


@router.get("/{territory_id}", response_model=TerritoryFeature)
def get_territory(
    territory_id: TerritoryId, session: SessionDep, actor: CurrentUser, response: Response
) -> dict[str, Any]:
    """One territory as a GeoJSON Feature; its ``ETag`` is its version (``If-Match`` to edit)."""
    feature = _feature(svc.get_territory(session, territory_id, actor=actor))
    response.headers["ETag"] = etag(svc.territory_version(session, territory_id, actor=actor))
    return feature


@router.patch("/{territory_id}", response_model=RepairedTerritory)
def update_territory(
    territory_id: TerritoryId,
    body: TerritoryPatch,
    session: SessionDep,
    actor: CurrentUser,
    response: Response,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    """Change fields and/or the geometry; answers the territory and the repairs made.

    Send the ``ETag`` read as ``If-Match``: a territory changed since answers 409 in French
    and nothing is saved; without ``If-Match`` the answer is 428 (``*`` skips the check); a
    manager edits only their team's territories (403 otherwise)."""
    changes = body.model_dump(exclude_unset=True, exclude={"geometry"})
    repairs = svc.update_territory(
        session,
        territory_id,
        geometry=body.geometry,
        actor=actor,
        expected_version=if_match,
        **changes,
    )
    response.headers["ETag"] = etag(svc.territory_version(session, territory_id, actor=actor))
    feature = _feature(svc.get_territory(session, territory_id, actor=actor))
    return {**feature, "repairs": list(repairs)}


@router.delete("/{territory_id}", status_code=204)
def delete_territory(
    territory_id: TerritoryId,
    session: SessionDep,
    actor: CurrentUser,
    if_match: IfMatch = None,
) -> Response:
    """Delete a territory: its accounts go to whichever other territory covers them, to nobody
    when none does; locked or "à vérifier" ones keep their rep (one run of the history).
    ``If-Match`` as for a PATCH: 409 if it changed since it was read, 428 without."""
    svc.delete_territory(session, territory_id, actor=actor, expected_version=if_match)
    return Response(status_code=204)
