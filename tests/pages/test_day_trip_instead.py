"""« Ma journée » for a day that only holds as a trip: Sophie (Antibes) has a 10:00
appointment in Paris on Wednesday 22 April. Planning that day alone is refused; the trip
planner plans the same appointments from the day before instead (queued as a trip job, run
by the worker), with its hotel night and euros and a link to the trip — or says truthfully
why no such trip can be planned."""

from __future__ import annotations

import datetime as dt
import html
import re
from contextlib import nullcontext
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import SYSTEM
from fieldcrm.config import Settings
from fieldcrm.pages.trip_instead import why_text
from fieldcrm.routing.calendar import Stretch
from fieldcrm.routing.realise import OutOfReach, Reach
from fieldcrm.services import plan_dates, planning, planning_jobs, trip_instead
from fieldcrm.store import jobs as job_store
from fieldcrm.store import plans as plan_store
from tests.pages.test_trip import french_eur
from tests.web import ClientFactory

PARIS = ZoneInfo("Europe/Paris")
WEDNESDAY = "2026-04-22"
QUICK: dict[str, object] = {
    "planner_detour_km": 5,
    "planner_max_candidates": 12,
    "planner_time_limit_s": 3,
}
"""A small corridor (as the service tests plan in), so that the trip's search finds its plan
within the tests' short budget."""
SETTINGS = Settings(  # type: ignore[call-arg]
    database_url="postgresql+psycopg://unused/unused",
    planner_detour_km=5,
    planner_max_candidates=12,
    planner_time_limit_s=3,
    _env_file=None,
)
REFUSAL = re.compile(r'<p class="error" role="alert" id="day-refusal">(.*?)</p>', re.S)


def _quick(client: TestClient) -> TestClient:
    """``client`` whose app plans with :data:`QUICK`."""
    app = client.app
    app.state.settings = app.state.settings.model_copy(update=QUICK)  # type: ignore[attr-defined]
    return client


def _plans(db: Session) -> int:
    return int(db.execute(text("SELECT count(*) FROM plans")).scalar_one())


def _jobs(db: Session) -> int:
    return int(db.execute(text("SELECT count(*) FROM jobs")).scalar_one())


def _queued(answer: Response) -> int:
    """The trip job a POST /journee/planifier queued: its id (the answer leads to its page)."""
    assert answer.status_code == 303, answer.text[:500]
    found = re.fullmatch(r"/taches/(\d+)", answer.headers["location"])
    assert found is not None, answer.headers["location"]
    return int(found.group(1))


def _instead_line(page: str) -> str:
    """The job page's line naming the day the trip is planned in place of, and why."""
    found = re.search(r'<p class="muted" id="job-instead-of">(.*?)</p>', page, re.S)
    assert found is not None, "no instead-of line"
    return html.unescape(found.group(1)).replace("\xa0", " ")


def _run(db: Session, job_id: int, settings: Settings = SETTINGS) -> job_store.JobView:
    """Run the queued trip job in-process, as the worker would; the job afterwards."""
    planning_jobs.run_trip_job(lambda: nullcontext(db), job_id, settings=settings)
    job = job_store.job(db, job_id)
    assert job is not None
    return job


def _paris(db: Session) -> tuple[int, dt.datetime, dt.datetime]:
    """Sophie's Paris appointment: id, start, end."""
    row = db.execute(
        text(
            """SELECT id, starts_at, ends_at FROM appointments
               WHERE rep_id = 6 AND starts_at::date = :d AND status <> 'cancelled'"""
        ),
        {"d": dt.date(2026, 4, 22)},
    ).one()
    return int(row.id), row.starts_at, row.ends_at


def _block(page: str) -> str:
    found = re.search(r'<section class="card" id="trip-instead">(.*?)</section>', page, re.S)
    assert found is not None, "no trip-instead block"
    return html.unescape(found.group(1))


