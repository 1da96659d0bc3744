"""Trip planner: the form queues a planning job, the job page follows it, then leads to the
plan with both alternatives costed and the recommendation shown."""

from __future__ import annotations

import datetime as dt
import html
import re
from contextlib import nullcontext
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.config import Settings
from fieldcrm.pages.trip import travel_estimate
from fieldcrm.services import planning_jobs
from fieldcrm.store import jobs as job_store
from fieldcrm.store import plans as plan_store
from tests.web import ClientFactory

SETTINGS = Settings(
    database_url="postgresql+psycopg://unused/unused", planner_time_limit_s=3.0, _env_file=None
)
"""The worker's settings, as the test app's (a short search)."""


def french_eur(value: float) -> str:
    """An amount as the trip page writes it: « 1\u202f234,50\u00a0€ »."""
    whole, cents = f"{value:,.2f}".split(".")
    return f"{whole.replace(',', chr(0x202F))},{cents}\u00a0€"


def _amount(text: str) -> Decimal:
    found = re.search(r"([\d\u202f]+),(\d\d)\u00a0€", text)
    assert found is not None, text
    return Decimal(f"{found.group(1).replace(chr(0x202F), '')}.{found.group(2)}")


def allowance_lines(page: str) -> list[tuple[str, Decimal]]:
    """The lines of « Hôtel et repas » on the trip page: (kind, euros), in order (a night at
    home: 0)."""
    listed = page.split('id="allowances">', 1)[1].split("</ul>", 1)[0]
    return [
        (kind, _amount(text) if kind != "home" else Decimal(0))
        for kind, text in re.findall(r'<li class="(lunch|hotel|dinner|home)">(.*?)</li>', listed)
    ]


def cell(page: str, cell_id: str) -> str:
    found = re.search(rf'id="{cell_id}">([^<]*)</td>', page)
    assert found is not None, cell_id
    return found.group(1)


def total(page: str) -> str:
    found = re.search(
        r'id="allowances-total"><strong>Total hôtel et repas : ([^<]*)</strong>', page
    )
    assert found is not None
    return found.group(1)


