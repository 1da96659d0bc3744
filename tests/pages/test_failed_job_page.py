"""A failed job's page shows how it ended, not a progress bar that reads as a job under way."""

from __future__ import annotations

import html
import re

from sqlalchemy.orm import Session

from fieldcrm.errors import Infeasible, InvalidInput
from fieldcrm.http import error_text
from fieldcrm.services import planning_jobs
from fieldcrm.store import jobs as job_store
from tests.pages.failed_trip_jobs import (
    SOPHIE,
    fail_trip_job,
    failed_trip_job,
    running_trip_job,
)
from tests.pages.test_refusal_data import LYON, LYON_AFTER_COLON
from tests.web import ClientFactory


def test_a_failed_trip_job_shows_its_error_and_no_progress_bar(
    api_as: ClientFactory, demo_db: Session
) -> None:
    job_id = running_trip_job(demo_db, total=4)
    job_store.set_progress(demo_db, job_id, 2)
    running = api_as(SOPHIE).get(f"/taches/{job_id}")
    assert 'id="job-progress"' in running.text and "2 / 4" in running.text
    refused = Infeasible("no plan satisfies the fixed appointments and the working days")
    fail_trip_job(demo_db, job_id, refused)
    page = api_as(SOPHIE).get(f"/taches/{job_id}")
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


def test_the_day_a_failed_trip_replaced_reads_on_after_its_colon(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """« … qui ne se tient pas depuis la maison : le rendez-vous … »: French (and British
    English) go on in lower case after a colon. While the trip runs, the line says how a
    night away would hold the day (what the trip tries); once it failed, not (QA20b read
    « commencez la tournée la veille » above the trip's own refusal asking for 2 more days)."""
    instead = {"day": "2026-04-22", "refusal": "?", "out_of_reach": LYON.as_doc(), "advice": True}
    running = running_trip_job(demo_db, instead_of=instead)
    job_id = failed_trip_job(demo_db, Infeasible("no plan"), instead_of=instead)
    said = {
        "fr": "À la place de la journée du 22/04/2026, qui ne se tient pas depuis la maison :"
        f" {LYON_AFTER_COLON['fr']}",
        "en": f"In place of the day of 22 Apr 2026, which cannot be held from home: {LYON_AFTER_COLON['en']}",
    }
    advice = {
        "fr": " Pour le tenir, commencez la tournée la veille et dormez sur place.",
        "en": " To keep it, start the trip the day before and spend the night nearby.",
    }
    for lang, sentence in said.items():
        for job, shown in ((job_id, sentence.removesuffix(advice[lang])), (running, sentence)):
            page = api_as(SOPHIE).get(f"/taches/{job}", params={"lang": lang}).text
            found = re.search(r'id="job-instead-of">(.*?)</p>', page, re.S)
            assert found is not None, "no instead-of line"
            assert html.unescape(found.group(1)).replace("\xa0", " ") == shown
        assert sentence.endswith(advice[lang])
