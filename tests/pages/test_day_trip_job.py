"""« Ma journée » and the trip job queued in place of a day (Sophie's Wednesday in Paris,
:mod:`tests.pages.test_day_trip_instead`): queued once however often « Planifier » is
clicked, refused when it runs if the day was planned again or its appointments changed
meanwhile, and told on the day's page while it waits or runs, or once it failed."""

from __future__ import annotations

import datetime as dt
import html
import re

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.services import appointments, planning_jobs
from fieldcrm.store import jobs as job_store
from fieldcrm.store import plans as plan_store
from tests.pages.test_day_trip_instead import (
    WEDNESDAY,
    _jobs,
    _paris,
    _plans,
    _queued,
    _quick,
    _run,
)
from tests.web import ClientFactory

SOPHIE = Actor(6, Role.REP, "Sophie Durand")
DAY = f"/journee?date={WEDNESDAY}&rep=6"
NOTICE = re.compile(r'<section class="card" id="trip-job"[^>]*>(.*?)</section>', re.S)
JOB_ERROR = re.compile(r'<p class="error" role="alert" id="job-error">(.*?)</p>', re.S)


def _notice(page: str) -> str:
    found = NOTICE.search(page)
    assert found is not None, "no trip job notice"
    return html.unescape(found.group(1)).replace("\xa0", " ")


def _ask(client: TestClient) -> int:
    """« Planifier » clicked on the Wednesday: the trip job it leads to."""
    return _queued(
        client.post("/journee/planifier", data={"date": WEDNESDAY}, follow_redirects=False)
    )


def _queue_entries(db: Session, job_id: int) -> int:
    return sum(
        q.task == job_store.PLAN_TRIP and q.args == {"job_id": job_id}
        for q in job_store.queue_jobs(db, statuses=("todo",))
    )


