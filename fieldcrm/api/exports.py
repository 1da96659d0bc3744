"""Exports as jobs: queue one, follow it at ``GET /jobs/{id}``, then download its file.

The synchronous downloads (``GET /imports/accounts/export``, ``GET /costs/report.{fmt}``)
stay for scripts that already use them; big exports should go through here.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from fieldcrm.api.deps import CurrentUser, SessionDep
from fieldcrm.api.jobs import JobOut, job_out
from fieldcrm.api.schemas.errors import download
from fieldcrm.http.deps import WorkDate
from fieldcrm.services import costs, exports, jobs

router = APIRouter(prefix="/exports", tags=["exports"])
JOB_ID = Path(ge=1, le=2**63 - 1)


@router.post("/accounts", status_code=202)
def export_accounts(
    session: SessionDep,
    actor: CurrentUser,
    format: Literal["csv", "xlsx"] = "csv",
) -> JobOut:
    """Queue the export of the accounts you may export (reps: their own) and answer at once;
    once the job is done, ``GET /exports/{id}/file`` gives the file."""
    job_id = exports.start_accounts_export(session, actor=actor, fmt=format)
    return job_out(jobs.job_view(session, job_id, actor=actor))


class CostsExport(BaseModel):
    """The report to export: one of month, week, year or start + end; a rep or all."""

    format: Literal["csv", "xlsx", "pdf"] = "csv"
    lang: Literal["fr", "en"] = "fr"
    month: str | None = Field(None, pattern=r"^[0-9]{4}-[0-9]{2}$", examples=["2026-03"])
    week: str | None = Field(None, pattern=r"^[0-9]{4}-W[0-9]{2}$", examples=["2026-W10"])
    year: int | None = Field(None, ge=1901, le=2999)
    start: WorkDate | None = None
    end: WorkDate | None = None
    rep: int | None = Field(None, ge=1, le=2**31 - 1)
    group_by: Literal["rep", "team", "week", "month", "year"] = "rep"


@router.post("/costs", status_code=202)
def export_costs(
    session: SessionDep, actor: CurrentUser, q: Annotated[CostsExport, Query()]
) -> JobOut:
    """Queue the export of a travel-cost report (as ``GET /costs/report.{fmt}``); answer at
    once, the file comes with ``GET /exports/{id}/file``."""
    job_id = exports.start_costs_export(
        session,
        actor=actor,
        fmt=q.format,
        lang=q.lang,
        month=q.month,
        week=q.week,
        year=q.year,
        start=q.start,
        end=q.end,
        rep_id=q.rep,
        group_by=q.group_by,
    )
    return job_out(jobs.job_view(session, job_id, actor=actor))


@router.get(
    "/{job_id}/file",
    response_class=StreamingResponse,
    responses=download(
        *exports.ACCOUNT_FORMATS.values(), *(m for m, _ in costs.EXPORT_FORMATS.values())
    ),
)
def export_file(
    request: Request, session: SessionDep, actor: CurrentUser, job_id: int = JOB_ID
) -> StreamingResponse:
    """The file of an export you started (admins: any), while it is kept; 404 before the
    job is done, once the file expired, and for anyone else."""
    found = exports.export_file(session, job_id, actor=actor)
    return StreamingResponse(
        exports.file_bytes(request.app.state.sessions, found),
        media_type=found.media_type,
        headers=exports.download_headers(found),
    )
