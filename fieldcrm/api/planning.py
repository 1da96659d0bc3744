"""Planning: compute a rep's day or trip plan, read stored plans, accept or reject proposals."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from fieldcrm.api.deps import CurrentUser, SessionDep
from fieldcrm.errors import NotFound
from fieldcrm.services import planning as svc

router = APIRouter(prefix="/planning", tags=["planning"])


class DecisionBody(BaseModel):
    """Accept (book the slot, or ``start`` inside it) or reject a proposal."""

    accept: bool
    start: dt.datetime | None = None


@router.get("/plans")
def list_plans(
    session: SessionDep,
    actor: CurrentUser,
    rep_id: int | None = None,
    day: dt.date | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[dict[str, Any]]:
    """The rep's latest stored plans (the caller's own by default), newest first."""
    rows = svc.list_plans(session, actor=actor, rep_id=rep_id or actor.id, day=day, limit=limit)
    return [svc.plan_json(p) for p in rows]


@router.get("/plans/{plan_id}")
def get_plan(plan_id: int, session: SessionDep, actor: CurrentUser) -> dict[str, Any]:
    """One stored plan with its proposals."""
    return svc.plan_json(svc.get_plan(session, actor=actor, plan_id=plan_id))


@router.get("/day/{day}")
def latest_day_plan(
    day: dt.date, session: SessionDep, actor: CurrentUser, rep_id: int | None = None
) -> dict[str, Any]:
    """The latest stored plan covering ``day`` for the rep (404 if none was computed)."""
    rep = rep_id or actor.id
    rows = svc.list_plans(session, actor=actor, rep_id=rep, day=day, limit=1)
    if not rows:
        raise NotFound("plan", f"rep {rep} on {day.isoformat()}")
    return svc.plan_json(rows[0])


@router.post("/proposals/{proposal_id}/decision")
def decide(
    proposal_id: int, body: DecisionBody, session: SessionDep, actor: CurrentUser
) -> dict[str, Any]:
    """Accept or reject a proposal; accepting books an appointment at its slot."""
    decision = svc.decide_proposal(
        session, actor=actor, proposal_id=proposal_id, accept=body.accept, start=body.start
    )
    return decision.to_json()