def test_a_second_click_leads_to_the_trip_already_queued(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = _quick(api_as(6))
    first = _ask(client)
    jobs = _jobs(demo_db)
    again = _ask(client)
    assert again == first and _jobs(demo_db) == jobs  # the same job, none queued beside it
    assert _queue_entries(demo_db, first) == 1
    # once it ran, asking again asks again (its plan is the day's now)
    assert _run(demo_db, first).status == "done"
    third = _ask(client)
    assert third != first and _jobs(demo_db) == jobs + 1


def test_the_day_page_follows_the_trip_being_planned(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = _quick(api_as(6))
    job_id = _ask(client)
    page = client.get(DAY).text
    notice = _notice(page)
    assert "Tournée en cours de planification à la place de cette journée" in notice
    assert f'href="/taches/{job_id}"' in notice and "Voir sa progression" in notice
    assert 'id="plan-day"' not in page  # the link instead of « Planifier »
    english = client.get(f"{DAY}&lang=en").text
    notice = _notice(english)
    assert "Trip being planned in place of this day" in notice and "See its progress" in notice
    assert 'id="plan-day"' not in english
    assert _run(demo_db, job_id).status == "done"
    page = client.get(DAY).text
    assert NOTICE.search(page) is None  # planned: the trip's own block says it
    assert 'id="trip-instead"' in page and 'id="plan-day"' in page


def test_a_failed_trip_is_said_on_the_day_as_on_its_page(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """Brest at 08:05 from Nice: no trip holds it; the day says why, with the job's error."""
    demo_db.execute(
        text(
            """INSERT INTO appointments (rep_id, title, starts_at, ends_at, status, geom)
               VALUES (4, 'Salon de Brest', '2026-04-22 08:05+02', '2026-04-22 09:00+02',
                       'confirmed', ST_SetSRID(ST_MakePoint(-4.486, 48.390), 4326))"""
        )
    )
    client = _quick(api_as(4))
    job_id = _ask(client)
    assert _run(demo_db, job_id).status == "failed"
    day = f"/journee?date={WEDNESDAY}&rep=4"
    for lang in ("fr", "en"):
        page = client.get(f"{day}&lang={lang}").text
        shown = JOB_ERROR.search(client.get(f"/taches/{job_id}?lang={lang}").text)
        assert shown is not None
        notice = _notice(page)
        error = re.search(r'id="trip-job-error">(.*?)</p>', notice, re.S)
        assert error is not None and error.group(1) == html.unescape(shown.group(1))
        assert f'href="/taches/{job_id}"' in notice
        assert "Salon de Brest" in notice  # why the day alone does not hold
    said = _notice(client.get(day).text)
    assert (
        "Tournée impossible : le rendez-vous « Salon de Brest » du mercredi 22 avril 2026 à"
        " 08:05 est à " in said  # the drive too long for the days before it, with its figures
    )
    assert "À la place de la journée du 22/04/2026, qui ne se tient pas depuis la maison" in said
    english = _notice(client.get(f"{day}&lang=en").text)
    assert "In place of the day of 22 Apr 2026, which cannot be held from home:" in english
    assert "View the job" in english
    assert 'id="plan-day"' in client.get(day).text  # the rep may still ask again
    # the rep's manager reads the same day, and may open the job it links to
    manager = api_as(1)
    assert f'href="/taches/{job_id}"' in _notice(manager.get(day).text)
    assert manager.get(f"/taches/{job_id}").status_code == 200


def test_a_day_replanned_meanwhile_keeps_its_plan(api_as: ClientFactory, demo_db: Session) -> None:
    """Queued, then the far appointment cancelled and the day planned from home: the trip's
    run plans nothing on top of it, and says why."""
    client = _quick(api_as(6))
    job_id = _ask(client)
    paris, _start, _end = _paris(demo_db)
    appointments.cancel_appointment(demo_db, actor=SOPHIE, appointment_id=paris)
    answer = client.post("/journee/planifier", data={"date": WEDNESDAY}, follow_redirects=False)
    assert answer.headers["location"] == DAY  # planned from home now
    (day_plan,) = plan_store.list_plans(demo_db, rep_id=6, day=dt.date(2026, 4, 22), limit=1)
    assert day_plan.kind == "day"
    plans = _plans(demo_db)
    job = _run(demo_db, job_id)
    assert job.status == "failed"
    assert job.error == (
        "La journée du mercredi 22 avril 2026 a été replanifiée entre-temps : la tournée n’est"
        " pas planifiée."
    )
    assert job.result == {"changed": "replanned", "day": WEDNESDAY}
    assert _plans(demo_db) == plans
    (latest,) = plan_store.list_plans(demo_db, rep_id=6, day=dt.date(2026, 4, 22), limit=1)
    assert latest.id == day_plan.id
    page = client.get(DAY).text
    assert 'id="trip-instead"' not in page and NOTICE.search(page) is None
    said = {
        "fr": "La journée du mercredi 22 avril 2026 a été replanifiée entre-temps : la tournée"
        " n’est pas planifiée.",
        "en": "The day of Wednesday 22 April 2026 was planned again meanwhile: the trip is not"
        " planned.",
    }
    for lang, sentence in said.items():  # worded from the job's data, in the reader's language
        shown = JOB_ERROR.search(client.get(f"/taches/{job_id}", params={"lang": lang}).text)
        assert shown is not None and html.unescape(shown.group(1)) == sentence


def test_appointments_changed_meanwhile_refuse_the_trip_and_a_click_asks_again(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = _quick(api_as(6))
    first = _ask(client)
    paris, _start, _end = _paris(demo_db)
    appointments.move_appointment(
        demo_db,
        actor=SOPHIE,
        appointment_id=paris,
        changes=appointments.Changes(time=dt.time(10, 30)),
    )
    # still out of reach from home: the trip is asked again, for the day as it is now
    second = _ask(client)
    assert second != first
    assert f'href="/taches/{second}"' in _notice(client.get(DAY).text)
    again = _ask(client)
    assert again == second
    plans = _plans(demo_db)
    job = _run(demo_db, first)
    assert job.status == "failed" and _plans(demo_db) == plans
    assert job.error == (
        "Les rendez-vous du mercredi 22 avril 2026 ont changé entre-temps : la tournée n’est pas"
        " planifiée ;"
        " replanifiez la journée."
    )
    assert job.result == {"changed": "appointments", "day": WEDNESDAY}
    # the day page still follows the second one
    assert f'href="/taches/{second}"' in _notice(client.get(DAY).text)


def test_a_trip_asked_for_itself_is_never_refused_as_replanned(demo_db: Session) -> None:
    job_id = planning_jobs.start_trip_planning(
        demo_db,
        actor=SOPHIE,
        rep_id=6,
        start_day=dt.date(2026, 4, 21),
        end_day=dt.date(2026, 4, 22),
    )
    job = job_store.job(demo_db, job_id)
    assert job is not None and "day_as_asked" not in job.params
    assert planning_jobs.day_changed(demo_db, job, actor=SOPHIE) is None
