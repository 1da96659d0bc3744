"""Exports from the pages are jobs: the page answers at once, the job page offers the file."""

from __future__ import annotations

import csv
import io
from contextlib import nullcontext

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import Settings
from fieldcrm.services import costs, exports
from tests.api.test_health import _workers
from tests.web import ClientFactory

pytestmark = pytest.mark.db
SETTINGS = Settings(database_url="postgresql+psycopg://unused/unused", _env_file=None)


def _queued(response) -> int:  # type: ignore[no-untyped-def]
    assert response.status_code == 303, response.text
    return int(response.headers["location"].removeprefix("/taches/"))


def _run(db: Session, job_id: int) -> None:
    exports.run_export_job(lambda: nullcontext(db), job_id, settings=SETTINGS)


def test_the_import_page_exports_accounts_through_a_job_and_a_download_link(
    api_as: ClientFactory, demo_db: Session
) -> None:
    karim = api_as(2)
    page = karim.get("/import").text
    assert 'action="/exports/comptes"' in page and "/api/imports/accounts/export" not in page
    job_id = _queued(karim.post("/exports/comptes", data={"format": "csv"}, follow_redirects=False))
    waiting = karim.get(f"/taches/{job_id}").text
    assert 'data-status="queued"' in waiting and "Export des comptes (CSV)" in waiting
    assert 'id="export-download"' not in waiting
    assert karim.get(f"/taches/{job_id}/fichier").status_code == 404

    _run(demo_db, job_id)
    done = karim.get(f"/taches/{job_id}").text
    assert 'data-status="done"' in done and f'href="/taches/{job_id}/fichier"' in done
    accounts = demo_db.execute(text("SELECT count(*) FROM accounts")).scalar_one()
    assert f"{accounts} lignes exportées" in done.replace("\u202f", "").replace("\xa0", "")
    karim.app.state.sessions = lambda: nullcontext(demo_db)  # type: ignore[attr-defined]
    download = karim.get(f"/taches/{job_id}/fichier")
    assert download.status_code == 200
    assert download.headers["content-disposition"] == 'attachment; filename="comptes.csv"'
    assert download.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == accounts + 1
    # the same bytes as the API's direct download
    assert download.content == karim.get("/api/imports/accounts/export").content

    assert api_as(1).get(f"/taches/{job_id}/fichier").status_code == 404  # not hers
    assert api_as(1).get(f"/api/exports/{job_id}/file").status_code == 404
    assert api_as(3).get(f"/taches/{job_id}/fichier").status_code == 200  # the admin


def test_the_costs_page_exports_through_a_job_with_its_period_and_language(
    api_as: ClientFactory, demo_db: Session
) -> None:
    claire = api_as(1)
    page = claire.get("/frais", params={"month": "2026-03", "group_by": "week"}).text
    assert 'action="/exports/frais"' in page and 'name="format" value="xlsx"' in page
    form = {"month": "2026-03", "group_by": "week", "lang": "fr", "format": "csv"}
    job_id = _queued(claire.post("/exports/frais", data=form, follow_redirects=False))
    _run(demo_db, job_id)
    claire.app.state.sessions = lambda: nullcontext(demo_db)  # type: ignore[attr-defined]
    download = claire.get(f"/taches/{job_id}/fichier")
    actor = Actor(id=1, role=Role.MANAGER, name="Claire", team=frozenset({4, 5, 6}))
    report = costs.period_report(
        demo_db, actor=actor, settings=SETTINGS, month="2026-03", group_by="week"
    )
    assert download.content == costs.export_report(report, "csv", lang="fr")[0]


def test_bad_export_requests_are_422_and_queue_nothing(
    api_as: ClientFactory, demo_db: Session
) -> None:
    before = demo_db.execute(text("SELECT count(*) FROM jobs")).scalar_one()
    claire = api_as(1)
    assert claire.post("/exports/comptes", data={"format": "pdf"}).status_code == 422
    assert (
        claire.post("/exports/frais", data={"month": "2026-13", "format": "csv"}).status_code == 422
    )
    assert claire.post("/api/exports/costs", params={"format": "csv"}).status_code == 422
    assert demo_db.execute(text("SELECT count(*) FROM jobs")).scalar_one() == before


def test_the_api_queues_an_export_and_serves_its_file(
    api_as: ClientFactory, demo_db: Session
) -> None:
    camille = api_as(4)
    queued = camille.post("/api/exports/accounts", params={"format": "xlsx"})
    assert queued.status_code == 202 and queued.json()["status"] == "queued"
    job_id = queued.json()["id"]
    _run(demo_db, job_id)
    job = camille.get(f"/api/jobs/{job_id}").json()
    assert job["status"] == "done" and job["result"]["file"]["name"] == "comptes.xlsx"
    camille.app.state.sessions = lambda: nullcontext(demo_db)  # type: ignore[attr-defined]
    file = camille.get(f"/api/exports/{job_id}/file")
    assert file.status_code == 200 and len(file.content) == job["result"]["file"]["size"]
    assert file.content[:2] == b"PK"  # an XLSX is a zip


def test_a_waiting_job_says_when_no_worker_is_running(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """Without a recent heartbeat the page says the job waits for a worker (and whom to tell);
    with one, that it starts as soon as a worker is free."""
    karim, admin = api_as(2), api_as(3)
    job_id = _queued(karim.post("/exports/comptes", data={"format": "csv"}, follow_redirects=False))
    _workers(demo_db, 600)
    page = karim.get(f"/taches/{job_id}").text
    assert 'id="job-no-worker"' in page and "Prévenez votre administrateur" in page
    assert "fieldcrm worker" in admin.get(f"/taches/{job_id}").text
    _workers(demo_db, 5)
    page = karim.get(f"/taches/{job_id}").text
    assert 'id="job-no-worker"' not in page and 'id="job-waiting"' in page
    _run(demo_db, job_id)
    assert 'id="job-waiting"' not in karim.get(f"/taches/{job_id}").text
