"""The geocoding screen: backlog, a batch queued as a job and its page, the review queue."""

from __future__ import annotations

from contextlib import nullcontext

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.config import Settings
from fieldcrm.services import geocoding_jobs
from fieldcrm.store import jobs as job_store
from tests.web import ClientFactory

SETTINGS = Settings(database_url="postgresql+psycopg://unused/unused", _env_file=None)


def _pending(db: Session) -> list[int]:
    return list(
        db.execute(text("SELECT id FROM accounts WHERE geocode_status = 'pending' ORDER BY id"))
        .scalars()
        .all()
    )


def test_office_queues_an_offline_batch_and_its_page_shows_the_counts(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """The button answers at once with the job's page, nothing geocoded in the request; once
    the worker has run the job, the same page shows what the batch did, with a way back."""
    office = api_as(2)
    page = office.get("/geocodage")
    assert page.status_code == 200 and "attendent leur géocodage" in page.text
    assert 'id="review"' in page.text
    pending = _pending(demo_db)
    assert pending
    batch = min(len(pending), geocoding_jobs.SCREEN_ACCOUNTS)
    answer = office.post("/geocodage", data={"offline": "true"}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/taches/")
    job_page = answer.headers["location"]
    job_id = int(job_page.rsplit("/", 1)[1])
    assert _pending(demo_db) == pending  # queued, not run in the request
    queued = job_store.queue_jobs(demo_db, statuses=("todo",))
    assert any(
        q.task == job_store.GEOCODE_ACCOUNTS and q.args == {"job_id": job_id} for q in queued
    )
    waiting = office.get(job_page)
    assert waiting.status_code == 200 and 'data-status="queued"' in waiting.text
    assert f"Géocodage de {batch} comptes" in waiting.text
    assert "En attente d’un processus de fond…" in waiting.text
    assert 'id="geocoding-report"' not in waiting.text

    geocoding_jobs.run_geocoding_job(lambda: nullcontext(demo_db), job_id, settings=SETTINGS)

    taken = pending[:batch]
    counts = dict(
        demo_db.execute(
            text("""SELECT geocode_status, count(*) FROM accounts WHERE id = ANY(:ids)
                    GROUP BY geocode_status"""),
            {"ids": taken},
        ).all()
    )
    assert sum(counts.values()) == batch and "pending" not in counts
    assert _pending(demo_db) == pending[batch:]
    done = office.get(job_page)
    assert done.status_code == 200 and 'data-status="done"' in done.text
    assert "Géocodage terminé" in done.text and 'id="geocoding-report"' in done.text
    placed = counts.get("matched", 0)
    assert (
        f"{batch} comptes traités : {placed} placé{'s' if placed > 1 else ''}, "
        f"{counts.get('to_review', 0)} à vérifier, {counts.get('failed', 0)} en échec."
    ) in done.text
    assert f'max="{batch}" value="{batch}"' in done.text
    assert 'href="/geocodage"' in done.text and 'id="import-report"' not in done.text
    english = office.get(job_page, params={"lang": "en"})
    assert "Geocoding done" in english.text
    assert api_as(4).get(job_page).status_code == 404  # another user's job
    assert api_as(4).get("/geocodage").status_code == 403
    assert api_as(4).post("/geocodage", data={"offline": "true"}).status_code == 403
