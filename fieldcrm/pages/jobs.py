"""Long work on screen: one job's progress page, and the admin's "Tâches de fond"."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from fieldcrm.http.deps import CurrentUser, SessionDep
from fieldcrm.pages.templating import render
from fieldcrm.services import jobs

router = APIRouter(include_in_schema=False)


@router.get("/taches", response_class=HTMLResponse)
def queue_page(request: Request, session: SessionDep, actor: CurrentUser) -> HTMLResponse:
    """Workers, the queue by state, failed jobs, scheduled runs, undelivered notifications."""
    return render(request, "queue.html", {"q": jobs.overview(session, actor=actor)}, actor=actor)


@router.post("/taches/file/{job_id}/relancer")
def retry_queue_job(session: SessionDep, actor: CurrentUser, job_id: int) -> RedirectResponse:
    """Run a failed queue job again."""
    jobs.retry_queue_job(session, job_id, actor=actor)
    return RedirectResponse("/taches", status_code=303)


@router.post("/taches/notifications/{notification_id}/relancer")
def retry_notification(
    session: SessionDep, actor: CurrentUser, notification_id: int
) -> RedirectResponse:
    """Put an undelivered notification back in the queue (after fixing the address, say)."""
    jobs.retry_notification(session, notification_id, actor=actor)
    return RedirectResponse("/taches", status_code=303)


@router.get("/taches/{job_id}", response_class=HTMLResponse)
def job_page(
    request: Request, session: SessionDep, actor: CurrentUser, job_id: int
) -> HTMLResponse:
    """One job: a progress bar while it runs, then its result (an import's report)."""
    job = jobs.job_view(session, job_id, actor=actor)
    return render(request, "job.html", {"job": job, "report": job.result}, actor=actor)
