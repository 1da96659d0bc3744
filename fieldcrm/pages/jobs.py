"""Long work on screen: one job's progress page (and an export's file), the exports a page
starts, and the admin's "Tâches de fond"."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse, StreamingResponse

from fieldcrm.http.deps import CurrentUser, SessionDep, SettingsDep
from fieldcrm.pages.templating import render
from fieldcrm.services import exports, health, jobs
from fieldcrm.store.jobs import JobFileView

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
    request: Request, session: SessionDep, settings: SettingsDep, actor: CurrentUser, job_id: int
) -> HTMLResponse:
    """One job: a progress bar while it runs, then its result (an import's report). A job
    waiting while no worker has beaten lately says so (it would otherwise wait unseen)."""
    job = jobs.job_view(session, job_id, actor=actor)
    file = exports.current_file(session, job) if job.kind == exports.KIND else None
    no_worker = job.status == "queued" and not (
        health.check_worker(session, max_age_s=settings.health_heartbeat_max_age_s).ok
    )
    report = job.result if job.status == "done" else None  # a failed one's: its refusal's data
    context = {"job": job, "report": report, "file": file, "no_worker": no_worker}
    return render(request, "job.html", context, actor=actor)


@router.get("/taches/{job_id}/fichier")
def job_file(request: Request, session: SessionDep, actor: CurrentUser, job_id: int) -> Response:
    """The file an export made (its starter or an admin), while it is kept."""
    return file_response(request, exports.export_file(session, job_id, actor=actor))


def file_response(request: Request, found: JobFileView) -> StreamingResponse:
    """A job's file as a download, streamed chunk by chunk from the database."""
    return StreamingResponse(
        exports.file_bytes(request.app.state.sessions, found),
        media_type=found.media_type,
        headers=exports.download_headers(found),
    )


@router.post("/exports/comptes")
def export_accounts(
    session: SessionDep,
    actor: CurrentUser,
    format: Annotated[str, Form(pattern="^(csv|xlsx)$")] = "csv",
) -> RedirectResponse:
    """Queue the accounts export and go to its progress page (the file is there, then)."""
    job_id = exports.start_accounts_export(session, actor=actor, fmt=format)
    return RedirectResponse(f"/taches/{job_id}", status_code=303)


@router.post("/exports/frais")
def export_costs(
    session: SessionDep,
    actor: CurrentUser,
    month: Annotated[str, Form(pattern=r"^[0-9]{4}-[0-9]{2}$")],
    format: Annotated[str, Form(pattern="^(csv|xlsx|pdf)$")] = "csv",
    group_by: Annotated[str, Form(pattern="^(rep|team|week|month|year)$")] = "rep",
    rep: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
    lang: Annotated[str, Form(pattern="^(fr|en)$")] = "fr",
) -> RedirectResponse:
    """Queue the export of the month's travel-cost report shown on "Frais"."""
    job_id = exports.start_costs_export(
        session, actor=actor, fmt=format, lang=lang, month=month, rep_id=rep, group_by=group_by
    )
    return RedirectResponse(f"/taches/{job_id}", status_code=303)
