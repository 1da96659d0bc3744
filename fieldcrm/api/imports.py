"""Import accounts and sales from an uploaded CSV/XLSX; export accounts."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, File, Path, Query, UploadFile
from fastapi.responses import Response

from fieldcrm.accounts.records import ImportReport
from fieldcrm.api.deps import CurrentUser, SessionDep
from fieldcrm.services import imports

router = APIRouter(prefix="/imports", tags=["imports"])
MAX_BYTES = 50 * 1024 * 1024
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def report_json(report: ImportReport) -> dict[str, Any]:
    """Counts and every rejected row (line, column, reason, value)."""
    return {
        "kind": report.kind,
        "read": report.read,
        "inserted": report.inserted,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected": [
            {**asdict(r), "value": None if r.value is None else str(r.value), "message": str(r)}
            for r in report.rejected
        ],
    }


@router.post("/{kind}")
async def upload(
    session: SessionDep,
    actor: CurrentUser,
    kind: str = Path(pattern="^(accounts|sales)$"),
    file: UploadFile = File(..., description="CSV (any French flavour) or XLSX"),
) -> dict[str, Any]:
    """Import the file in one transaction: good rows in, every bad row reported with its line and column."""
    data = await file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        from fieldcrm.errors import InvalidInput

        raise InvalidInput("file", f"larger than {MAX_BYTES // 1024 // 1024} MB")
    report = imports.import_upload(
        session, actor=actor, kind=kind, filename=file.filename or "upload.csv", data=data
    )
    return report_json(report)


@router.get("/accounts/export")
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
