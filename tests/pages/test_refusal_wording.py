"""Refusals worded for the reader in their language, from the refusal's data (QA 18): a
policy refusal in English (never the policy's « rep 4 may not rules.read »), an appointment
out of reach in English, and no advice to leave the day before when that day is off."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import replace

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth import policy
from fieldcrm.auth.policy import RULES, roles_for
from fieldcrm.auth.roles import Actor, Role
from fieldcrm.errors import Forbidden
from fieldcrm.http import error_text
from fieldcrm.pages.trip_instead import no_trip_text
from fieldcrm.routing.calendar import Stretch
from fieldcrm.routing.realise import OutOfReach, Reach
from fieldcrm.services.trip_instead import NoTripEither
from tests.pages.test_day_trip_instead import REFUSAL, _quick
from tests.web import ClientFactory

MONDAY = dt.date(2026, 12, 14)
SUNDAY = MONDAY - dt.timedelta(days=1)
LYON = Reach("a", "Salon Lyon QA18", 0, "before", 9 * 3600, 9 * 3600, 11 * 3600 + 45 * 60)
LATE = Reach("b", "Salon", 0, "after", 17 * 3600, 18 * 3600, 19 * 3600)


@pytest.mark.parametrize("action", sorted(RULES))
def test_every_policy_action_has_a_refusal_sentence_in_each_language(action: str) -> None:
    allowed = min(roles_for(action))  # a role that may do it, refused this once
    french = error_text.describe(Forbidden(f"{allowed} 4 may not {action}"), "fr")
    english = error_text.describe(Forbidden(f"{allowed} 4 may not {action}"), "en")
    assert french == f"Vous n’avez pas le droit {_of(error_text.ACTIONS[action])}."
    assert english == f"You are not allowed to {error_text.ACTIONS_EN[action]}."
    assert "may not" not in french + english
    assert not re.search(r"\w\.\w", english)  # no action id (rules.read) shown


@pytest.mark.parametrize("action", sorted(a for a in RULES if roles_for(a) != set(Role)))
def test_a_role_that_never_may_is_told_whom_the_action_is_reserved_to(action: str) -> None:
    """QA 22: karim (dispatcher) and camille (rep 4) editing a territory read « pas accès aux
    données du commercial 4 »: the refusal is about their role, whoever's data it is."""
    refused_role = next(r for r in Role if r not in roles_for(action))
    french, english = (
        error_text.describe(Forbidden(f"{refused_role} 4 may not {action} for rep 4"), lang)
        for lang in ("fr", "en")
    )
    what = error_text.ACTIONS[action]
    assert french.startswith(what[:1].upper() + what[1:] + " est réservé aux ")
    assert english.startswith("Only ") and english.endswith(
        f" may {error_text.ACTIONS_EN[action]}."
    )
    for role in Role:
        plural_fr, plural_en = error_text.ROLE_PLURALS[role]
        assert (plural_fr in french) is (role in roles_for(action)), french
        assert (plural_en in english) is (role in roles_for(action)), english
    assert "commercial 4" not in french and "rep 4" not in english


@pytest.mark.parametrize(
    ("user", "lang", "said"),
    [
        (2, "fr", "Modifier les territoires est réservé aux responsables et aux administrateurs."),
        (4, "fr", "Modifier les territoires est réservé aux responsables et aux administrateurs."),
        (2, "en", "Only managers and administrators may edit the territories."),
        (4, "en", "Only managers and administrators may edit the territories."),
    ],
)
def test_a_dispatcher_or_a_rep_editing_a_territory_is_told_why(
    api_as: ClientFactory, user: int, lang: str, said: str
) -> None:
    client = api_as(user)
    etag = client.get("/api/territories/1").headers["etag"]
    refused = client.patch(
        f"/api/territories/1?lang={lang}", json={"priority": 1}, headers={"If-Match": etag}
    )
    assert refused.status_code == 403
    assert refused.json()["text"] == said


