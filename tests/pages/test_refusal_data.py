"""An appointment out of reach is stored as data where it is kept (a failed trip job, a trip
planned instead of a day, a trip's impossible alternative) and worded from that data in the
reader's language; rows stored before, with the planner's English sentence only, still read
(the legacy reading)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import SYSTEM
from fieldcrm.errors import Infeasible
from fieldcrm.http import error_text
from fieldcrm.routing.realise import OutOfReach, Reach
from fieldcrm.services import planning, planning_jobs
from fieldcrm.store import jobs as job_store
from tests.pages.test_day_trip_instead import SETTINGS
from tests.web import ClientFactory

LYON = Reach("a", "Salon Lyon QA18", 0, "before", 9 * 3600, 9 * 3600, 11 * 3600 + 45 * 60)
LATE = Reach("b", "Salon", 0, "after", 17 * 3600, 18 * 3600, 19 * 3600)
ENGLISH_LYON = (
    "The appointment “Salon Lyon QA18” at 09:00 cannot be reached in time (earliest arrival"
    " 11:45). To keep it, start the trip the day before and spend the night nearby."
)
FRENCH_LYON = (
    "Le rendez-vous « Salon Lyon QA18 » de 09:00 est injoignable à temps (arrivée au plus"
    " tôt 11:45). Pour le tenir, commencez la tournée la veille et dormez sur place."
)


@pytest.mark.parametrize("reach", [LYON, LATE])
def test_a_reach_is_stored_as_plain_data_and_read_back(reach: Reach) -> None:
    doc = reach.as_doc()
    assert doc == {
        "key": reach.key,
        "name": reach.name,
        "day": reach.day,
        "side": reach.side,
        "start_s": reach.start_s,
        "limit_s": reach.limit_s,
        "earliest_s": reach.earliest_s,
        "movable": reach.movable,
    }
    assert Reach.from_doc(doc) == reach


def test_a_failed_trip_job_keeps_the_refusal_s_data() -> None:
    refused = OutOfReach([LYON, LATE], days=1)
    assert planning_jobs.failure_details(refused) == {
        "head": "infeasible",
        "message": str(refused),
        "out_of_reach": LYON.as_doc(),
        "advice": True,  # a night before the day, one after it: both next to the trip
    }
    assert planning_jobs.failure_details(Infeasible("no plan satisfies it")) == {
        "head": "infeasible",
        "message": "no plan satisfies it",
    }


def test_a_stored_refusal_is_worded_from_its_data_not_its_text() -> None:
    """The text kept beside the data is not read: any text gives the same sentence."""
    stored = {"out_of_reach": LYON.as_doc(), "advice": True}
    assert error_text.refusal_text(stored, "texte quelconque", "en") == ENGLISH_LYON
    assert error_text.refusal_text(stored, None, "fr") == FRENCH_LYON
    assert error_text.job_error_text("Tournée impossible : ?", stored, "en") == (
        f"Trip impossible: {ENGLISH_LYON}"
    )
    assert error_text.job_error_text("?", stored, "fr") == f"Tournée impossible : {FRENCH_LYON}"


def test_a_legacy_row_with_the_english_sentence_only_still_reads() -> None:
    legacy = str(OutOfReach([LYON], days=1))
    # a trip planned instead of a day (only when a night away holds it: the advice holds)
    older = {"refusal": legacy, "before": True, "after": False}
    assert error_text.refusal_text(older, legacy, "fr") == FRENCH_LYON
    # a failed job's row did not say whether a night next to the trip would help: no advice
    bare = FRENCH_LYON.split(" Pour le tenir,")[0]
    assert error_text.job_error_text(f"Tournée impossible : {legacy}", None, "fr") == (
        f"Tournée impossible : {bare}"
    )
    other = "Tournée impossible : something new went wrong"
    assert error_text.job_error_text(other, {}, "fr") == other
    assert error_text.job_error_text(None, None, "fr") == ""


def test_the_failed_job_page_words_the_stored_data_in_each_language(
    api_as: ClientFactory, demo_db: Session
) -> None:
    asked = {"start_day": "2026-04-22", "end_day": "2026-04-22", "rep_name": "Sophie Durand"}
    job_id = job_store.create_job(
        demo_db, kind=planning_jobs.KIND, label="Tournée", user_id=6, params=asked
    )
    refused = OutOfReach([LYON], days=1)
    job_store.mark_running(demo_db, job_id, total=None, now=dt.datetime.now(dt.UTC))
    job_store.mark_failed(
        demo_db,
        job_id,
        error=planning_jobs.failure_message(refused),
        now=dt.datetime.now(dt.UTC),
        details=planning_jobs.failure_details(refused),
    )
    job = job_store.job(demo_db, job_id)
    assert job is not None and job.result == planning_jobs.failure_details(refused)
    assert job.result["out_of_reach"] == LYON.as_doc() and job.result["advice"] is True
    client = api_as(6)
    for lang, said in (("en", f"Trip impossible: {ENGLISH_LYON}"), ("fr", None)):
        page = client.get(f"/taches/{job_id}", params={"lang": lang})
        assert page.status_code == 200
        shown = html.unescape(page.text.split('id="job-error">', 1)[1].split("</p>", 1)[0])
        assert shown == (said or f"Tournée impossible : {FRENCH_LYON}"), shown
        assert 'id="trip-plan-link"' not in page.text  # its data is no trip's result


def test_the_day_planned_as_a_trip_words_the_stored_data_in_each_language(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """The text stored beside the data is not what the day page shows; a plan stored before
    the data was (its English sentence only) still reads in French."""
    instead = {
        "day": "2026-04-22",
        "refusal": "texte quelconque",
        "out_of_reach": LYON.as_doc(),
        "before": True,
        "after": False,
    }
    plan = planning.plan_trip(
        demo_db,
        actor=SYSTEM,
        rep_id=4,
        start_day=dt.date(2026, 4, 21),
        end_day=dt.date(2026, 4, 22),
        settings=SETTINGS,
        now=dt.datetime(2026, 4, 15, 8, tzinfo=ZoneInfo("Europe/Paris")),
        instead_of=instead,
    )
    client = api_as(4)

    def why(lang: str) -> str:
        page = client.get("/journee", params={"date": "2026-04-22", "rep": 4, "lang": lang})
        found = re.search(r'<p id="trip-instead-why">(.*?)</p>', page.text, re.S)
        assert found is not None, "no trip-instead block"
        return html.unescape(found.group(1)).replace("\xa0", " ")

    assert why("en").endswith(f" {ENGLISH_LYON}")
    assert why("fr").endswith(f" {FRENCH_LYON}")
    legacy = instead | {"refusal": str(OutOfReach([LYON], days=1))}
    del legacy["out_of_reach"]
    demo_db.execute(
        text(
            "UPDATE plans SET result = jsonb_set(result, '{instead_of}', CAST(:n AS jsonb))"
            " WHERE id = :id"
        ),
        {"n": json.dumps(legacy), "id": plan.id},
    )
    assert why("fr").endswith(f" {FRENCH_LYON}")


def test_the_trip_page_words_an_impossible_alternative_from_its_data(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """« Rentrer chaque soir : impossible — … » from the stored data, not the text beside it."""
    plan = planning.plan_trip(
        demo_db,
        actor=SYSTEM,
        rep_id=4,
        start_day=dt.date(2026, 4, 21),
        end_day=dt.date(2026, 4, 22),
        settings=SETTINGS,
        now=dt.datetime(2026, 4, 15, 8, tzinfo=ZoneInfo("Europe/Paris")),
    )
    overnight = plan.result["overnight"]
    chosen = overnight[overnight["recommendation"]]
    home = {"feasible": False, "error": "texte quelconque", "out_of_reach": LATE.as_doc()}
    shown = overnight | {"recommendation": "stay", "stay": chosen, "home": home}
    demo_db.execute(
        text(
            "UPDATE plans SET result = jsonb_set(result, '{overnight}', CAST(:o AS jsonb))"
            " WHERE id = :id"
        ),
        {"o": json.dumps(shown), "id": plan.id},
    )
    client = api_as(4)
    for lang, said in (
        ("fr", "Rentrer chaque soir : impossible — Après le rendez-vous « Salon », le commercial"),
        ("en", "Go home every evening: not possible — After the appointment “Salon”, the rep"),
    ):
        page = client.get("/tournee", params={"plan": plan.id, "lang": lang})
        assert page.status_code == 200, page.text[:300]
        reason = page.text.split('id="home-reason">', 1)[1].split("</p>", 1)[0]
        reason = html.unescape(reason).replace("\xa0", " ")
        assert reason.startswith(said), reason
        assert "texte quelconque" not in reason
