"""A trip over a weekend only (no day worked, no appointment booked) is refused by the form
itself — a 422, the form kept, the reason said once, by the form's alert, both dates marked,
in French (English for an English reader), nothing queued — and a run refused for it (or a job stored before) says it as a
sentence naming the days, never a Python tuple."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.errors import InvalidInput
from fieldcrm.services.planning_build import worked_days
from fieldcrm.store import jobs as job_store
from tests.pages.failed_trip_jobs import failed_trip_job, running_trip_job, shown_error
from tests.web import ClientFactory

SATURDAY, SUNDAY = dt.date(2026, 4, 25), dt.date(2026, 4, 26)
FRENCH = (
    "Aucun jour ouvré du samedi 25 avril 2026 au dimanche 26 avril 2026 (week-ends et jours"
    " fériés) : choisissez une période qui en compte un, ou un jour où un rendez-vous est pris."
)
ENGLISH = (
    "No working day from Saturday 25 April 2026 to Sunday 26 April 2026 (weekends and public"
    " holidays): choose a period with one, or a day with a booked appointment."
)


def _jobs(db: Session) -> int:
    return int(db.execute(text("SELECT count(*) FROM jobs")).scalar_one())


def _said(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).replace("\u00a0", " ").split())


@pytest.mark.parametrize(("lang", "said"), [("fr", FRENCH), ("en", ENGLISH)])
def test_a_weekend_only_trip_is_refused_by_the_form(
    api_as: ClientFactory, demo_db: Session, lang: str, said: str
) -> None:
    before = _jobs(demo_db)
    queued = len(job_store.queue_jobs(demo_db, statuses=("todo",), limit=1000))
    answer = api_as(6).post(
        f"/tournee/planifier?lang={lang}",
        data={"start": SATURDAY.isoformat(), "end": SUNDAY.isoformat()},
        follow_redirects=False,
    )
    assert answer.status_code == 422
    assert _said(answer.text).count(said) == 1, "said once, not again beside a date"
    alert = answer.text.split('id="trip-error">', 1)[1].split("</p>", 1)[0]
    assert _said(alert) == said
    assert "field-error" not in answer.text
    for name in ("start", "end"):  # the period is refused, not one of its dates
        marked = re.search(rf'<input type="date" name="{name}"[^>]*>', answer.text)
        assert marked and 'aria-invalid="true" aria-describedby="trip-error"' in marked[0]
    assert "('" not in answer.text and "(reçu" not in answer.text
    assert f'name="start" value="{SATURDAY.isoformat()}"' in answer.text, "the form is kept"
    assert f'name="end" value="{SUNDAY.isoformat()}"' in answer.text
    assert _jobs(demo_db) == before
    assert len(job_store.queue_jobs(demo_db, statuses=("todo",), limit=1000)) == queued


def test_a_weekend_with_an_appointment_is_still_queued(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """A day with an appointment booked is worked: the form does not refuse it."""
    demo_db.execute(
        text(
            """INSERT INTO appointments (rep_id, title, starts_at, ends_at, status)
               VALUES (6, 'Salon du samedi', CAST(:start AS timestamptz),
                       CAST(:end AS timestamptz), 'confirmed')"""
        ),
        {"start": f"{SATURDAY} 10:00 Europe/Paris", "end": f"{SATURDAY} 11:00 Europe/Paris"},
    )
    answer = api_as(6).post(
        "/tournee/planifier",
        data={"start": SATURDAY.isoformat(), "end": SUNDAY.isoformat()},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"].startswith("/taches/")


@pytest.mark.parametrize(("lang", "said"), [("fr", FRENCH), ("en", ENGLISH)])
def test_a_run_refused_for_no_working_day_says_it_as_a_sentence(
    api_as: ClientFactory, demo_db: Session, lang: str, said: str
) -> None:
    with pytest.raises(InvalidInput) as refused:  # as the run refuses it (problem_for)
        worked_days(SATURDAY, SUNDAY, booked=[], weekends=False)
    job_id = failed_trip_job(demo_db, refused.value)
    shown = shown_error(api_as(6), job_id, lang).replace("\u00a0", " ")
    lead = "Demande de tournée refusée : " if lang == "fr" else "Trip request refused: "
    assert shown == lead + said[:1].lower() + said[1:], shown


def test_a_job_stored_with_the_period_as_a_tuple_text_reads_as_a_sentence(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """A job refused before the period was kept as a list: its value is the tuple's text."""
    job_id = running_trip_job(demo_db)
    job_store.mark_failed(
        demo_db,
        job_id,
        error="Demande de tournée refusée : day: no working day in the period",
        now=dt.datetime.now(dt.UTC),
        details={
            "head": "refused",
            "message": "day: no working day in the period",
            "problems": [
                {
                    "field": "day",
                    "message": "no working day in the period",
                    "value": str((SATURDAY.isoformat(), SUNDAY.isoformat())),
                    "allowed": None,
                }
            ],
        },
    )
    shown = shown_error(api_as(6), job_id).replace("\u00a0", " ")
    assert shown == "Demande de tournée refusée : " + FRENCH[:1].lower() + FRENCH[1:], shown
