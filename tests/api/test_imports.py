"""Uploading French files through the API and the Import page; export downloads."""

from __future__ import annotations

import csv
import io
import sys
from contextlib import nullcontext

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.services import imports
from tests.web import ClientFactory

FILE = (
    "Raison sociale;Adresse;Code postal;Ville;SIRET;Potentiel\r\n"
    "Boulangerie Lemoine;3 rue Grimaldi;06240;Beausoleil;;12 500,00 €\r\n"
    ";2 avenue de Verdun;06240;Beausoleil;;\r\n"
    "Café Riviera;1 quai Antoine;06240;Beausoleil;12345678901234;beaucoup\r\n"
).encode("cp1252")


def test_upload_imports_good_rows_and_reports_each_bad_one(
    api_as: ClientFactory, demo_db: Session
) -> None:
    office = api_as(2)
    response = office.post(
        "/api/imports/accounts", files={"file": ("clients.csv", FILE, "text/csv")}
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["inserted"] == 1 and report["read"] == 3
    assert {(r["line"], r["field"]) for r in report["rejected"]} >= {
        (3, "name"),
        (4, "siret"),
        (4, "potential_eur_month"),
    }
    assert (
        demo_db.execute(
            text("SELECT count(*) FROM accounts WHERE name = 'Boulangerie Lemoine'")
        ).scalar_one()
        == 1
    )
    again = office.post(
        "/api/imports/accounts", files={"file": ("clients.csv", FILE, "text/csv")}
    ).json()
    assert again["inserted"] == 0 and again["unchanged"] == 1


def test_reps_may_not_import_and_bad_files_are_named(api_as: ClientFactory) -> None:
    assert (
        api_as(4)
        .post("/api/imports/accounts", files={"file": ("c.csv", FILE, "text/csv")})
        .status_code
        == 403
    )
    wrong = api_as(2).post(
        "/api/imports/accounts", files={"file": ("c.pdf", b"%PDF", "application/pdf")}
    )
    assert wrong.status_code == 422 and wrong.json()["field"] == "file"
    empty = api_as(2).post("/api/imports/sales", files={"file": ("v.csv", b"", "text/csv")})
    assert empty.status_code == 422 and empty.json()["field"] == "file"


def test_a_rep_exports_own_accounts_only(api_as: ClientFactory, demo_db: Session) -> None:
    exported = api_as(4).get("/api/imports/accounts/export", params={"format": "csv"})
    assert exported.status_code == 200 and "attachment" in exported.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    owned = demo_db.execute(
        text("SELECT count(*) FROM account_assignments WHERE owner_id = 4")
    ).scalar_one()
    assert len(rows) - 1 == owned
    xlsx = api_as(2).get("/api/imports/accounts/export", params={"format": "xlsx"})
    assert xlsx.content[:2] == b"PK"


def test_import_page_queues_the_file_and_its_page_shows_the_rejected_rows(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The upload answers at once with the job's page; once a worker has run it, the same
    page shows every rejected row. Only its starter (or an admin) may follow it."""
    office = api_as(1)
    answer = office.post(
        "/import",
        data={"kind": "accounts"},
        files={"file": ("clients.csv", FILE, "text/csv")},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"].startswith("/taches/")
    job_page = answer.headers["location"]
    waiting = office.get(job_page)
    assert 'data-status="queued"' in waiting.text and 'id="rejected"' not in waiting.text
    # in-process, progress and import share one connection: no progress write mid-COPY
    monkeypatch.setattr(imports, "PROGRESS_EVERY_S", 1e9)
    imports.run_import_job(lambda: nullcontext(demo_db), int(job_page.rsplit("/", 1)[1]))
    page = office.get(job_page)
    assert page.status_code == 200 and 'data-status="done"' in page.text
    assert 'id="rejected"' in page.text and "<td>SIRET</td>" in page.text
    assert api_as(4).get(job_page).status_code == 404  # another user's job
    assert api_as(3).get(job_page).status_code == 200  # the admin
    assert api_as(4).get("/import").status_code == 403


def test_an_import_is_marked_done_in_its_own_transaction(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that dies right after the import commits leaves the job done, not "en cours"
    forever: the job is marked done in the import's own transaction."""
    from fieldcrm.store import jobs as job_store

    answer = api_as(1).post(
        "/import",
        data={"kind": "accounts"},
        files={"file": ("clients.csv", FILE, "text/csv")},
        follow_redirects=False,
    )
    job_id = int(answer.headers["location"].rsplit("/", 1)[1])
    real = job_store.mark_done

    def dies_after_the_commit(*args: object, **kwargs: object) -> None:
        # the marking made once the import has committed (by the job runner): the worker
        # dies there; a marking inside the import's transaction goes through
        if sys._getframe(1).f_globals["__name__"] == "fieldcrm.services.jobs":
            raise SystemExit("killed")
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(job_store, "mark_done", dies_after_the_commit)
    # in-process, progress and import share one connection: no progress write mid-COPY
    monkeypatch.setattr(imports, "PROGRESS_EVERY_S", 1e9)
    with pytest.raises(SystemExit):
        imports.run_import_job(lambda: nullcontext(demo_db), job_id)
    job = job_store.job(demo_db, job_id)
    assert job is not None and job.status == "done" and job.result is not None
