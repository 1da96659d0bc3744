"""Long work users started (imports…): status and progress, to poll."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from fieldcrm.api.deps import CurrentUser, SessionDep
from fieldcrm.services import jobs
from fieldcrm.store.jobs import JobView

router = APIRouter(prefix="/jobs", tags=["jobs"])


class JobOut(BaseModel):
    """A job's state: ``queued``, ``running``, ``done`` or ``failed``; ``done``/``total`` is
    its progress (``total`` null while unknown); ``result`` once done, ``error`` once failed
    (with, as ``result``, the refusal's data when it has some: a refused trip's kind,
    ``head``, and the planner's ``message``; an appointment out of reach, ``out_of_reach``
    and ``advice``)."""

    id: int
    kind: str
    label: str
    status: str
    done: int
    total: int | None
    result: dict[str, Any] | None
    error: str | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


def job_out(view: JobView) -> JobOut:
    """The API form of a job."""
    return JobOut(
        id=view.id,
        kind=view.kind,
        label=view.label,
        status=view.status,
        done=view.done,
        total=view.total,
        result=view.result,
        error=view.error,
        created_at=view.created_at,
        started_at=view.started_at,
        finished_at=view.finished_at,
    )


@router.get("/{job_id}")
def get_job(session: SessionDep, actor: CurrentUser, job_id: int) -> JobOut:
    """One of your jobs (admins: any job)."""
    return job_out(jobs.job_view(session, job_id, actor=actor))
