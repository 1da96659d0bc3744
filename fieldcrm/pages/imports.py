"""Office "Import": upload an accounts or sales file, see every rejected row; export accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse

from fieldcrm.auth import policy
from fieldcrm.http.deps import CurrentUser, SessionDep
from fieldcrm.pages.templating import render
from fieldcrm.services import imports

router = APIRouter(include_in_schema=False)


@router.get("/import", response_class=HTMLResponse)
def import_page(request: Request, actor: CurrentUser) -> HTMLResponse:
    """The upload form."""
    policy.require(actor, "import")
    return render(request, "import.html", {"report": None}, actor=actor)


@router.post("/import", response_class=HTMLResponse)
async def upload(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    kind: Annotated[str, Form(pattern="^(accounts|sales)$")],
    file: Annotated[UploadFile, File()],
) -> HTMLResponse:
    """Import and show the report."""
    data = await file.read()
    report = imports.import_upload(
        session, actor=actor, kind=kind, filename=file.filename or "upload.csv", data=data
    )
    return render(request, "import.html", {"report": report}, actor=actor, status_code=200)
