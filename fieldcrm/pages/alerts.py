"""Everyone's "Alertes": what the rules pushed, to read and acknowledge."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from fieldcrm.http.deps import CurrentUser, SessionDep
from fieldcrm.pages.templating import render
from fieldcrm.services import alerts

router = APIRouter(include_in_schema=False)


@router.get("/alertes", response_class=HTMLResponse)
def inbox(
    request: Request, session: SessionDep, actor: CurrentUser, unread: bool = False
) -> HTMLResponse:
    """The actor's alerts, newest first."""
    items = alerts.inbox(session, actor=actor, unread_only=unread)
    return render(request, "alerts.html", {"items": items, "unread": unread}, actor=actor)


@router.post("/alertes/{alert_id}/lu")
def acknowledge(session: SessionDep, actor: CurrentUser, alert_id: int) -> RedirectResponse:
    """Mark an alert read."""
    alerts.acknowledge(session, actor=actor, alert_id=alert_id)
    return RedirectResponse("/alertes", status_code=303)
