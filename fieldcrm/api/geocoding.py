"""Geocoding: place an account by hand (a pin dragged on the map, locked against
re-geocoding), release it, reverse-geocode a point for check-ins, run geocoding batches (now,
or queued for a worker)."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from fieldcrm.api.deps import CurrentUser, SessionDep, SettingsDep
from fieldcrm.api.jobs import JobOut, job_out
from fieldcrm.api.schemas.errors import responses
from fieldcrm.api.schemas.geocoding import (
    GeocodeSummaryOut,
    LocatedAccount,
    ReverseAnswer,
    ReviewPage,
    Unlocked,
)
from fieldcrm.geo import GeoPoint
from fieldcrm.geocoding.chain import GeocoderChain
from fieldcrm.services import geocoding as svc
from fieldcrm.services import geocoding_jobs, jobs

router = APIRouter(prefix="/geocoding", tags=["geocoding"])


def get_chain(settings: SettingsDep) -> GeocoderChain:
    """The provider chain of the settings (overridden in tests)."""
    return svc.chain_from_settings(settings)


ChainDep = Annotated[GeocoderChain, Depends(get_chain)]


class Point(BaseModel):
    """A WGS84 point (checked again by ``GeoPoint``: range and finiteness)."""

    lon: float
    lat: float


class Pin(Point):
    """A manual location; ``lock`` keeps it out of later geocoding runs."""

    lock: bool = True


class ReversePoint(Point):
    """Point to describe; ``offline`` answers the commune only, without asking a provider."""

    offline: bool = False


class Run(BaseModel):
    """A geocoding run: pending accounts, or a selection; offline uses the gazetteer only."""

    account_ids: list[int] = Field(default_factory=list, max_length=5000)
    retry_failed: bool = False
    offline: bool = False
    refresh: bool = False
    batch_size: int = Field(default=200, ge=1, le=5000)
    max_batches: int | None = Field(default=None, ge=1)


@router.put("/accounts/{account_id}/location", response_model=LocatedAccount)
def set_location(
    account_id: int, body: Pin, session: SessionDep, actor: CurrentUser
) -> dict[str, Any]:
    """Set an account's point by hand; it is locked against re-geocoding."""
    located = svc.set_location(
        session,
        actor=actor,
        account_id=account_id,
        point=GeoPoint(body.lon, body.lat),
        lock=body.lock,
    )
    return dataclasses.asdict(located)


@router.post("/accounts/{account_id}/candidates/{index}", response_model=LocatedAccount)
def choose_candidate(
    account_id: int, index: int, session: SessionDep, actor: CurrentUser
) -> dict[str, Any]:
    """Place a doubtful account in its candidate ``index`` (0 first, as the review lists them):
    at its address there when the BAN of that commune is loaded, else at the commune's centre;
    confirmed like a pin placed by hand."""
    located = svc.choose_candidate(session, actor=actor, account_id=account_id, index=index)
    return dataclasses.asdict(located)


@router.delete("/accounts/{account_id}/lock", response_model=Unlocked)
def unlock(account_id: int, session: SessionDep, actor: CurrentUser) -> dict[str, Any]:
    """Release a manual pin: the account is geocoded again by the next run."""
    svc.unlock_location(session, actor=actor, account_id=account_id)
    return {"id": account_id, "locked": False, "status": "pending"}


@router.get("/review", response_model=ReviewPage)
def review(
    session: SessionDep,
    actor: CurrentUser,
    status: Annotated[list[str] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """Accounts flagged "to_review" or "failed" with their reason, lowest score first."""
    items, total = svc.review_queue(
        session,
        actor=actor,
        statuses=status or svc.REVIEW_STATUSES,
        limit=limit,
        offset=offset,
    )
    return {"total": total, "items": [dataclasses.asdict(i) for i in items]}


@router.post("/reverse", response_model=ReverseAnswer, responses=responses(502))
def reverse(body: ReversePoint, actor: CurrentUser, chain: ChainDep) -> dict[str, Any]:
    """Nearest commune (always, offline) and nearest address (online provider) of a point."""
    answer = svc.reverse(GeoPoint(body.lon, body.lat), chain=chain, offline=body.offline)
    return dataclasses.asdict(answer)


@router.post("/run", response_model=GeocodeSummaryOut, responses=responses(502))
def run(body: Run, session: SessionDep, actor: CurrentUser, chain: ChainDep) -> dict[str, Any]:
    """Geocode pending accounts (or ``account_ids``) in committed batches; the summary.
    For more than a few batches prefer ``POST /geocoding/run/jobs``."""
    if body.offline:
        chain = GeocoderChain(
            [p for p in chain.providers if p.name == "offline"], threshold=chain.threshold
        )
    summary = svc.geocode_accounts(
        session,
        actor=actor,
        chain=chain,
        batch_size=body.batch_size,
        account_ids=body.account_ids or None,
        retry_failed=body.retry_failed,
        refresh=body.refresh,
        max_batches=body.max_batches,
    )
    return summary.as_dict(down=chain.down)


@router.post("/run/jobs", status_code=202)
def queue_run(body: Run, session: SessionDep, actor: CurrentUser) -> JobOut:
    """Queue the run for a worker and answer at once; follow it at ``GET /jobs/{id}`` (its
    ``done``/``total`` count accounts, its ``result`` is the summary ``POST /run`` answers)."""
    job_id = geocoding_jobs.start_geocoding(
        session,
        actor=actor,
        offline=body.offline,
        account_ids=body.account_ids,
        retry_failed=body.retry_failed,
        refresh=body.refresh,
        batch_size=body.batch_size,
        max_batches=body.max_batches,
    )
    return job_out(jobs.job_view(session, job_id, actor=actor))