def _count(db: Session, table: str) -> int:
    return int(db.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def _queue(client: TestClient, data: dict[str, str]) -> int:
    """Submit the trip form; the queued job's id (the answer is its page)."""
    answer = client.post("/tournee/planifier", data=data, follow_redirects=False)
    assert answer.status_code == 303, answer.text[:500]
    location = answer.headers["location"]
    assert location.startswith("/taches/")
    return int(location.rsplit("/", 1)[1])


def _run(db: Session, job_id: int) -> job_store.JobView:
    """Run the queued job in-process, as the worker would; the job afterwards."""
    planning_jobs.run_trip_job(lambda: nullcontext(db), job_id, settings=SETTINGS)
    job = job_store.job(db, job_id)
    assert job is not None
    return job


def test_rep_queues_a_trip_to_paris_and_lyon_and_the_job_leads_to_the_overnight_figures(
    api_as: ClientFactory, demo_db: Session
) -> None:
    # Sophie lives in Antibes; Wednesday 10:00 in Paris, Thursday 11:00 in Lyon.
    client = api_as(6)
    plans_before = _count(demo_db, "plans")
    job_id = _queue(client, {"start": "2026-04-21", "end": "2026-04-24"})
    assert _count(demo_db, "plans") == plans_before  # queued, not planned in the request
    queued = job_store.queue_jobs(demo_db, statuses=("todo",))
    assert any(q.task == job_store.PLAN_TRIP and q.args == {"job_id": job_id} for q in queued)
    job = job_store.job(demo_db, job_id)
    assert job is not None and (job.kind, job.status, job.user_id) == ("trip_plan", "queued", 6)
    assert job.label == "Tournée du 21/04 au 24/04 — Sophie Durand"
    waiting = client.get(f"/taches/{job_id}")
    assert waiting.status_code == 200 and 'data-status="queued"' in waiting.text
    assert "Tournée du 21/04/2026 au 24/04/2026 — Sophie Durand" in waiting.text
    assert "En attente d’un processus de fond…" in waiting.text
    assert 'data-then="/tournee?plan={plan_id}"' in waiting.text
    assert 'id="trip-plan-link"' not in waiting.text

    done = _run(demo_db, job_id)

    assert (done.status, done.done, done.total, done.error) == ("done", 4, 4, None)
    assert done.result is not None
    plan = plan_store.get_plan(demo_db, done.result["plan_id"])
    assert (plan.kind, plan.rep_id, plan.created_by) == ("trip", 6, 6)
    assert (plan.day, plan.end_day) == (dt.date(2026, 4, 21), dt.date(2026, 4, 24))
    assert [d["day"] for d in plan.result["days"]] == [
        "2026-04-21",
        "2026-04-22",
        "2026-04-23",
        "2026-04-24",
    ]
    assert _count(demo_db, "plans") == plans_before + 1
    job_page = client.get(f"/taches/{job_id}")
    assert job_page.status_code == 200 and "Tournée planifiée" in job_page.text
    link = f'id="trip-plan-link" href="/tournee?plan={plan.id}"'
    assert link in job_page.text
    assert "/static/js/job.js" not in job_page.text  # finished: nothing left to poll
    assert "Trip planned" in client.get(f"/taches/{job_id}", params={"lang": "en"}).text

    shown = client.get(f"/tournee?plan={plan.id}")
    assert shown.status_code == 200, shown.text[:500]
    page = shown.text
    assert (
        "Recommandation : dormir sur place" in page
    )  # going home each evening cannot reach Paris by 10:00
    assert "Rentrer chaque soir" in page and "Dormir sur place" in page
    assert page.count('class="card day"') == 4
    assert "<th>Hôtel et repas</th>" in page and "Hôtel et repas €" not in page
    # every euro of « Hôtel et repas » is listed, and the lines add up to the chosen column
    stay = plan.result["overnight"]["stay"]
    lines = allowance_lines(page)
    assert sum(eur for _kind, eur in lines) == Decimal(str(stay["hotel_and_meals_eur"]))
    assert cell(page, "stay-hotel-and-meals") == french_eur(stay["hotel_and_meals_eur"])
    assert total(page) == french_eur(stay["hotel_and_meals_eur"])
    hotels = [n for n in plan.result["nights"] if n["hotel"]]
    kinds = [kind for kind, _eur in lines]
    assert kinds.count("hotel") == kinds.count("dinner") == len(hotels) > 0
    assert kinds.count("lunch") >= 1, "the lunches away are charged, hence listed"
    assert 'value="2026-04-21"' in page and 'value="2026-04-24"' in page
    # the impossible alternative says so, with its reason in French, instead of dashes
    home = plan.result["overnight"]["home"]
    assert home["feasible"] is False and "cannot be reached" in home["error"]
    assert home["out_of_reach"]["side"] == "before"  # the data the reason is worded from
    assert "Clinique Riviera EURL" in home["out_of_reach"]["name"]
    assert 'id="home-infeasible">impossible</td>' in page
    reason = page.split('id="home-reason">', 1)[1].split("</p>", 1)[0]
    assert reason.startswith("Rentrer chaque soir : impossible — Le rendez-vous « ")
    assert "injoignable" in reason and "Clinique Riviera EURL" in reason
    assert "cannot" not in page and "earliest" not in page
    overnight = page.split('id="overnight"', 1)[1].split("</table>", 1)[0]
    assert "—" not in overnight
    # Paris and Lyon lie beyond the demo's road data: the km are estimates, and it says so
    travel = plan.result["travel"]
    assert travel.endswith("crowfly"), travel
    estimate = page.split('id="travel-estimate">', 1)[1].split("</p>", 1)[0]
    expected = "estimés à vol d’oiseau" if travel == "crowfly" else "Une partie des trajets"
    assert expected in estimate
    # and each day says, under its times, how many of its legs are estimated so
    said = re.findall(r'<p class="warning crowfly-times" data-legs="(\d+)">([^<]*)</p>', page)
    legs = [len(d["crowfly_legs"]) for d in plan.result["days"] if d["crowfly_legs"]]
    assert legs and [int(n) for n, _text in said] == legs
    plural = {n: "trajets" if int(n) > 1 else "trajet" for n, _text in said}
    assert all(f"pour {n} {plural[n]} hors du réseau routier chargé" in t for n, t in said)


def test_a_plan_says_whether_its_travel_times_are_estimates() -> None:
    assert travel_estimate("crowfly") == "all"
    assert travel_estimate("monaco+crowfly") == "some"
    assert travel_estimate("monaco") is None


def test_an_impossible_trip_fails_its_job_naming_the_appointment(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(6)
    plans_before = _count(demo_db, "plans")
    job_id = _queue(client, {"start": "2026-04-22", "end": "2026-04-23"})
    done = _run(demo_db, job_id)
    assert done.status == "failed" and done.error is not None
    assert done.error.startswith("Tournée impossible : ")
    assert "Clinique Riviera EURL" in done.error
    # no plan, the refusal's data instead: the page words it from that
    assert done.result is not None
    assert set(done.result) == {"head", "message", "out_of_reach", "advice"}
    reach = done.result["out_of_reach"]
    assert reach["side"] == "before" and "Clinique Riviera EURL" in reach["name"]
    assert _count(demo_db, "plans") == plans_before
    page = client.get(f"/taches/{job_id}")
    assert page.status_code == 200 and "Tournée non planifiée" in page.text
    assert 'id="job-error"' in page.text and "Clinique Riviera EURL" in page.text
    shown = page.text.split('id="job-error">', 1)[1].split("</p>", 1)[0]
    assert shown.startswith("Tournée impossible : ") and "injoignable" in shown, shown
    assert "cannot" not in shown and "earliest" not in shown
    english = client.get(f"/taches/{job_id}", params={"lang": "en"}).text
    said = html.unescape(english.split('id="job-error">', 1)[1].split("</p>", 1)[0])
    assert said.startswith("Trip impossible: the appointment “"), said  # from its data
    assert "Tournée" not in said
    assert 'id="trip-plan-link"' not in page.text


def test_rights_are_checked_again_when_the_job_runs(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """Claire queues a trip for Sophie, then Sophie leaves her team: the job is refused."""
    job_id = _queue(api_as(1), {"start": "2026-04-21", "end": "2026-04-24", "rep": "6"})
    demo_db.execute(text("UPDATE users SET manager_id = NULL WHERE id = 6"))
    plans_before = _count(demo_db, "plans")
    done = _run(demo_db, job_id)
    assert done.status == "failed" and done.error is not None
    assert done.error.startswith("Vous ne pouvez plus planifier cette tournée")
    assert _count(demo_db, "plans") == plans_before


def test_an_end_before_the_start_is_refused_naming_the_field(
    api_as: ClientFactory, demo_db: Session
) -> None:
    jobs_before = _count(demo_db, "jobs")
    response = api_as(6).post(
        "/tournee/planifier", data={"start": "2026-04-23", "end": "2026-04-22"}
    )
    assert response.status_code == 422
    assert "end" in response.text
    assert _count(demo_db, "jobs") == jobs_before


def test_a_rep_cannot_queue_a_trip_for_another_rep(api_as: ClientFactory, demo_db: Session) -> None:
    jobs_before = _count(demo_db, "jobs")
    queue_before = len(job_store.queue_jobs(demo_db, statuses=("todo",), limit=1000))
    response = api_as(6).post(
        "/tournee/planifier",
        data={"start": "2026-04-21", "end": "2026-04-24", "rep": "4"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert _count(demo_db, "jobs") == jobs_before
    assert len(job_store.queue_jobs(demo_db, statuses=("todo",), limit=1000)) == queue_before


def test_a_rep_cannot_plan_for_another_rep(api_as: ClientFactory) -> None:
    page = api_as(6).get("/tournee?start=2026-04-22&rep=4")
    assert page.status_code == 200 and 'name="rep" value="6"' in page.text


def test_a_stored_plan_is_shown_only_to_who_may_see_it(
    api_as: ClientFactory, demo_db: Session
) -> None:
    job_id = _queue(api_as(6), {"start": "2026-04-21", "end": "2026-04-24"})
    result = _run(demo_db, job_id).result
    assert result is not None
    plan_id = result["plan_id"]
    assert api_as(4).get(f"/tournee?plan={plan_id}").status_code == 403
    assert api_as(1).get(f"/tournee?plan={plan_id}").status_code == 200  # her manager
    assert api_as(4).get(f"/taches/{job_id}").status_code == 404  # another user's job
    day_plan = plan_store.save_plan(
        demo_db,
        rep_id=6,
        kind="day",
        day=dt.date(2026, 4, 21),
        end_day=None,
        request={},
        result={},
        created_by=6,
        proposals=[],
    )
    assert api_as(6).get(f"/tournee?plan={day_plan}").status_code == 404
