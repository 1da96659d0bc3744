"""Office "Import": upload an accounts or sales file, follow its progress, see every rejected
row; export accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from fieldcrm.auth import policy
from fieldcrm.http.deps import CurrentUser, SessionDep, SettingsDep
from fieldcrm.http.uploads import read_upload, upload_limit
from fieldcrm.pages.templating import render
from fieldcrm.services import imports

router = APIRouter(include_in_schema=False)


@router.get("/import", response_class=HTMLResponse)
def import_page(request: Request, actor: CurrentUser, settings: SettingsDep) -> HTMLResponse:
    """The upload form (it says how big a file may be)."""
    policy.require(actor, "import")
    context = {"report": None, "max_mb": f"{settings.upload_max_mb:g}"}
    return render(request, "import.html", context, actor=actor)


@router.post("/import")
def upload(
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    kind: Annotated[str, Form(pattern="^(accounts|sales)$")],
    file: Annotated[UploadFile, File()],
) -> RedirectResponse:
    """Queue the import for a worker and go to its progress page."""
    job_id = imports.start_import(
        session,
        actor=actor,
        kind=kind,
        filename=file.filename or "upload.csv",
        data=read_upload(file, limit=upload_limit(settings)),
    )
    return RedirectResponse(f"/taches/{job_id}", status_code=303)
