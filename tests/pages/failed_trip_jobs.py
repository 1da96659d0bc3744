"""Failed trip jobs as the worker leaves them, for the tests of their pages and texts: one
set-up (:func:`failed_trip_job`) rather than one a test file."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fieldcrm.errors import FieldcrmError
from fieldcrm.services import planning_jobs
from fieldcrm.store import jobs as job_store

SOPHIE = 6
ASKED = {"start_day": "2026-04-22", "end_day": "2026-04-22", "rep_name": "Sophie Durand"}
"""The trip Sophie Durand (id 6) asked for: Wednesday 22 April 2026."""


def running_trip_job(
    db: Session, *, total: int | None = None, instead_of: dict[str, Any] | None = None
) -> int:
    """A trip job of Sophie's (:data:`ASKED`), running (``total``: its progress's end),
    asked ``instead_of`` a day when given (as :mod:`fieldcrm.services.trip_instead` asks)."""
    params = ASKED | ({"instead_of": instead_of} if instead_of is not None else {})
    job_id = job_store.create_job(
        db, kind=planning_jobs.KIND, label="Tournée", user_id=SOPHIE, params=params
    )
    job_store.mark_running(db, job_id, total=total, now=dt.datetime.now(dt.UTC))
    return job_id


def fail_trip_job(db: Session, job_id: int, refused: FieldcrmError) -> None:
    """End the trip job as its run ends it when ``refused``: the French text and the data of
    the refusal (:func:`planning_jobs.failure_message`, :func:`planning_jobs.failure_details`)."""
    job_store.mark_failed(
        db,
        job_id,
        error=planning_jobs.failure_message(refused),
        now=dt.datetime.now(dt.UTC),
        details=planning_jobs.failure_details(refused),
    )


def failed_trip_job(
    db: Session, refused: FieldcrmError, *, instead_of: dict[str, Any] | None = None
) -> int:
    """The id of a trip job of Sophie's (asked ``instead_of`` a day) that ran and was
    ``refused``."""
    job_id = running_trip_job(db, instead_of=instead_of)
    fail_trip_job(db, job_id, refused)
    return job_id


def shown_error(client: TestClient, job_id: int, lang: str = "fr") -> str:
    """The error the job's page (``/taches/<id>``) shows, read as text."""
    page = client.get(f"/taches/{job_id}", params={"lang": lang})
    assert page.status_code == 200, page.text[:300]
    return html.unescape(page.text.split('id="job-error">', 1)[1].split("</p>", 1)[0])
