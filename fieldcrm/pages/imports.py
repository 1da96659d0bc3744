"""Office "Import": upload an accounts or sales file, follow its progress, see every rejected
row; export accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from fieldcrm.auth import policy
from fieldcrm.errors import InvalidInput
from fieldcrm.http.deps import CurrentUser, SessionDep, SettingsDep, allowed_to
from fieldcrm.http.errors import status_for
from fieldcrm.http.uploads import read_upload, upload_limit
from fieldcrm.pages.forms import FieldErrors, refusal_errors
from fieldcrm.pages.templating import reader_language, render
from fieldcrm.services import imports

router = APIRouter(include_in_schema=False)


@router.get("/import", response_class=HTMLResponse)
def import_page(request: Request, actor: CurrentUser, settings: SettingsDep) -> HTMLResponse:
    """The upload form (it says how big a file may be)."""
    policy.require(actor, "import")
    return _form(request, actor, settings)


def _form(
    request: Request,
    actor: CurrentUser,
    settings: SettingsDep,
    *,
    kind: str = "accounts",
    errors: FieldErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The upload form; ``errors``: what is wrong with each field, said next to it."""
    context = {
        "report": None,
        "max_mb": f"{settings.upload_max_mb:g}",
        "kind": kind,
        "errors": errors or {},
    }
    return render(request, "import.html", context, actor=actor, status_code=status_code)


@router.post("/import", response_model=None, dependencies=[allowed_to("import")])
def upload(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    kind: Annotated[str, Form(pattern="^(accounts|sales)$")],
    file: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse | RedirectResponse:
    """Queue the import for a worker and go to its progress page; a file refused at once
    (none chosen, empty, too big, of an unknown kind) is the form again, saying why next
    to the file."""
    try:
        if file is None or not file.filename:  # the browser sends a nameless part
            raise InvalidInput("file", "choose a file")
        job_id = imports.start_import(
            session,
            actor=actor,
            kind=kind,
            filename=file.filename or "upload.csv",
            data=read_upload(file, limit=upload_limit(settings)),
        )
    except InvalidInput as exc:
        errors = refusal_errors(exc, reader_language(request, actor)) or {}
        return _form(
            request, actor, settings, kind=kind, errors=errors, status_code=status_for(exc)
        )
    return RedirectResponse(f"/taches/{job_id}", status_code=303)