def test_a_manager_of_another_team_and_a_manager_on_her_own_month_are_told_why() -> None:
    other = Actor(9, Role.MANAGER, team=frozenset({7}))
    with pytest.raises(Forbidden) as out_of_scope:
        policy.require(other, "territory.edit", owner_id=4)
    assert error_text.describe(out_of_scope.value, "fr") == (
        "Vous n’avez pas accès aux données du commercial 4."
    )
    claire = Actor(1, Role.MANAGER, team=frozenset({4, 5}))
    with pytest.raises(Forbidden) as own:
        policy.require(claire, "costs.validate", owner_id=1)
    assert error_text.describe(own.value, "fr") == (
        "Vous n’avez pas le droit de valider les frais pour vous-même."
    )
    assert error_text.describe(own.value, "en") == (
        "You are not allowed to approve the expenses for yourself."
    )


def _of(what: str) -> str:
    return ("d’" if what[0] in "aeiouéè" else "de ") + what


def test_a_refusal_for_another_reps_data_reads_in_english() -> None:
    refused = Forbidden("manager 1 may not plan for rep 6")
    assert error_text.describe(refused, "en") == "You do not have access to the data of rep 6."
    assert error_text.describe(Forbidden("rep 4 may not unknown.thing"), "en") == (
        "You are not allowed to do this."
    )


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "fr",
            "Consulter les règles est réservé aux responsables, aux répartiteurs et aux"
            " administrateurs.",
        ),
        ("en", "Only managers, dispatchers and administrators may view the rules."),
    ],
)
def test_a_rep_on_the_rules_page_reads_the_refusal_in_their_language(
    api_as: ClientFactory, lang: str, said: str
) -> None:
    page = api_as(4).get(f"/regles?lang={lang}")
    assert page.status_code == 403
    assert said in html.unescape(page.text)
    assert "may not" not in page.text and "rules.read" not in page.text


def test_an_appointment_out_of_reach_is_worded_from_its_data_in_each_language() -> None:
    refused = OutOfReach([LYON], days=1)
    assert error_text.describe(refused, "en") == (
        "The appointment “Salon Lyon QA18” at 09:00 cannot be reached in time (earliest"
        " arrival 11:45). To keep it, start the trip the day before and spend the night nearby."
    )
    assert error_text.describe(refused, "fr") == (
        "Le rendez-vous « Salon Lyon QA18 » de 09:00 est injoignable à temps (arrivée au plus"
        " tôt 11:45). Pour le tenir, commencez la tournée la veille et dormez sur place."
    )
    late = OutOfReach([LATE], days=1)
    assert error_text.describe(late, "en") == (
        "After the appointment “Salon”, home cannot be reached by 18:00 (earliest return"
        " 19:00). To get back, extend the trip by a day and spend the night nearby."
    )
    # as a trip planned instead stored it before its data (its sentence, the night that
    # holds it), read back the same way
    for exc, lang in ((refused, "en"), (late, "fr")):
        before, after = exc.extends or (False, False)
        older = {"refusal": str(exc), "before": before, "after": after}
        assert error_text.refusal_text(older, str(exc), lang) == error_text.describe(exc, lang)


def test_inside_a_trip_no_night_away_is_advised() -> None:
    """An appointment out of reach on a middle day: a night next to the trip would not help."""
    inside = OutOfReach([Reach("a", "Salon", 1, "before", 9 * 3600, 9 * 3600, 10 * 3600)], days=3)
    assert inside.extends is None
    said = error_text.describe(inside, "fr")
    assert said.startswith("Le rendez-vous « Salon » de 09:00 est injoignable")
    assert "veille" not in said


def test_a_monday_out_of_reach_is_not_advised_the_sunday_it_cannot_use() -> None:
    """QA 18: « commencez la tournée la veille » then « Partir la veille est impossible »."""
    off = NoTripEither(
        OutOfReach([LYON], days=1), Stretch(SUNDAY, MONDAY, (SUNDAY,)), "day_off", day=MONDAY
    )
    assert no_trip_text(off, "fr") == (
        "Le rendez-vous « Salon Lyon QA18 » de 09:00 est injoignable à temps (arrivée au plus"
        " tôt 11:45). Partir la veille est impossible : le dimanche 13 décembre 2026 n’est pas"
        " un jour travaillé. Pour le tenir depuis la maison, placez-le à 11:45 au plus tôt, ou"
        " un autre jour dont la veille est travaillée."
    )
    assert no_trip_text(off, "en") == (
        "The appointment “Salon Lyon QA18” at 09:00 cannot be reached in time (earliest"
        " arrival 11:45). Leaving the day before is impossible: Sunday 13 December 2026 is not"
        " a working day. To keep it from home, move it to 11:45 or later, or to another day"
        " whose day before is worked."
    )
    past = NoTripEither(OutOfReach([LYON], days=1), Stretch(SUNDAY, MONDAY), "past", day=MONDAY)
    assert "veille et dormez" not in no_trip_text(past, "fr")
    assert "placez-le à 11:45 au plus tôt" in no_trip_text(past, "fr")


