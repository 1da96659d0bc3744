"""Import and geocoding jobs check their starter's rights again when they run: a starter
demoted or deactivated since ends the job as failed, in French, with nothing written."""

from __future__ import annotations

from contextlib import nullcontext

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import Settings
from fieldcrm.services import geocoding_jobs, imports
from fieldcrm.store import jobs as job_store

KARIM = Actor(2, Role.DISPATCHER, "Karim")
SETTINGS = Settings(database_url="postgresql+psycopg://unused/unused", _env_file=None)
FILE = (
    "Raison sociale;Adresse;Code postal;Ville;SIRET;Potentiel\r\n"
    "Boulangerie Lemoine du Test;3 rue Grimaldi;06240;Beausoleil;;12 500,00 €\r\n"
).encode("cp1252")


def _imported(db: Session) -> int:
    return db.execute(
        text("SELECT count(*) FROM accounts WHERE name = 'Boulangerie Lemoine du Test'")
    ).scalar_one()


def _runs(db: Session) -> int:
    return db.execute(text("SELECT count(*) FROM import_runs")).scalar_one()


def test_an_import_by_a_dispatcher_demoted_before_it_runs_fails_and_imports_nothing(
    demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = _runs(demo_db)
    job_id = imports.start_import(
        demo_db, actor=KARIM, kind="accounts", filename="clients.csv", data=FILE
    )
    demo_db.execute(text("UPDATE users SET role = 'rep' WHERE id = 2"))
    # in-process, progress and import share one connection: no progress write mid-COPY
    monkeypatch.setattr(imports, "PROGRESS_EVERY_S", 1e9)
    imports.run_import_job(lambda: nullcontext(demo_db), job_id)
    job = job_store.job(demo_db, job_id)
    assert job is not None and job.status == "failed" and job.result is None
    assert (
        job.error == "Vous ne pouvez plus faire cet import : votre rôle ne permet plus d’importer"
    )
    assert _imported(demo_db) == 0 and _runs(demo_db) == runs


def test_an_import_by_a_dispatcher_still_in_office_goes_through(
    demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same job, the starter unchanged: imported (the check refuses only a demotion)."""
    job_id = imports.start_import(
        demo_db, actor=KARIM, kind="accounts", filename="clients.csv", data=FILE
    )
    monkeypatch.setattr(imports, "PROGRESS_EVERY_S", 1e9)
    imports.run_import_job(lambda: nullcontext(demo_db), job_id)
    job = job_store.job(demo_db, job_id)
    assert job is not None and job.status == "done" and _imported(demo_db) == 1


def _pending(db: Session) -> list[int]:
    return list(
        db.execute(text("SELECT id FROM accounts WHERE geocode_status = 'pending' ORDER BY id"))
        .scalars()
        .all()
    )


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            "UPDATE users SET role = 'rep' WHERE id = 2",
            "votre rôle ne permet plus de lancer un géocodage",
        ),
        ("UPDATE users SET active = false WHERE id = 2", "l’utilisateur 2 n’est plus actif"),
    ],
)
def test_a_geocoding_run_by_a_starter_demoted_or_disabled_fails_and_geocodes_nothing(
    demo_db: Session, change: str, reason: str
) -> None:
    pending = _pending(demo_db)
    assert pending
    job_id = geocoding_jobs.start_geocoding(demo_db, actor=KARIM, offline=True)
    demo_db.execute(text(change))
    geocoding_jobs.run_geocoding_job(lambda: nullcontext(demo_db), job_id, settings=SETTINGS)
    job = job_store.job(demo_db, job_id)
    assert job is not None and job.status == "failed" and job.result is None
    assert job.error == f"Vous ne pouvez plus lancer ce géocodage : {reason}"
    assert _pending(demo_db) == pending
