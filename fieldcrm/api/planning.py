"""Planning: compute a rep's day or trip plan, read stored plans, accept or reject proposals."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from fieldcrm.api.deps import CurrentUser, SessionDep, SettingsDep
from fieldcrm.api.jobs import JobOut, job_out
from fieldcrm.api.schemas.planning import DecisionOut, PlanOut
from fieldcrm.errors import InvalidInput, NotFound
from fieldcrm.geo import GeoPoint
from fieldcrm.http.deps import WorkDate, allowed_to
from fieldcrm.services import jobs, planning_jobs
from fieldcrm.services import planning as svc

router = APIRouter(prefix="/planning", tags=["planning"])
SYNC_TIME_LIMIT_S = 30.0
"""The longest search a request that waits for its plan may ask for; longer trips are
queued (``POST /planning/trip/jobs``, up to :data:`planning_jobs.MAX_TIME_LIMIT_S`)."""
MAX_TRIP_DAYS = 15


class DayBody(BaseModel):
    """Plan a day: the rep (the caller by default) and the date."""

    day: WorkDate
    rep_id: int | None = None
    time_limit_s: float | None = Field(default=None, gt=0, le=SYNC_TIME_LIMIT_S)


class Place(BaseModel):
    """A WGS84 point."""

    lon: float
    lat: float


class TripBody(BaseModel):
    """Plan a trip of several days, with an optional preferred hotel."""

    start_day: WorkDate
    end_day: WorkDate
    rep_id: int | None = None
    hotel: Place | None = None
    anchor_appointment_id: int | None = None
    time_limit_s: float | None = Field(default=None, gt=0, le=SYNC_TIME_LIMIT_S)


class TripJobBody(TripBody):
    """A trip to plan in the background: the same fields, with a longer search allowed."""

    time_limit_s: float | None = Field(default=None, gt=0, le=planning_jobs.MAX_TIME_LIMIT_S)


class DecisionBody(BaseModel):
    """Accept (book the slot, or ``start`` inside it) or reject a proposal."""

    accept: bool
    start: dt.datetime | None = None


@router.get("/plans", response_model=list[PlanOut])
def list_plans(
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    rep_id: int | None = None,
    day: WorkDate | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[dict[str, Any]]:
    """The rep's latest stored plans (the caller's own by default), newest first; each open
    proposal with what it can be booked at now."""
    rows = svc.list_plans(session, actor=actor, rep_id=rep_id or actor.id, day=day, limit=limit)
    return [svc.live_plan_json(session, p, settings=settings) for p in rows]


@router.get("/plans/{plan_id}", response_model=PlanOut)
def get_plan(
    plan_id: int, session: SessionDep, actor: CurrentUser, settings: SettingsDep
) -> dict[str, Any]:
    """One stored plan with its proposals (each open one with what it can be booked at now)."""
    plan = svc.get_plan(session, actor=actor, plan_id=plan_id)
    return svc.live_plan_json(session, plan, settings=settings)


@router.get("/day/{day}", response_model=PlanOut)
def latest_day_plan(
    day: WorkDate,
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    rep_id: int | None = None,
) -> dict[str, Any]:
    """The latest stored plan covering ``day`` for the rep (404 if none was computed); each
    open proposal with what it can be booked at now."""
    rep = rep_id or actor.id
    rows = svc.list_plans(session, actor=actor, rep_id=rep, day=day, limit=1)
    if not rows:
        raise NotFound("plan", f"rep {rep} on {day.isoformat()}")
    return svc.live_plan_json(session, rows[0], settings=settings)


@router.post(
    "/proposals/{proposal_id}/decision",
    response_model=DecisionOut,
    dependencies=[allowed_to("plan")],
)
def decide(
    proposal_id: int, body: DecisionBody, session: SessionDep, actor: CurrentUser
) -> dict[str, Any]:
    """Accept or reject a proposal; accepting books an appointment at its slot."""
    decision = svc.decide_proposal(
        session, actor=actor, proposal_id=proposal_id, accept=body.accept, start=body.start
    )
    return decision.to_json()


@router.post("/day", response_model=PlanOut, dependencies=[allowed_to("plan")])
def plan_day(
    body: DayBody, session: SessionDep, actor: CurrentUser, settings: SettingsDep
) -> dict[str, Any]:
    """Plan the rep's day around the fixed appointments; the plan is stored and returned."""
    plan = svc.plan_day(
        session,
        actor=actor,
        rep_id=body.rep_id or actor.id,
        day=body.day,
        time_limit_s=body.time_limit_s,
        settings=settings,
    )
    return svc.plan_json(plan)


