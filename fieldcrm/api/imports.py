"""Import accounts and sales from an uploaded CSV/XLSX; export accounts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, File, Path, Query, UploadFile
from fastapi.responses import Response

from fieldcrm.api.deps import CurrentUser, SessionDep, SettingsDep
from fieldcrm.api.jobs import JobOut, job_out
from fieldcrm.api.schemas.errors import download
from fieldcrm.api.schemas.imports import ImportReportOut
from fieldcrm.http.deps import allowed_to
from fieldcrm.http.uploads import read_upload, upload_limit
from fieldcrm.services import imports, jobs

router = APIRouter(prefix="/imports", tags=["imports"])
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.post("/{kind}", response_model=ImportReportOut, dependencies=[allowed_to("import")])
def upload(
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    kind: str = Path(pattern="^(accounts|sales)$"),
    file: UploadFile = File(..., description="CSV (any French flavour) or XLSX"),
) -> dict[str, Any]:
    """Import the file now, in one transaction: good rows in, every bad row reported with its
    line and column. For big files prefer ``POST /imports/{kind}/jobs``."""
    report = imports.import_upload(
        session,
        actor=actor,
        kind=kind,
        filename=file.filename or "upload.csv",
        data=read_upload(file, limit=upload_limit(settings)),
    )
    return imports.report_dict(report)


@router.post("/{kind}/jobs", status_code=202, dependencies=[allowed_to("import")])
def queue_upload(
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    kind: str = Path(pattern="^(accounts|sales)$"),
    file: UploadFile = File(..., description="CSV (any French flavour) or XLSX"),
) -> JobOut:
    """Queue the import for a worker and answer at once; follow it at ``GET /jobs/{id}``
    (its ``result`` is the import report)."""
    job_id = imports.start_import(
        session,
        actor=actor,
        kind=kind,
        filename=file.filename or "upload.csv",
        data=read_upload(file, limit=upload_limit(settings)),
    )
    return job_out(jobs.job_view(session, job_id, actor=actor))


@router.get("/accounts/export", response_class=Response, responses=download(*MEDIA.values()))
def export(
    session: SessionDep, actor: CurrentUser, format: str = Query("csv", pattern="^(csv|xlsx)$")
) -> Response:
    """Accounts as CSV (French Excel flavour) or XLSX; re-importing the file changes nothing."""
    data = imports.export_download(session, actor=actor, fmt=format)
    return Response(
        data,
        media_type=MEDIA[format],
        headers={"Content-Disposition": f'attachment; filename="comptes.{format}"'},
    )
