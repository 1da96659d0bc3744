"""The caller's tasks (a manager's team's), closing one; late accounts (call intervals)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query

from fieldcrm.api.deps import CurrentUser, SessionDep, SettingsDep
from fieldcrm.api.schemas.people import OverduePageOut, TaskRow
from fieldcrm.services import intervals, tasks

router = APIRouter(prefix="/tasks", tags=["tasks"])
REP = Query(None, ge=1, le=2**31 - 1)


def _today(settings: Any) -> dt.date:
    return dt.datetime.now(ZoneInfo(settings.scoring_timezone)).date()


@router.get("", response_model=list[TaskRow])
def open_tasks(
    session: SessionDep, actor: CurrentUser, settings: SettingsDep, rep: int | None = REP
) -> list[dict[str, Any]]:
    """Open tasks of the caller (a manager: their team's, or ``rep``'s), overdue first."""
    rows = tasks.open_tasks(session, actor=actor, today=_today(settings), rep_id=rep)
    return [asdict(t) for t in rows]


@router.post("/{task_id}/done", status_code=204)
def done(session: SessionDep, actor: CurrentUser, task_id: int = Path(ge=1, le=2**62)) -> None:
    """Mark a task done (who and when are recorded); someone else's task is a 404."""
    tasks.complete(session, actor=actor, task_id=task_id)


@router.get("/overdue-accounts", response_model=OverduePageOut)
def overdue_accounts(
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    rep: int | None = REP,
    page: int = Query(1, ge=1, le=100_000),
) -> dict[str, Any]:
    """Accounts whose visit is late (last visit + interval before today), most overdue first."""
    found = intervals.overdue_accounts(
        session, actor=actor, today=_today(settings), rep_id=rep, page=page, settings=settings
    )
    return {
        "total": found.total,
        "page": found.page,
        "pages": found.pages,
        "items": [asdict(o) for o in found.items],
    }