def test_a_day_out_of_reach_from_home_is_planned_as_the_trip_from_the_day_before(
    api_as: ClientFactory, demo_db: Session
) -> None:
    ap_id, starts, ends = _paris(demo_db)
    before = _plans(demo_db)
    client = _quick(api_as(6))
    with pytest.raises(OutOfReach):  # the day alone, as the API and the CLI plan it
        planning.plan_day(
            demo_db, actor=SYSTEM, rep_id=6, day=dt.date(2026, 4, 22), settings=SETTINGS
        )
    answer = client.post("/journee/planifier", data={"date": WEDNESDAY}, follow_redirects=False)
    job_id = _queued(answer)
    # the trip is not searched in the request: queued for the worker, as the trip page does
    assert _plans(demo_db) == before
    job = job_store.job(demo_db, job_id)
    assert job is not None and (job.kind, job.status, job.user_id) == ("trip_plan", "queued", 6)
    assert (job.params["start_day"], job.params["end_day"]) == ("2026-04-21", "2026-04-23")
    assert job.params["instead_of"]["day"] == WEDNESDAY
    queued = job_store.queue_jobs(demo_db, statuses=("todo",))
    assert any(q.task == job_store.PLAN_TRIP and q.args == {"job_id": job_id} for q in queued)
    waiting = client.get(answer.headers["location"]).text
    assert 'data-status="queued"' in waiting
    said = _instead_line(waiting)
    assert said.startswith(
        "À la place de la journée du 22/04/2026, qui ne se tient pas depuis la maison :"
        f" le rendez-vous « {job.params['instead_of']['out_of_reach']['name']} » de 10:00"
        " est injoignable"
    ), said
    # once planned, back to the day, which shows the trip in its place
    assert f'data-then="/journee?date={WEDNESDAY}&amp;rep=6"' in waiting
    assert f'href="/journee?date={WEDNESDAY}&amp;rep=6" id="back-to-day"' in waiting

    assert _run(demo_db, job_id).status == "done"
    assert _plans(demo_db) == before + 1
    (plan,) = plan_store.list_plans(demo_db, rep_id=6, day=dt.date(2026, 4, 22), limit=1)
    assert job_store.job(demo_db, job_id).result["plan_id"] == plan.id  # type: ignore[union-attr]
    assert (plan.kind, plan.day) == ("trip", dt.date(2026, 4, 21))
    note = plan.result["instead_of"]
    assert note == job.params["instead_of"]  # stored as queued, as the request planned it
    assert set(note) == {"day", "refusal", "out_of_reach", "advice", "before", "after"}
    assert note["day"] == WEDNESDAY and note["before"] is True and note["advice"] is True
    assert "cannot be reached" in note["refusal"]
    assert note["out_of_reach"]["side"] == "before"  # the data the page words it from
    assert f"'{note['out_of_reach']['name']}'" in note["refusal"]
    days = [d["day"] for d in plan.result["days"]]
    assert days[:2] == ["2026-04-21", WEDNESDAY]
    assert plan.end_day == dt.date.fromisoformat(days[-1])
    # the night before Wednesday is spent at a hotel; the appointment has not moved
    night = next(n for n in plan.result["nights"] if n["after"] == "2026-04-21")
    assert night["hotel"] is not None
    stop = next(s for d in plan.result["days"] for s in d["stops"] if s["appointment_id"] == ap_id)
    assert dt.datetime.fromisoformat(stop["start"]) == starts
    assert _paris(demo_db) == (ap_id, starts, ends)

    page = client.get(f"/journee?date={WEDNESDAY}&rep=6").text
    assert REFUSAL.search(page) is None
    block = _block(page)
    assert "Depuis la maison, le mercredi 22 avril 2026 ne se tient pas" in block
    assert "injoignable" in block and "cannot" not in block
    assert "du mardi 21 avril 2026 au" in block
    figures = plan.result["figures"]
    assert f"Nuit du 21/04/2026 à l’hôtel près de «\xa0{night['near']}\xa0»" in block
    assert f": {french_eur(night['price_eur'])}" in block
    assert f"Hôtel et repas : {french_eur(figures['hotel_and_meals_eur'])}" in block
    assert figures["hotel_and_meals_eur"] >= night["price_eur"] > 0
    assert f"frais kilométriques : {french_eur(figures['km_cost_eur'])}" in block
    assert f'href="/tournee?plan={plan.id}"' in block and "Ouvrir la tournée" in block
    # one click: the trip itself
    trip = client.get(f"/tournee?plan={plan.id}")
    assert trip.status_code == 200 and 'id="overnight"' in trip.text
    # the day before shows the same trip and the same block
    assert 'id="trip-instead"' in client.get("/journee?date=2026-04-21&rep=6").text


