"""Office "Géocodage": accounts waiting, the review queue with reasons, a batch on demand."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from fieldcrm.http.deps import CurrentUser, SessionDep, SettingsDep
from fieldcrm.pages.templating import render
from fieldcrm.services import geocoding

router = APIRouter(include_in_schema=False)


@router.get("/geocodage", response_class=HTMLResponse)
def review_page(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    done: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    """What waits for geocoding and what needs a look (lowest score first)."""
    items, total = geocoding.review_queue(session, actor=actor, limit=100)
    context = {"items": items, "total": total, "todo": geocoding.count_todo(session), "done": done}
    return render(request, "geocoding.html", context, actor=actor)


@router.post("/geocodage")
def run_batch(
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    offline: Annotated[bool, Form()] = False,
) -> RedirectResponse:
    """Geocode one batch of pending accounts now (the CLI does the whole backlog)."""
    chain = geocoding.chain_from_settings(settings, offline=offline)
    summary = geocoding.geocode_accounts(
        session, actor=actor, chain=chain, batch_size=200, max_batches=1
    )
    matched = sum(summary.matched.values())
    return RedirectResponse(
        f"/geocodage?done={summary.processed}:{matched}:{summary.to_review}:{summary.failed}",
        status_code=303,
    )
