"""Office "Géocodage": accounts waiting, the review queue with reasons, a batch on demand."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from fieldcrm.http.deps import CurrentUser, SessionDep
from fieldcrm.pages.templating import render
from fieldcrm.services import geocoding, geocoding_jobs

router = APIRouter(include_in_schema=False)


@router.get("/geocodage", response_class=HTMLResponse)
def review_page(request: Request, session: SessionDep, actor: CurrentUser) -> HTMLResponse:
    """What waits for geocoding and what needs a look (lowest score first)."""
    items, total = geocoding.review_queue(session, actor=actor, limit=100)
    context = {"items": items, "total": total, "todo": geocoding.count_todo(session)}
    return render(request, "geocoding.html", context, actor=actor)


@router.post("/geocodage")
def run_batch(
    session: SessionDep, actor: CurrentUser, offline: Annotated[bool, Form()] = False
) -> RedirectResponse:
    """Queue a batch of pending accounts for a worker and go to its progress page (the CLI
    does the whole backlog)."""
    job_id = geocoding_jobs.start_geocoding(session, actor=actor, offline=offline)
    return RedirectResponse(f"/taches/{job_id}", status_code=303)
