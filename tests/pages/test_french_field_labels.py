"""Error texts on pages name a field by its French label only (QA at 390×844: « jour (day) : … »
on « Ma journée », « time : heure attendue » on the agenda); the API's message keeps the name
in the code beside it, for developers."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from fieldcrm.errors import InvalidInput
from fieldcrm.http.error_text import describe
from fieldcrm.services import plan_dates
from tests.services.test_past_days import QA_NOW
from tests.web import ClientFactory

NEXT_SUNDAY = dt.date(2026, 12, 13)
"""A Sunday after :data:`QA_NOW` (itself Sunday 06/12/2026): not past, not worked."""
BOOKING = {
    "date": "2026-06-10",
    "time": "09:00",
    "duration": "60",
    "vue": "jour",
    "lon": "7.4246",
    "lat": "43.7384",
}


def _alert(page: str) -> str:
    found = re.search(r'<p class="error" role="alert"[^>]*>(.*?)</p>', page, re.S)
    assert found is not None, page
    return html.unescape(found.group(1))


def test_planning_a_sunday_names_the_day_in_french_only(
    api_as: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plan_dates, "now", lambda: QA_NOW)
    done = api_as(4).post(
        "/journee/planifier", data={"date": NEXT_SUNDAY.isoformat()}, follow_redirects=True
    )
    assert done.status_code == 200
    found = re.search(r'id="day-refusal">(.*?)</p>', done.text, re.S)
    assert found is not None, "the day page shows why"
    said = html.unescape(found.group(1))
    assert said == (
        "Le dimanche 13 décembre 2026 tombe un week-end : choisissez un jour ouvré, ou un jour"
        " où un rendez-vous est pris."
    ), said
    assert "(day)" not in said


def test_planning_a_holiday_in_english_says_it_in_english(
    api_as: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """QA 17: « day: aucun jour travaillé … (got '2027-01-01'); allowed: un jour ouvré… »."""
    monkeypatch.setattr(plan_dates, "now", lambda: QA_NOW)
    done = api_as(4).post(
        "/journee/planifier?lang=en", data={"date": "2027-01-01"}, follow_redirects=True
    )
    found = re.search(r'id="day-refusal">(.*?)</p>', done.text, re.S)
    assert found is not None, "the day page shows why"
    assert html.unescape(found.group(1)) == (
        "1 January 2027 is a public holiday: choose a working day, or a day with a booked"
        " appointment."
    )


@pytest.mark.parametrize(
    ("changed", "french"),
    [
        ({"time": "neuf heures"}, "heure : heure attendue (HH:MM)"),
        ({"duration": "une heure"}, "durée : nombre entier attendu"),
        ({"duration": "1"}, "durée : valeur trop petite"),
        ({"address": "x" * 501}, "adresse : texte trop long"),
        ({"title": "x" * 301}, "titre : texte trop long"),
        ({"lon": "est"}, "longitude : nombre attendu"),
        ({"lat": "91"}, "latitude : valeur trop grande"),
        ({"rep": "0"}, "commercial : valeur trop petite"),
        ({"account_id": "abc"}, "compte : nombre entier attendu"),
    ],
)
def test_each_booking_field_error_reads_its_french_label(
    api_as: ClientFactory, changed: dict[str, str], french: str
) -> None:
    refused = api_as(4).post("/agenda/rendez-vous", data=BOOKING | changed)
    assert refused.status_code == 422
    assert _alert(refused.text) == french


def test_a_move_names_the_appointment_in_french(api_as: ClientFactory) -> None:
    # no appointment, no form to show again: the error page names the appointment (its
    # form's fields are checked once there is one: tests/pages/test_agenda_form_errors.py)
    refused = api_as(4).post(
        "/agenda/rendez-vous/abc", data=BOOKING | {"time": "midi", "duration": "x"}
    )
    assert refused.status_code == 422
    assert _alert(refused.text) == "rendez-vous : nombre entier attendu"


def test_the_api_message_keeps_the_name_in_the_code_beside_the_label() -> None:
    refused = InvalidInput("day", "aucun jour travaillé", value="2026-12-13")
    assert describe(refused, "fr", technical=True).startswith("jour (day) : aucun jour")
    assert describe(refused, "fr").startswith("jour : aucun jour")


def test_an_item_of_a_list_is_named_by_its_list_in_french() -> None:
    # the planner names an appointment it cannot schedule by its key in brackets
    refused = InvalidInput("appointments[appointment:1]", "en dehors des heures de travail")
    assert describe(refused, "fr") == "rendez-vous : en dehors des heures de travail"
    assert describe(refused, "fr", technical=True).startswith(
        "rendez-vous (appointments[appointment:1]) : "
    )
