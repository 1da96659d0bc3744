""" "Trouver un jour" on an account: the next working days ranked, booked in one tap."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from fieldcrm.http.deps import CurrentUser, SessionDep, SettingsDep, WorkDate, allowed_to
from fieldcrm.pages.templating import render
from fieldcrm.services import find_day

router = APIRouter(include_in_schema=False)


@router.get("/comptes/{account_id}/trouver-un-jour", response_class=HTMLResponse)
def page(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    account_id: int,
) -> HTMLResponse:
    """The next 10 working days for a visit to the account, cheapest first."""
    found = find_day.find_days(session, actor=actor, account_id=account_id, settings=settings)
    return render(request, "find_day.html", {"found": found}, actor=actor)


@router.post("/comptes/{account_id}/trouver-un-jour", dependencies=[allowed_to("plan")])
def book(
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    account_id: int,
    day: Annotated[WorkDate, Form()],
    time: Annotated[dt.time, Form()],
) -> RedirectResponse:
    """Book the visit on the chosen day at the chosen start, then show that day."""
    find_day.book(
        session, actor=actor, account_id=account_id, day=day, time=time, settings=settings
    )
    return RedirectResponse(f"/journee?date={day.isoformat()}", status_code=303)