def test_a_monday_out_of_reach_says_the_sunday_before_is_not_worked(
    api_as: ClientFactory, demo_db: Session
) -> None:
    demo_db.execute(
        text(
            """UPDATE appointments SET starts_at = starts_at + interval '5 days',
                      ends_at = ends_at + interval '5 days'
               WHERE rep_id = 6 AND starts_at::date = :d"""
        ),
        {"d": dt.date(2026, 4, 22)},
    )
    before, jobs = _plans(demo_db), _jobs(demo_db)
    client = _quick(api_as(6))
    answer = client.post("/journee/planifier", data={"date": "2026-04-27"}, follow_redirects=False)
    # said at once, back on the day: nothing planned nor queued
    assert answer.headers["location"] == "/journee?date=2026-04-27&rep=6"
    assert (_plans(demo_db), _jobs(demo_db)) == (before, jobs)
    answer = client.get(answer.headers["location"])
    refusal = REFUSAL.search(answer.text)
    assert refusal is not None
    said = html.unescape(refusal.group(1))
    assert "injoignable" in said
    assert (
        "Partir la veille est impossible : le dimanche 26 avril 2026 n’est pas un jour travaillé."
        in said
    )
    assert 'id="trip-instead"' not in answer.text


def test_weekends_worked_make_the_sunday_trip(demo_db: Session) -> None:
    demo_db.execute(
        text(
            """UPDATE appointments SET starts_at = starts_at + interval '5 days',
                      ends_at = ends_at + interval '5 days'
               WHERE rep_id = 6 AND starts_at::date = :d"""
        ),
        {"d": dt.date(2026, 4, 22)},
    )
    settings = SETTINGS.model_copy(update={"planner_work_weekends": True})
    queued = trip_instead.plan_day_or_queue_trip(
        demo_db, actor=SYSTEM, rep_id=6, day=dt.date(2026, 4, 27), settings=settings
    )
    assert queued.plan is None and queued.trip_job_id is not None
    assert _run(demo_db, queued.trip_job_id, settings).status == "done"
    (plan,) = plan_store.list_plans(demo_db, rep_id=6, day=dt.date(2026, 4, 27), limit=1)
    assert (plan.kind, plan.day) == ("trip", dt.date(2026, 4, 26))
    assert plan.result["instead_of"]["day"] == "2026-04-27"


