"""Every refusal the trip/day planner raises reads in French at the edge: dates through
babel, decimals with a comma, no English word left (the planner itself keeps its data in
English sentences; :mod:`fieldcrm.http.error_text` translates them)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import SYSTEM
from fieldcrm.config import Settings
from fieldcrm.errors import FieldcrmError, Infeasible, InvalidInput, Problem
from fieldcrm.http.error_text import describe, describe_message, job_error_text
from fieldcrm.routing.realise import OutOfReach, Reach
from fieldcrm.services import planning, planning_jobs

ENGLISH = re.compile(
    r"\b(the|rep|cannot|reached|earliest|after|driving|what|must|needs|day|appointment"
    r"|outside|working|hours|before|starts|ends|trip|between|farther|road|home|address)\b",
    re.I,
)


def _settings() -> Settings:
    return Settings(_env_file=None, planner_detour_km=5, planner_max_candidates=12)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("raised", "french"),
    [
        (
            OutOfReach(
                [Reach("m", "RDV client Marseille", 0, "before", 36000, 36000, 37740)], days=1
            ),
            "Le rendez-vous « RDV client Marseille » de 10:00 est injoignable à temps"
            " (arrivée au plus tôt 10:29). Pour le tenir, commencez la tournée la veille et"
            " dormez sur place.",
        ),
        (
            OutOfReach([Reach("x", "RDV client Aix", 0, "after", 0, 66600, 67920)], days=1),
            "Après le rendez-vous « RDV client Aix », impossible d’être de retour à la maison pour"
            " 18:30 (retour au plus tôt 18:52). Pour rentrer, prolongez la tournée d’un jour et"
            " dormez sur place.",
        ),
        (
            Infeasible(
                "2026-12-23: what must happen needs 5.1 h of driving, more than the rep's"
                " maximum of 5.0 h"
            ),
            "mercredi 23 décembre 2026 : les rendez-vous et visites obligatoires demandent 5,1 h"
            " de route, plus que les 5,0 h autorisées par jour.",
        ),
        (
            Infeasible(
                "day 3: what must happen needs 9.4 h of driving, more than the rep's maximum of 8.0 h"
            ),
            "Jour 3 : les rendez-vous et visites obligatoires demandent 9,4 h de route, plus que"
            " les 8,0 h autorisées par jour.",
        ),
        (
            Infeasible("day 2: the fixed appointments do not fit in the working day"),
            "Jour 2 : les rendez-vous fixes ne tiennent pas dans la journée de travail.",
        ),
        (
            Infeasible("no plan satisfies the fixed appointments and the working days"),
            "Aucun plan ne respecte à la fois les rendez-vous fixes et les journées de travail.",
        ),
        (
            InvalidInput(
                "appointments[a1]",
                "appointment 'Salon' is outside working hours",
                value="07:00–08:00",
                allowed="08:30–18:30",
            ),
            "rendez-vous : le rendez-vous « Salon » est en dehors des heures de travail"
            " (reçu : « 07:00–08:00 ») ; attendu : 08:30–18:30",
        ),
        (
            InvalidInput(
                "appointments[a1]",
                "appointment 'Salon' is outside working hours, even 60 min beyond them",
                value="18:45–19:25",
                allowed="08:00–18:30",
            ),
            "rendez-vous : le rendez-vous « Salon » est en dehors des heures de travail, même avec"
            " 60 min de dépassement permis (départ plus tôt, retour plus tard) (reçu :"
            " « 18:45–19:25 ») ; attendu : 08:00–18:30",
        ),
        (
            InvalidInput(
                "home",
                "rep 6 (Sophie Durand) has no located home address; set it first",
                value=None,
            ),
            "adresse de départ : le commercial 6 (Sophie Durand) n’a pas d’adresse de départ localisée ;"
            " renseignez-la d’abord",
        ),
        (
            InvalidInput(
                "anchor_appointment_id",
                "not an appointment of rep 6 between 2026-04-21 and 2026-04-24",
                value=9,
            ),
            "rendez-vous d’ancrage : ce n’est pas un rendez-vous du"
            " commercial 6 entre le 2026-04-21 et le 2026-04-24 (reçu : 9)",
        ),
        (
            InvalidInput("stops", "stop farther than 2000 m from any road", value=[3]),
            "arrêts : arrêt à plus de 2000 m de toute route (reçu : [3])",
        ),
        (
            InvalidInput(problems=[Problem("end_day", "the trip ends before it starts")]),
            "dernier jour : la tournée finit avant de commencer",
        ),
        (
            InvalidInput("end", "must be 1 to 6 days after start", value="2026-04-20"),
            "fin : doit tomber 1 à 6 jours après le début (reçu : 20/04/2026)",
        ),
    ],
)
def test_each_planner_refusal_reads_in_french(raised: FieldcrmError, french: str) -> None:
    assert describe(raised, "fr") == french
    assert not ENGLISH.search(re.sub(r"\([\w\[\]]+\)|^[\w\[\]]+ :", "", french))
    english = describe(raised, "en")  # English readers read the original words
    if str(raised).startswith(("appointment '", "after appointment '")) and "(earliest" in str(
        raised
    ):  # an appointment out of reach: worded from its data (QA 18)
        assert english.startswith(("The appointment “", "After the appointment “")), english
        assert english.endswith("nearby.") and "'" not in english
    elif isinstance(raised, InvalidInput):  # without the code's path and quotes
        assert "(got '" not in english and "allowed:" not in english, english
        assert all(p.message in english for p in raised.problems), english
    else:
        assert english == str(raised)


def test_a_failed_trip_job_reads_in_french_behind_its_lead_in() -> None:
    refused = OutOfReach(
        [Reach("m", "RDV client Marseille", 0, "before", 36000, 36000, 37740)], days=1
    )
    stored = planning_jobs.failure_message(refused)
    said = (
        "Tournée impossible : le rendez-vous « RDV client Marseille » de 10:00 est injoignable"
        " à temps (arrivée au plus tôt 10:29)."
    )
    advice = " Pour le tenir, commencez la tournée la veille et dormez sur place."
    details = planning_jobs.failure_details(refused)
    assert job_error_text(stored, details, "fr") == said + advice
    assert job_error_text(stored, None, "fr") == said  # an older row did not say if a night helps
    invalid = planning_jobs.failure_message(
        InvalidInput("end_day", "the trip ends before it starts", value="2026-04-20")
    )
    assert describe_message(invalid, "fr") == (
        "Demande de tournée refusée : dernier jour : la tournée finit avant de commencer"
        " (reçu : 20/04/2026)"
    )
    unknown = "Tournée impossible : something new went wrong"
    assert describe_message(unknown, "fr") == unknown  # never half-translated


def test_the_real_driving_cap_refusal_reads_in_french(demo_db: Session) -> None:
    # Sophie may drive 8 h a day; Antibes → Paris for Wednesday 10:00 needs more.
    demo_db.execute(text("UPDATE users SET max_driving_minutes = 480 WHERE id = 6"))
    with pytest.raises(Infeasible) as raised:
        planning.plan_trip(
            demo_db,
            actor=SYSTEM,
            rep_id=6,
            start_day=dt.date(2026, 4, 21),
            end_day=dt.date(2026, 4, 24),
            time_limit_s=2,
            settings=_settings(),
        )
    french = describe(raised.value, "fr")
    assert french != str(raised.value)
    assert re.fullmatch(
        r"(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \d{1,2} avril 2026 : les rendez-vous"
        r" et visites obligatoires demandent \d+,\d h de route, plus que les 8,0 h autorisées"
        r" par jour\.",
        french,
    ), french