class PickedBody(BaseModel):
    """A day through accounts the rep picked: from ``start`` (the phone's position) or home."""

    day: WorkDate
    account_ids: list[int] = Field(min_length=1, max_length=svc.MAX_PICKED)
    rep_id: int | None = None
    start: Place | None = None
    time_limit_s: float | None = Field(default=None, gt=0, le=SYNC_TIME_LIMIT_S)


@router.post("/picked", response_model=PlanOut, dependencies=[allowed_to("plan")])
def plan_picked(
    body: PickedBody, session: SessionDep, actor: CurrentUser, settings: SettingsDep
) -> dict[str, Any]:
    """Plan the best day visiting every picked account around the day's appointments (each
    with its bookable slot); stored as the day's plan and returned."""
    plan = svc.plan_picked(
        session,
        actor=actor,
        rep_id=body.rep_id or actor.id,
        day=body.day,
        account_ids=body.account_ids,
        start=GeoPoint(body.start.lon, body.start.lat) if body.start else None,
        time_limit_s=body.time_limit_s,
        settings=settings,
    )
    return svc.plan_json(plan)


def _check_length(body: TripBody) -> None:
    if (body.end_day - body.start_day).days >= MAX_TRIP_DAYS:
        raise InvalidInput(
            "end_day",
            f"a trip lasts at most {MAX_TRIP_DAYS} days",
            value=body.end_day.isoformat(),
        )


@router.post("/trip", response_model=PlanOut, dependencies=[allowed_to("plan")])
def plan_trip(
    body: TripBody, session: SessionDep, actor: CurrentUser, settings: SettingsDep
) -> dict[str, Any]:
    """Plan a trip of several days with the overnight decision; stored and returned.
    The request waits for the plan (``time_limit_s`` at most 30 s): for longer searches
    prefer ``POST /planning/trip/jobs``."""
    _check_length(body)
    plan = svc.plan_trip(
        session,
        actor=actor,
        rep_id=body.rep_id or actor.id,
        start_day=body.start_day,
        end_day=body.end_day,
        hotel=GeoPoint(body.hotel.lon, body.hotel.lat) if body.hotel else None,
        anchor_appointment_id=body.anchor_appointment_id,
        time_limit_s=body.time_limit_s,
        settings=settings,
    )
    return svc.plan_json(plan)


@router.post("/trip/jobs", status_code=202, dependencies=[allowed_to("plan")])
def queue_trip(body: TripJobBody, session: SessionDep, actor: CurrentUser) -> JobOut:
    """Queue the trip for a worker and answer at once (rights, dates and the rep checked);
    follow it at ``GET /jobs/{id}``: its ``result.plan_id`` is the stored plan
    (``GET /planning/plans/{id}``), its ``error`` the reason a refused trip failed."""
    _check_length(body)
    job_id = planning_jobs.start_trip_planning(
        session,
        actor=actor,
        rep_id=body.rep_id or actor.id,
        start_day=body.start_day,
        end_day=body.end_day,
        hotel=GeoPoint(body.hotel.lon, body.hotel.lat) if body.hotel else None,
        anchor_appointment_id=body.anchor_appointment_id,
        time_limit_s=body.time_limit_s,
    )
    return job_out(jobs.job_view(session, job_id, actor=actor))