def test_a_friday_back_too_late_is_not_advised_the_saturday_it_cannot_use() -> None:
    friday = dt.date(2026, 12, 11)
    saturday = friday + dt.timedelta(days=1)
    off = NoTripEither(
        OutOfReach([LATE], days=1), Stretch(friday, saturday, (saturday,)), "day_off", day=friday
    )
    said = no_trip_text(off, "fr")
    assert "prolongez la tournée" not in said
    assert said.endswith(
        "Pour être rentré à temps, placez-le à 16:00 au plus tard, ou un autre jour dont le"
        " lendemain est travaillé."
    )
    assert no_trip_text(off, "en").endswith(
        "To be back in time, move it to 16:00 at the latest, or to another day whose day"
        " after is worked."
    )
    # a Saturday off says nothing against leaving the day before: its advice stays
    before = NoTripEither(
        OutOfReach([LYON], days=1), Stretch(friday, saturday, (saturday,)), "day_off", day=friday
    )
    assert "commencez la tournée la veille" in no_trip_text(before, "fr")


def test_the_day_page_says_it_to_an_english_reader(api_as: ClientFactory, demo_db: Session) -> None:
    """Sophie's Paris appointment moved to Monday 27 April: the refusal, in English."""
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
    assert re.match(r"The appointment “.+” at \d\d:\d\d cannot be reached in time", said), said
    # 8 h 35 of driving to get there: no hour of the day holds it from home
    assert "From home it fits at no hour of the day" in said and "move it to 1" not in said
    assert "start the trip the day before" not in said and "'" not in said


def test_the_move_advice_is_a_bookable_minute_and_only_when_an_hour_holds_it() -> None:
    """QA19: « placez-le à 11:45 au plus tôt » with the earliest arrival at 11:45:30 was refused
    again at 11:45; and a Lyon day that no hour holds from home (the drive is over the cap)
    was advised a later hour."""
    monday, sunday = dt.date(2027, 1, 11), dt.date(2027, 1, 10)
    half = Reach("a", "Salon", 0, "before", 9 * 3600, 9 * 3600, 11 * 3600 + 45 * 60 + 30)
    past = NoTripEither(OutOfReach([half], days=1), Stretch(sunday, monday), "past", day=monday)
    assert "placez-le à 11:46 au plus tôt" in no_trip_text(past, "fr")
    never = replace(half, movable=False)
    past = NoTripEither(OutOfReach([never], days=1), Stretch(sunday, monday), "past", day=monday)
    said = no_trip_text(past, "fr")
    assert "placez-le à" not in said
    assert said.endswith(
        "Depuis la maison, il ne tient à aucune heure de la journée (la route ou vos"
        " horaires) : placez-le un autre jour dont la veille est travaillée."
    )
    assert no_trip_text(past, "en").endswith(
        "From home it fits at no hour of the day (the drive or your working hours): move it"
        " to another day whose previous day is a working day."
    )


def test_an_earliest_time_is_the_first_whole_minute_not_before_it() -> None:
    """QA20b read « 13 h 02 de route » beside « arrivée au plus tôt 21:01 » from 08:00: the
    earliest arrival, 21:01:40, is said 21:02 (never a minute the rep cannot make)."""
    brest = replace(LYON, earliest_s=21 * 3600 + 100)
    assert "(arrivée au plus tôt 21:02)" in error_text.reach_text(brest, "fr")
    back = replace(LATE, earliest_s=18 * 3600 + 52 * 60)  # a whole minute stays as it is
    assert "(retour au plus tôt 18:52)" in error_text.reach_text(back, "fr")