def test_the_day_before_already_past_is_said(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    morning = dt.datetime(2026, 4, 22, 7, 0, tzinfo=PARIS)
    monkeypatch.setattr(plan_dates, "now", lambda: morning)
    before, jobs = _plans(demo_db), _jobs(demo_db)
    with pytest.raises(trip_instead.NoTripEither) as refused:
        trip_instead.plan_day_or_queue_trip(
            demo_db,
            actor=SYSTEM,
            rep_id=6,
            day=dt.date(2026, 4, 22),
            now=morning,
            settings=SETTINGS,
        )
    assert refused.value.why == "past"
    assert (
        why_text(refused.value, "fr")
        == "Partir la veille est impossible : le mardi 21 avril 2026 est passé."
    )
    assert (
        why_text(refused.value, "en")
        == "Leaving the day before is impossible: Tuesday 21 April 2026 is past."
    )
    assert "cannot be reached" in str(refused.value)
    assert (_plans(demo_db), _jobs(demo_db)) == (before, jobs)  # nothing planned nor queued
    # the page says it at once, back on the day
    client = _quick(api_as(6))
    answer = client.post("/journee/planifier", data={"date": WEDNESDAY}, follow_redirects=False)
    assert answer.headers["location"] == f"/journee?date={WEDNESDAY}&rep=6"
    refusal = REFUSAL.search(client.get(answer.headers["location"]).text)
    assert refusal is not None
    assert "Partir la veille est impossible : le mardi 21 avril 2026 est passé." in (
        html.unescape(refusal.group(1))
    )
    assert (_plans(demo_db), _jobs(demo_db)) == (before, jobs)


def test_a_trip_that_cannot_hold_it_either_fails_its_job(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """Brest at 08:05 from Nice: even from the day before, the drive is longer than a
    working day; the trip is queued, and its job fails with the trip planner's refusal,
    worded as any trip job's: the drive is longer than all the days until then may drive,
    with its figures and what it would take at least."""
    demo_db.execute(
        text(
            """INSERT INTO appointments (rep_id, title, starts_at, ends_at, status, geom)
               VALUES (4, 'Salon de Brest', '2026-04-22 08:05+02', '2026-04-22 09:00+02',
                       'confirmed', ST_SetSRID(ST_MakePoint(-4.486, 48.390), 4326))"""
        )
    )
    before = _plans(demo_db)
    client = _quick(api_as(4))
    answer = client.post("/journee/planifier", data={"date": WEDNESDAY}, follow_redirects=False)
    job_id = _queued(answer)
    job = job_store.job(demo_db, job_id)
    # out of reach on both sides (back in Nice the same evening neither): Tuesday to Thursday
    assert job is not None
    assert (job.params["start_day"], job.params["end_day"]) == ("2026-04-21", "2026-04-23")
    job = _run(demo_db, job_id)
    assert job.status == "failed" and job.error is not None
    assert job.error.startswith("Tournée impossible : ")  # as any trip job's refusal
    assert _plans(demo_db) == before
    page = client.get(f"/taches/{job_id}").text
    error = re.search(r'<p class="error" role="alert" id="job-error">(.*?)</p>', page, re.S)
    assert error is not None
    # why, with its figures: Camille drives 5 h a day at most; Tuesday and Wednesday until
    # 08:05 drive 5 h 05 of the way to Brest — and back, Wednesday's 5 h and Thursday's
    shown = html.unescape(error.group(1))
    assert re.fullmatch(
        r"Tournée impossible : le rendez-vous « Salon de Brest » du mercredi 22 avril 2026 à"
        r" 08:05 est à \d+ h( \d\d)? de route de la maison : il n’y a que 5 h 05 de route"
        r" possibles d’ici là \(1 jour de tournée avant lui, 5 h de route au plus par jour\)\."
        r" Pour le tenir à 08:05, il faudrait au moins 2 jours de route de plus avant lui, des"
        r" jours travaillés enchaînés par des nuits sur place \(un week-end ou un jour férié"
        r" interrompt la tournée\)\. Pour rentrer ensuite, il faudrait aussi au moins 1 jour de"
        r" route de plus après lui\.",
        shown,
    ), shown
    stored = job.result["out_of_reach"]["drive"]  # kept as data, worded when read
    assert (stored["days"], stored["within_s"], stored["cap_s"]) == (1, 5 * 3600 + 300, 5 * 3600)
    english = re.search(
        r'id="job-error">(.*?)</p>', client.get(f"/taches/{job_id}?lang=en").text, re.S
    )
    assert english is not None
    assert "appointment “Salon de Brest” on Wednesday 22 April 2026 at 08:05 is" in html.unescape(
        english.group(1)
    )
    assert (
        "of driving from home: only 5 h 5 min of driving is possible until then (1 day of the trip"
        " before it, at most 5 h of driving a day). To keep it at 08:05, it would take at least"
        " 2 days more of driving before it, working days joined by nights away (a weekend or a"
        " public holiday breaks the trip). To get back afterwards, it would also take at least 1"
        " day more of driving after it." in html.unescape(english.group(1))
    )
    # and why the day itself was refused, above it
    assert _instead_line(page).startswith(
        "À la place de la journée du 22/04/2026, qui ne se tient pas depuis la maison :"
        " le rendez-vous « Salon de Brest » de 08:05 est injoignable"
    )


def test_any_other_refusal_is_unchanged(api_as: ClientFactory, demo_db: Session) -> None:
    """Two appointments that cannot follow one another: no trip would help, none is tried."""
    demo_db.execute(
        text(
            """INSERT INTO appointments (rep_id, title, starts_at, ends_at, geom)
               VALUES (4, 'Salon Paris', '2026-04-21 11:30+02', '2026-04-21 12:00+02',
                       ST_SetSRID(ST_MakePoint(2.35, 48.85), 4326))"""
        )
    )
    before, jobs = _plans(demo_db), _jobs(demo_db)
    page = _quick(api_as(4)).post("/journee/planifier", data={"date": "2026-04-21"}).text
    refusal = REFUSAL.search(page)
    assert refusal is not None
    said = html.unescape(refusal.group(1))
    assert "Salon Paris" in said and "Tournée essayée" not in said and "veille" not in said
    assert (_plans(demo_db), _jobs(demo_db)) == (before, jobs)


def test_the_block_is_in_english_for_english_readers(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = _quick(api_as(6))
    answer = client.post("/journee/planifier", data={"date": WEDNESDAY}, follow_redirects=False)
    job_id = _queued(answer)
    waiting = client.get(f"/taches/{job_id}?lang=en").text
    said = _instead_line(waiting)
    assert said.startswith("In place of the day of 22 Apr 2026, which cannot be held from home:")
    continued = r"from home: the appointment “.+” at 10:00 cannot be reached in time"
    assert re.search(continued, said), said
    assert "Back to “My day”" in html.unescape(waiting)
    _run(demo_db, job_id)
    block = _block(client.get(f"/journee?date={WEDNESDAY}&rep=6&lang=en").text)
    assert "Day planned as a trip" in block and "Open the trip" in block


def test_a_late_appointment_out_of_reach_makes_the_trip_to_the_day_after(
    demo_db: Session,
) -> None:
    """Camille (Nice) at 17:00 in Marseille: reached in time, but not back home by 18:30; the
    trip ends the day after, the night after the day spent at a hotel."""
    demo_db.execute(
        text(
            """INSERT INTO appointments (rep_id, title, starts_at, ends_at, status, geom)
               VALUES (4, 'Salon de Marseille', '2026-04-22 17:00+02', '2026-04-22 17:30+02',
                       'confirmed', ST_SetSRID(ST_MakePoint(5.37, 43.30), 4326))"""
        )
    )
    with pytest.raises(OutOfReach) as refused:
        planning.plan_day(
            demo_db, actor=SYSTEM, rep_id=4, day=dt.date(2026, 4, 22), settings=SETTINGS
        )
    assert refused.value.extends == (False, True)
    queued = trip_instead.plan_day_or_queue_trip(
        demo_db, actor=SYSTEM, rep_id=4, day=dt.date(2026, 4, 22), settings=SETTINGS
    )
    assert queued.plan is None and queued.trip_job_id is not None
    assert _run(demo_db, queued.trip_job_id).status == "done"
    (plan,) = plan_store.list_plans(demo_db, rep_id=4, day=dt.date(2026, 4, 22), limit=1)
    assert (plan.kind, plan.day, plan.end_day) == (
        "trip",
        dt.date(2026, 4, 22),
        dt.date(2026, 4, 23),
    )
    reach = plan.result["instead_of"]["out_of_reach"]
    assert plan.result["instead_of"] | {"refusal": "", "out_of_reach": {}} == {
        "day": WEDNESDAY,
        "refusal": "",
        "out_of_reach": {},
        "advice": True,
        "before": False,
        "after": True,
    }
    assert "cannot be back by 18:30" in plan.result["instead_of"]["refusal"]
    # the refusal's data, which the day page words: back home by 18:30 at the latest
    assert (reach["name"], reach["side"], reach["limit_s"]) == (
        "Salon de Marseille",
        "after",
        18 * 3600 + 30 * 60,
    )
    (night,) = plan.result["nights"]
    assert night["after"] == WEDNESDAY and night["hotel"] is not None
    salon = next(s for s in plan.result["days"][0]["stops"] if s["name"] == "Salon de Marseille")
    assert salon["start"] == "2026-04-22T17:00:00+02:00"


def test_an_english_reader_reads_why_no_trip_holds_the_day_in_english(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """QA: « Partir la veille est impossible » stayed French for an English reader."""
    demo_db.execute(
        text(
            """UPDATE appointments SET starts_at = starts_at + interval '5 days',
                      ends_at = ends_at + interval '5 days'
               WHERE rep_id = 6 AND starts_at::date = :d"""
        ),
        {"d": dt.date(2026, 4, 22)},
    )
    client = _quick(api_as(6))
    answer = client.post("/journee/planifier?lang=en", data={"date": "2026-04-27"})
    refusal = REFUSAL.search(answer.text)
    assert refusal is not None
    said = html.unescape(refusal.group(1)).replace("\xa0", " ")
    assert (
        "Leaving the day before is impossible: Sunday 26 April 2026 is not a working day." in said
    )
    assert not re.search(r"impossible :|veille|dimanche|travaillé", said), said


def test_every_reason_no_trip_holds_the_day_in_each_language() -> None:
    """The reasons are data (NoTripEither.why); the page words them in the reader's language."""
    refused = OutOfReach([Reach("a", "Salon", 0, "after", 17 * 3600, 18 * 3600, 19 * 3600)], days=1)
    friday = dt.date(2026, 4, 24)
    saturday = friday + dt.timedelta(days=1)
    off = trip_instead.NoTripEither(
        refused, Stretch(friday, saturday, (saturday,)), "day_off", day=friday
    )
    assert why_text(off, "fr") == (
        "Rentrer le lendemain est impossible : le samedi 25 avril 2026 n’est pas un jour travaillé."
    )
    assert why_text(off, "en") == (
        "Coming back the day after is impossible: Saturday 25 April 2026 is not a working day."
    )
