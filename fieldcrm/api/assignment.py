"""Assignment: preview and apply the automatic assignment, dispatcher overrides (manual
assignment, lock, unlock), the queue of accounts without an owner, the history."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from fieldcrm.api.deps import CurrentUser, SessionDep
from fieldcrm.api.jobs import JobOut, job_out
from fieldcrm.api.schemas.territories import AssignmentDiffOut, Changed, HistoryRow, QueuePage
from fieldcrm.http.deps import allowed_to
from fieldcrm.services import assignment as svc
from fieldcrm.services import jobs
from fieldcrm.store.assignment import MovesPage

router = APIRouter(prefix="/assignment", tags=["assignment"])

INT32 = 2_147_483_647
Id = Annotated[int, Field(ge=1, le=INT32)]


class Apply(BaseModel):
    """Why the assignment runs (kept in the history)."""

    reason: str = Field(default="affectation automatique", min_length=1, max_length=200)
    expected: str | None = Field(
        default=None,
        min_length=32,
        max_length=32,
        description="Fingerprint of the preview confirmed (GET /preview/accounts); 409 if stale",
    )


class ApplyJob(BaseModel):
    """The automatic assignment to queue: the preview confirmed, and why."""

    reason: str = Field(default="affectation automatique", min_length=1, max_length=200)
    expected: str = Field(
        min_length=32,
        max_length=32,
        description="Fingerprint of the preview confirmed (GET /preview/accounts); 409 if stale",
    )


class Manual(BaseModel):
    """Give accounts to a rep by hand (locked against the automatic assignment by default)."""

    account_ids: list[Id] = Field(min_length=1, max_length=10_000)
    rep_id: Id | None
    lock: bool = True
    reason: str = Field(default="affectation manuelle", min_length=1, max_length=200)


class Lock(BaseModel):
    """Lock or unlock accounts against the automatic assignment."""

    account_ids: list[Id] = Field(min_length=1, max_length=10_000)
    locked: bool = True


def _diff(diff: svc.AssignmentDiff) -> dict[str, Any]:
    return {
        "applied": diff.applied,
        "total": diff.total,
        "moves": [dataclasses.asdict(m) for m in diff.moves],
    }


@router.get("/preview", response_model=AssignmentDiffOut)
def preview(session: SessionDep, actor: CurrentUser) -> dict[str, Any]:
    """How many accounts would move from which rep/territory to which; nothing is written."""
    return _diff(svc.preview_assignment(session, actor=actor))


@router.post("/apply", response_model=AssignmentDiffOut)
def apply(body: Apply, session: SessionDep, actor: CurrentUser) -> dict[str, Any]:
    """Assign every unlocked located account to its territory's rep (one statement)."""
    return _diff(svc.assign_all(session, actor=actor, reason=body.reason, expected=body.expected))


@router.post("/apply/jobs", status_code=202, dependencies=[allowed_to("assign")])
def queue_apply(body: ApplyJob, session: SessionDep, actor: CurrentUser) -> JobOut:
    """Queue the confirmed automatic assignment for a worker and answer at once; follow it at
    ``GET /jobs/{id}``, whose ``result`` is ``{"run_id", "accounts"}``. A stale preview (409)
    or missing rights are refused at once, nothing queued; both are checked again when the
    job runs (stale then: the job fails, nothing moves)."""
    job_id = svc.start_assign_all(session, actor=actor, expected=body.expected, reason=body.reason)
    return job_out(jobs.job_view(session, job_id, actor=actor))


@router.post("/manual", response_model=Changed, dependencies=[allowed_to("assign")])
def manual(body: Manual, session: SessionDep, actor: CurrentUser) -> dict[str, int]:
    """A dispatcher's override; answers how many accounts changed owner."""
    changed = svc.manual_assign(
        session,
        body.account_ids,
        rep_id=body.rep_id,
        lock=body.lock,
        reason=body.reason,
        actor=actor,
    )
    return {"changed": changed}


@router.post("/lock", response_model=Changed, dependencies=[allowed_to("assign")])
def lock(body: Lock, session: SessionDep, actor: CurrentUser) -> dict[str, int]:
    """Lock (``locked: true``) or unlock accounts; answers how many changed."""
    return {"changed": svc.set_lock(session, body.account_ids, locked=body.locked, actor=actor)}


@router.get("/queue", response_model=QueuePage)
def queue(
    session: SessionDep,
    actor: CurrentUser,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=INT32),
) -> dict[str, Any]:
    """Accounts without an owner, best priority first, each with the reason."""
    total, items = svc.unassigned_queue(session, limit=limit, offset=offset, actor=actor)
    return {"total": total, "items": [dataclasses.asdict(i) for i in items]}


@router.get("/history", response_model=list[HistoryRow])
def history(
    session: SessionDep,
    actor: CurrentUser,
    account_id: int | None = Query(None, ge=1, le=INT32),
    limit: int = Query(100, ge=1, le=1000),
) -> list[dict[str, Any]]:
    """Latest changes of owner or territory (who, when, why, from, to)."""
    rows = svc.history(session, account_id=account_id, limit=limit, actor=actor)
    return [dataclasses.asdict(r) for r in rows]


@router.get("/preview/accounts", response_model=MovesPage)
def preview_accounts(
    session: SessionDep, actor: CurrentUser, page: int = Query(0, ge=0, le=INT32)
) -> MovesPage:
    """The accounts the automatic assignment would move (name, from, to, why), a page of
    50, their total and the fingerprint ``POST /apply`` may check; nothing is written."""
    return svc.preview_moves(session, actor=actor, page=page)


@router.get("/runs", response_model=list[svc.RunView])
def runs(
    session: SessionDep, actor: CurrentUser, limit: int = Query(20, ge=1, le=200)
) -> list[svc.RunView]:
    """The latest runs (automatic assignments, rebalancings, deletions, undos); the one that
    may be undone says ``undoable``."""
    return svc.recent_runs(session, actor=actor, limit=limit)


@router.post("/runs/{run_id}/undo", response_model=svc.UndoResult)
def undo(
    session: SessionDep, actor: CurrentUser, run_id: Annotated[int, Path(ge=1, le=INT32)]
) -> svc.UndoResult:
    """Undo the latest automatic assignment or rebalancing (409 for any other run)."""
    return svc.undo_run(session, run_id, actor=actor)
