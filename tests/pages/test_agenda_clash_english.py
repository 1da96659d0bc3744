"""The agenda's clash refusals read in the reader's language: kept as data (template and
params), worded in English for an English reader (date, times, drive), in French otherwise."""

from __future__ import annotations

import datetime as dt
import html
import re
from zoneinfo import ZoneInfo

import pytest

from fieldcrm.agenda.clashes import Booked, check_overlap, check_reachable
from fieldcrm.errors import Conflict
from fieldcrm.geo import GeoPoint
from fieldcrm.http.error_text import describe
from tests.pages.test_agenda import FORM
from tests.web import ClientFactory

PARIS = ZoneInfo("Europe/Paris")
MONACO = GeoPoint(7.4246, 43.7384)


def _at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 6, 10, hour, minute, tzinfo=PARIS)


def test_an_overlap_reads_english_on_the_english_agenda_and_french_on_the_french(
    api_as: ClientFactory,
) -> None:
    camille = api_as(4)
    camille.post("/agenda/rendez-vous", data=FORM | {"title": "Casino"})
    typed = FORM | {"time": "09:30", "title": "Port Hercule"}
    english = camille.post("/agenda/rendez-vous?lang=en", data=typed)
    assert english.status_code == 409
    said = html.unescape(english.text)
    assert (
        "This slot (09:30–10:30) overlaps the appointment “Casino” on 10 Jun 2026 from 09:00"
        " to 10:00." in said
    )
    assert "chevauche" not in said
    french = html.unescape(camille.post("/agenda/rendez-vous", data=typed).text)
    assert (
        "Ce créneau (09:30–10:30) chevauche le rendez-vous « Casino » du 10/06/2026 de 09:00"
        " à 10:00." in french
    )


def test_a_drive_too_long_reads_english_with_an_english_duration() -> None:
    monaco = Booked(1, "Monaco", _at(9), _at(10), MONACO)
    paris = Booked(None, "Paris", _at(10, 30), _at(11, 30), GeoPoint(2.35, 48.85))
    with pytest.raises(Conflict) as before:
        check_reachable(
            paris,
            previous=monaco,
            following=None,
            from_previous_s=8 * 3600 + 5 * 60,
            to_following_s=None,
            zone=PARIS,
        )
    assert describe(before.value, "en") == (
        "Cannot arrive by 10:30: the appointment “Monaco” (09:00–10:00) ends at 10:00 and the"
        " drive from there takes 8 h 5 min (earliest arrival 18:05)."
    )
    assert (
        describe(before.value, "fr")
        == str(before.value)
        == (
            "Impossible d’arriver à 10:30 : le rendez-vous « Monaco » (09:00–10:00) finit à 10:00"
            " et il faut 8 h 05 de route depuis là-bas (arrivée au plus tôt à 18:05)."
        )
    )
    with pytest.raises(Conflict) as after:
        check_reachable(
            Booked(None, "Nice", _at(9), _at(10), MONACO),
            previous=None,
            following=Booked(2, "Suivant", _at(10, 30), _at(11), MONACO),
            from_previous_s=None,
            to_following_s=3900,
            zone=PARIS,
        )
    assert describe(after.value, "en") == (
        "This appointment ends at 10:00 and the drive to the next appointment “Suivant”"
        " (10:30–11:00) takes 1 h 5 min: earliest arrival 11:05, after it starts at 10:30."
    )


def test_every_clash_refusal_keeps_its_template_and_params() -> None:
    """One home for the words: the French message is the template filled in French."""
    with pytest.raises(Conflict) as refused:
        check_overlap(
            Booked(None, "b", _at(9, 30), _at(10), MONACO),
            [Booked(1, "a", _at(9), _at(10), MONACO)],
            zone=PARIS,
        )
    assert refused.value.code and refused.value.params
    assert refused.value.params["day"] == dt.date(2026, 6, 10)
    assert re.fullmatch(r"Ce créneau .* du 10/06/2026 de 09:00 à 10:00\.", str(refused.value))
