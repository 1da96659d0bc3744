"""Every refusal of a trip job is stored as data (its kind and the planner's own message) and
read in the reader's language, older rows too when their French lead-in is known; the
night-away advice is given only where the stored refusal says a night would hold it (never
on a trip's impossible alternative); a malformed stored refusal reads its stored text."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from fieldcrm.errors import FieldcrmError, Forbidden, Infeasible, InvalidInput, NotFound
from fieldcrm.http import error_text
from fieldcrm.routing.plan_model import Plan
from fieldcrm.routing.realise import OutOfReach, Reach
from fieldcrm.services import planning_build, planning_jobs
from fieldcrm.store import plans
from tests.pages.failed_trip_jobs import SOPHIE, failed_trip_job, shown_error
from tests.pages.test_refusal_data import ENGLISH_LYON, FRENCH_LYON, JOB_LYON_EN, LYON
from tests.pages.test_trip_allowances import CFG, D15, D16, TOULON, _stop, _trip
from tests.pages.test_trip_explained import HOME_FIGURES, _block, _replace
from tests.web import ClientFactory

NO_PLAN = "no plan satisfies the fixed appointments and the working days"
BARE_FR = FRENCH_LYON.split(" Pour le tenir,")[0]

REFUSALS: list[tuple[FieldcrmError, str, str]] = [
    (
        Infeasible(NO_PLAN),
        f"Trip impossible: {NO_PLAN}",
        "Tournée impossible : aucun plan ne respecte à la fois les rendez-vous fixes et les"
        " journées de travail.",
    ),
    (
        InvalidInput("end_day", "the trip ends before it starts", value="2026-04-20"),
        "Trip request refused: end day: the trip ends before it starts (got 20 Apr 2026)",
        "Demande de tournée refusée : dernier jour : la tournée finit avant de commencer"
        " (reçu : 20/04/2026)",
    ),
    (
        Forbidden("rep 4 may not plan for rep 6"),
        "You can no longer plan this trip: you do not have access to the data of rep 6.",
        "Vous ne pouvez plus planifier cette tournée : vous n’avez pas accès aux données du"
        " commercial 6.",
    ),
    (
        NotFound("rep", 99),
        "Trip impossible, data not found: rep 99 not found",
        "Tournée impossible, donnée introuvable : rep 99 not found",
    ),
]


@pytest.mark.parametrize(("refused", "english", "french"), REFUSALS)
def test_every_trip_job_refusal_reads_in_the_reader_s_language(
    refused: FieldcrmError, english: str, french: str
) -> None:
    stored = planning_jobs.failure_details(refused)
    assert stored["message"] == str(refused)
    error = planning_jobs.failure_message(refused)
    assert error_text.job_error_text(error, stored, "en") == english
    assert error_text.job_error_text(error, stored, "fr") == french
    # its data, not the French text beside it
    assert error_text.job_error_text("?", stored, "en") == english
    # an older row (its French text only) reads the same in French: its lead-in is known;
    # in English a refused input keeps its field's code name there (no data to word it from)
    if not isinstance(refused, InvalidInput):
        assert error_text.job_error_text(error, None, "en") == english
    assert error_text.job_error_text(error, None, "fr") == french


def test_an_older_out_of_reach_row_reads_in_english_without_advice() -> None:
    legacy = planning_jobs.failure_message(OutOfReach([LYON], days=1))
    bare = JOB_LYON_EN.split(" To keep it,")[0]
    assert error_text.job_error_text(legacy, None, "en") == bare
    # stored with its data before the kind and the advice were
    stored = {"out_of_reach": LYON.as_doc()}
    assert error_text.job_error_text(legacy, stored, "en") == bare
    unknown = "Import refusé : fichier vide"
    assert error_text.job_error_text(unknown, None, "en") == unknown


def test_the_failed_job_page_reads_a_plain_refusal_in_english(
    api_as: ClientFactory, demo_db: Session
) -> None:
    job_id = failed_trip_job(demo_db, Infeasible(NO_PLAN))
    assert shown_error(api_as(SOPHIE), job_id, "en") == f"Trip impossible: {NO_PLAN}"


def test_the_advice_is_stored_with_the_refusal_and_followed() -> None:
    inside = OutOfReach([Reach("a", "Salon", 1, "before", 9 * 3600, 9 * 3600, 10 * 3600)], days=3)
    assert planning_jobs.failure_details(inside)["advice"] is False
    first_day = OutOfReach([LYON], days=2)
    assert planning_jobs.failure_details(first_day)["advice"] is True
    error = planning_jobs.failure_message(inside)
    said = error_text.job_error_text(error, planning_jobs.failure_details(inside), "fr")
    assert said.startswith("Tournée impossible : le rendez-vous « Salon » de 09:00")
    assert "dormez sur place" not in said and "veille" not in said
    advised = error_text.job_error_text(error, planning_jobs.failure_details(first_day), "en")
    assert advised == JOB_LYON_EN
    # a trip planned instead of a day: stored only when a night away holds it
    assert error_text.refusal_text({"out_of_reach": LYON.as_doc(), "advice": False}, "?") == (
        BARE_FR
    )
    older = {"out_of_reach": LYON.as_doc(), "before": True, "after": False}
    assert error_text.refusal_text(older, "?", "en") == ENGLISH_LYON
    # a trip's impossible alternative stored before the advice was: none
    assert error_text.refusal_text({"feasible": False, "out_of_reach": LYON.as_doc()}, "?") == (
        BARE_FR
    )


def test_a_trip_s_impossible_alternatives_give_no_advice(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """« Dormir sur place : impossible — … dormez sur place » no more."""
    out = OutOfReach([LYON], days=2)
    result = Plan(
        days=(),
        nights=(),
        omissions=(),
        figures=HOME_FIGURES,
        all_home=HOME_FIGURES,
        away=None,
        no_night="no_plan",
        away_error=str(out),
        away_reach=LYON,
    )
    plan_id = _trip(demo_db, [(d, [_stop(d, 10, TOULON, None)], False) for d in (D15, D16)])
    doc = plans.get_plan(demo_db, plan_id).result
    doc["overnight"] = planning_build.overnight_json(result, doc, cfg=CFG)
    assert doc["overnight"]["stay"]["advice"] is False
    _replace(demo_db, plan_id, doc)
    page = api_as(4).get(f"/tournee?plan={plan_id}").text
    reason = _block(page, "stay-reason").replace("\u00a0", " ")
    assert reason == (
        "Dormir sur place : impossible — aucun plan avec une nuit à l’hôtel ne tient : le"
        f" rendez-vous {BARE_FR.removeprefix('Le rendez-vous ').rstrip('.')}."
    ), reason
    home = Plan(
        days=(),
        nights=(),
        omissions=(),
        figures=HOME_FIGURES,
        all_home=None,
        away=HOME_FIGURES,
        all_home_error=str(out),
        all_home_reach=LYON,
    )
    stored = planning_build.overnight_json(home, doc, cfg=CFG)["home"]
    assert stored["advice"] is False and stored["out_of_reach"] == LYON.as_doc()


@pytest.mark.parametrize(
    "broken",
    [
        {"name": "Salon Lyon QA18"},  # partial
        ["a", "Salon"],  # no mapping
        "Salon",
        {**LYON.as_doc(), "start_s": "09:00"},  # not its data
        {**LYON.as_doc(), "side": "middle"},
    ],
)
def test_a_malformed_stored_refusal_reads_its_stored_text(broken: object) -> None:
    legacy = str(OutOfReach([LYON], days=1))
    stored = {"out_of_reach": broken, "before": True}
    assert error_text.stored_refusal(stored) is None
    assert error_text.refusal_text(stored, legacy, "fr") == FRENCH_LYON
    assert error_text.refusal_text(stored, "Texte à garder.", "en") == "Texte à garder."
    job = {"head": "infeasible", "message": NO_PLAN, "out_of_reach": broken}
    assert error_text.job_error_text("?", job, "en") == f"Trip impossible: {NO_PLAN}"
