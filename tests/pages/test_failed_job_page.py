"""A failed job's page shows how it ended, not a progress bar that reads as a job under way."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from fieldcrm.errors import Infeasible, InvalidInput
from fieldcrm.http import error_text
from fieldcrm.services import planning_jobs
from fieldcrm.store import jobs as job_store
from tests.web import ClientFactory


def test_a_failed_trip_job_shows_its_error_and_no_progress_bar(
    api_as: ClientFactory, demo_db: Session
) -> None:
    asked = {"start_day": "2026-04-22", "end_day": "2026-04-23", "rep_name": "Sophie Durand"}
    job_id = job_store.create_job(
        demo_db, kind=planning_jobs.KIND, label="Tournée", user_id=6, params=asked
    )
    job_store.mark_running(demo_db, job_id, total=4, now=dt.datetime.now(dt.UTC))
    job_store.set_progress(demo_db, job_id, 2)
    running = api_as(6).get(f"/taches/{job_id}")
    assert 'id="job-progress"' in running.text and "2 / 4" in running.text
    refused = Infeasible("no plan satisfies the fixed appointments and the working days")
    job_store.mark_failed(
        demo_db,
        job_id,
        error=planning_jobs.failure_message(refused),
        now=dt.datetime.now(dt.UTC),
    )
    page = api_as(6).get(f"/taches/{job_id}")
    assert page.status_code == 200
    assert 'id="job-error"' in page.text
    assert 'id="job-progress"' not in page.text and "2 / 4" not in page.text


def test_a_trip_refused_for_an_appointment_outside_the_hours_reads_french() -> None:
    """QA19: « Demande de tournée refusée : appointments[appointment:9]: appointment '…' is
    outside working hours (got '18:30–19:00') » was shown as is on a French page."""
    refused = InvalidInput(
        "appointments[appointment:9]",
        "appointment 'Visite Hôtel Carnot' is outside working hours",
        value="18:30–19:00",
        allowed="08:00–18:30",
    )
    stored = planning_jobs.failure_message(refused), planning_jobs.failure_details(refused)
    said = error_text.job_error_text(*stored, "fr")
    assert said == (
        "Demande de tournée refusée : rendez-vous : le rendez-vous « Visite Hôtel Carnot » est"
        " en dehors des heures de travail (reçu : « 18:30–19:00 ») ; attendu : 08:00–18:30"
    )
    assert error_text.job_error_text(*stored, "en").startswith("Trip request refused: ")
