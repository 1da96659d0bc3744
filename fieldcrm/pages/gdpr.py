"""Admins' "RGPD": find a contact, export or erase it; prospects kept past the retention period."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from fieldcrm.http.deps import CurrentUser, SessionDep, SettingsDep, allowed_to
from fieldcrm.pages.templating import render
from fieldcrm.services import gdpr

router = APIRouter(include_in_schema=False)


@router.get("/rgpd", response_class=HTMLResponse)
def gdpr_page(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    contact: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    done: str = "",
) -> HTMLResponse:
    """A contact's record on demand, and the prospects to delete."""
    record = gdpr.export_contact(session, actor=actor, contact_id=contact) if contact else None
    stale = gdpr.stale_prospects(
        session, actor=actor, retention_days=settings.prospect_retention_days
    )
    context = {
        "record": record,
        "stale": stale,
        "years": round(settings.prospect_retention_days / 365, 1),
        "done": done,
    }
    return render(request, "gdpr.html", context, actor=actor)


@router.get("/rgpd/contacts/{contact_id}.json")
def download(session: SessionDep, actor: CurrentUser, contact_id: int) -> JSONResponse:
    """The contact's record as a JSON file."""
    data = gdpr.export_contact(session, actor=actor, contact_id=contact_id)
    return JSONResponse(
        jsonable(data),
        headers={"Content-Disposition": f'attachment; filename="contact-{contact_id}.json"'},
    )


def jsonable(data: object) -> object:
    """Dates and decimals as strings."""
    from fastapi.encoders import jsonable_encoder

    return jsonable_encoder(data)


@router.post("/rgpd/contacts/{contact_id}/effacer")
def erase(session: SessionDep, actor: CurrentUser, contact_id: int) -> RedirectResponse:
    """Erase the contact."""
    gdpr.erase_contact(session, actor=actor, contact_id=contact_id)
    return RedirectResponse("/rgpd?done=erased", status_code=303)


@router.post("/rgpd/prospects", dependencies=[allowed_to("gdpr")])
def delete_prospects(
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    ids: Annotated[list[int], Form(min_length=1)],
) -> RedirectResponse:
    """Delete the ticked prospects."""
    n = gdpr.delete_stale_prospects(
        session, actor=actor, ids=ids, retention_days=settings.prospect_retention_days
    )
    return RedirectResponse(f"/rgpd?done=deleted:{n}", status_code=303)
