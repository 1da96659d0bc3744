"""The rep's "Mes tâches" (a manager's team's with ``?rep=``) and "En retard" screens."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from fieldcrm.http.deps import CurrentUser, SessionDep, SettingsDep
from fieldcrm.pages.templating import reader_language, render
from fieldcrm.services import intervals, scoring, tasks

router = APIRouter(include_in_schema=False)
REP = Query(ge=1, le=2**31 - 1)


def local_today(request: Request) -> dt.date:
    """Today in the company's time zone."""
    return dt.datetime.now(ZoneInfo(request.app.state.settings.scoring_timezone)).date()


def planning_day(due: dt.date | None, *, today: dt.date) -> dt.date:
    """The day to plan a task's visit: its due day, never before today, never a weekend."""
    day = max(due or today, today)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


@router.get("/mes-taches", response_class=HTMLResponse)
def tasks_page(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    rep: Annotated[int | None, REP] = None,
) -> HTMLResponse:
    """Open tasks, overdue ones first, each with "Fait" and a link to plan its visit."""
    today = local_today(request)
    rows = tasks.open_tasks(session, actor=actor, today=today, rep_id=rep)
    plan_days = {t.id: planning_day(t.due_date, today=today) for t in rows}
    context = {
        "rows": rows,
        "today": today,
        "plan_days": plan_days,
        "rep": rep,
        "rule_names": scoring.rule_names(session, lang=reader_language(request, actor)),
    }
    return render(request, "tasks.html", context, actor=actor)


@router.post("/mes-taches/{task_id}/fait")
def task_done(
    session: SessionDep,
    actor: CurrentUser,
    task_id: Annotated[int, Path(ge=1, le=2**62)],
    rep: Annotated[int | None, REP] = None,
) -> RedirectResponse:
    """Close a task (who and when are recorded) and come back to the list."""
    tasks.complete(session, actor=actor, task_id=task_id)
    return RedirectResponse("/mes-taches" + (f"?rep={rep}" if rep else ""), status_code=303)


@router.get("/en-retard", response_class=HTMLResponse)
def overdue_page(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    rep: Annotated[int | None, REP] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """Accounts whose visit is late, most overdue first, with the days of lateness."""
    found = intervals.overdue_accounts(
        session,
        actor=actor,
        today=local_today(request),
        rep_id=rep,
        page=page,
        settings=settings,
    )
    return render(request, "overdue.html", {"found": found, "rep": rep}, actor=actor)
