"""The long date (a day with its weekday), one home for pages and error texts (and the
trip-instead sentences, which the page words with the same filter) (:mod:`fieldcrm.dates`)."""

from __future__ import annotations

import datetime as dt

import pytest

from fieldcrm.dates import long_day
from fieldcrm.http.error_text import describe_message
from fieldcrm.pages.templating import long_date

FIRST_OF_DECEMBER = dt.date(2026, 12, 1)  # a Tuesday


@pytest.mark.parametrize(
    ("day", "lang", "text"),
    [
        (dt.date(2026, 4, 21), "fr", "mardi 21 avril 2026"),
        (FIRST_OF_DECEMBER, "fr", "mardi 1er décembre 2026"),  # French writes the 1st « 1er »
        (dt.date(2026, 4, 21), "en", "Tuesday 21 April 2026"),
        (FIRST_OF_DECEMBER, "en", "Tuesday 1 December 2026"),
        (dt.date(2026, 4, 21), "de", "mardi 21 avril 2026"),  # any other reader: French
    ],
)
def test_long_day(day: dt.date, lang: str, text: str) -> None:
    assert long_day(day, lang) == text


def test_pages_and_error_texts_say_the_same_day() -> None:
    said = long_day(FIRST_OF_DECEMBER)
    # the page filter, in both languages
    assert long_date(FIRST_OF_DECEMBER, "fr") == said
    assert long_date(FIRST_OF_DECEMBER, "en") == "Tuesday 1 December 2026"
    # an error sentence naming the day
    text = describe_message(
        "2026-12-01: what must happen needs 9.5 h of driving, more than the rep's maximum of 8.0 h"
    )
    assert text.startswith(f"{said} : ")
