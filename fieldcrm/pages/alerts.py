"""Everyone's "Alertes": what the rules pushed, most important first, to read and acknowledge."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from fieldcrm.http.deps import CurrentUser, SessionDep
from fieldcrm.pages.templating import reader_language, render
from fieldcrm.services import alerts, scoring

router = APIRouter(include_in_schema=False)


def _query(*, unread: bool, rule: str | None, page: int = 1) -> str:
    params: dict[str, str | int] = {}
    if unread:
        params["unread"] = "true"
    if rule:
        params["regle"] = rule
    if page > 1:
        params["page"] = page
    return "?" + urlencode(params) if params else ""


@router.get("/alertes", response_class=HTMLResponse)
def inbox(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    unread: bool = False,
    regle: Annotated[str | None, Query(max_length=200)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """The actor's alerts: most severe first, then by the account's priority, then newest;
    25 a page, filtered by rule."""
    rule = regle or None
    found = alerts.inbox_page(session, actor=actor, page=page, unread_only=unread, rule_key=rule)
    context = {
        "found": found,
        "items": found.items,
        "unread": unread,
        "rule": rule,
        "here": _query(unread=unread, rule=rule, page=page),
        "previous": _query(unread=unread, rule=rule, page=page - 1),
        "next": _query(unread=unread, rule=rule, page=page + 1),
        "all_link": _query(unread=False, rule=rule),
        "unread_link": _query(unread=True, rule=rule),
        "rule_names": scoring.rule_names(session, lang=reader_language(request, actor)),
    }
    return render(request, "alerts.html", context, actor=actor)


@router.post("/alertes/{alert_id}/lu")
def acknowledge(
    session: SessionDep,
    actor: CurrentUser,
    alert_id: int,
    retour: Annotated[str, Query(max_length=400, pattern=r"^(\?[^/\\]*)?$")] = "",
) -> RedirectResponse:
    """Mark an alert read and come back to the same page of the inbox."""
    alerts.acknowledge(session, actor=actor, alert_id=alert_id)
    return RedirectResponse("/alertes" + retour, status_code=303)
