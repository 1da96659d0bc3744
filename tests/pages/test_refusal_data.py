"""An appointment out of reach is stored as data where it is kept (a failed trip job, a trip
planned instead of a day, a trip's impossible alternative) and worded from that data in the
reader's language; rows stored before, with the planner's English sentence only, still read
(the legacy reading)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from typing import Any
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
from fieldcrm.store.plans import PlanRow
from tests.pages.failed_trip_jobs import SOPHIE, failed_trip_job, shown_error
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
LYON_AFTER_COLON = {
    "en": "the" + ENGLISH_LYON.removeprefix("The"),
    "fr": "le" + FRENCH_LYON.removeprefix("Le"),
}
"""The sentence continued after a colon: in lower case (« … ne se tient pas : le rendez-vous »)."""
JOB_LYON_EN = f"Trip impossible: {LYON_AFTER_COLON['en']}"
JOB_LYON_FR = f"Tournée impossible : {LYON_AFTER_COLON['fr']}"


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
    assert error_text.job_error_text("Tournée impossible : ?", stored, "en") == JOB_LYON_EN
    assert error_text.job_error_text("?", stored, "fr") == JOB_LYON_FR


def test_a_legacy_row_with_the_english_sentence_only_still_reads() -> None:
    legacy = str(OutOfReach([LYON], days=1))
    # a trip planned instead of a day (only when a night away holds it: the advice holds)
    older = {"refusal": legacy, "before": True, "after": False}
    assert error_text.refusal_text(older, legacy, "fr") == FRENCH_LYON
    # a failed job's row did not say whether a night next to the trip would help: no advice
    bare = JOB_LYON_FR.split(" Pour le tenir,")[0]
    assert error_text.job_error_text(f"Tournée impossible : {legacy}", None, "fr") == bare
    other = "Tournée impossible : something new went wrong"
    assert error_text.job_error_text(other, {}, "fr") == other
    assert error_text.job_error_text(None, None, "fr") == ""


def test_the_failed_job_page_words_the_stored_data_in_each_language(
    api_as: ClientFactory, demo_db: Session
) -> None:
    refused = OutOfReach([LYON], days=1)
    job_id = failed_trip_job(demo_db, refused)
    job = job_store.job(demo_db, job_id)
    assert job is not None and job.result == planning_jobs.failure_details(refused)
    assert job.result["out_of_reach"] == LYON.as_doc() and job.result["advice"] is True
    client = api_as(SOPHIE)
    for lang, said in (("en", JOB_LYON_EN), ("fr", JOB_LYON_FR)):
        assert shown_error(client, job_id, lang) == said
        page = client.get(f"/taches/{job_id}", params={"lang": lang})
        assert 'id="trip-plan-link"' not in page.text  # its data is no trip's result


def _camille_s_trip(db: Session, *, instead_of: dict[str, Any] | None = None) -> PlanRow:
    """Camille's trip of Tuesday and Wednesday 21–22 April 2026, planned (``instead_of``: the
    day it replaces)."""
    return planning.plan_trip(
        db,
        actor=SYSTEM,
        rep_id=4,
        start_day=dt.date(2026, 4, 21),
        end_day=dt.date(2026, 4, 22),
        settings=SETTINGS,
        now=dt.datetime(2026, 4, 15, 8, tzinfo=ZoneInfo("Europe/Paris")),
        instead_of=instead_of,
    )


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
    plan = _camille_s_trip(demo_db, instead_of=instead)
    client = api_as(4)

    def why(lang: str) -> str:
        page = client.get("/journee", params={"date": "2026-04-22", "rep": 4, "lang": lang})
        found = re.search(r'<p id="trip-instead-why">(.*?)</p>', page.text, re.S)
        assert found is not None, "no trip-instead block"
        return html.unescape(found.group(1)).replace("\xa0", " ")

    assert (
        why("en") == f"From home, Wednesday 22 April 2026 cannot be held: {LYON_AFTER_COLON['en']}"
    )
    assert (
        why("fr")
        == f"Depuis la maison, le mercredi 22 avril 2026 ne se tient pas : {LYON_AFTER_COLON['fr']}"
    )
    legacy = instead | {"refusal": str(OutOfReach([LYON], days=1))}
    del legacy["out_of_reach"]
    demo_db.execute(
        text(
            "UPDATE plans SET result = jsonb_set(result, '{instead_of}', CAST(:n AS jsonb))"
            " WHERE id = :id"
        ),
        {"n": json.dumps(legacy), "id": plan.id},
    )
    assert why("fr").endswith(f" : {LYON_AFTER_COLON['fr']}")


def test_the_trip_page_words_an_impossible_alternative_from_its_data(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """« Rentrer chaque soir : impossible — … » from the stored data, not the text beside it."""
    plan = _camille_s_trip(demo_db)
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
        (
            "fr",
            "Rentrer chaque soir : impossible — Après le rendez-vous « Salon », impossible d’être"
            " de retour à la maison pour 18:00 (retour au plus tôt 19:00).",
        ),
        (
            "en",
            "Go home every evening: not possible — After the appointment “Salon”, home cannot"
            " be reached by 18:00 (earliest return 19:00).",
        ),
    ):
        page = client.get("/tournee", params={"plan": plan.id, "lang": lang})
        assert page.status_code == 200, page.text[:300]
        reason = page.text.split('id="home-reason">', 1)[1].split("</p>", 1)[0]
        reason = html.unescape(reason).replace("\xa0", " ")
        assert reason.startswith(said), reason
        assert "texte quelconque" not in reason
