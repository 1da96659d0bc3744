"""Days as readers say them: « mardi 21 avril 2026 », « Tuesday 21 April 2026 ».

One home for the long date (a day with its weekday) wherever it is written: a page
(the ``long_date`` filter, which also words the day a trip replaces,
:mod:`fieldcrm.pages.trip_instead`) or an error sentence (:mod:`fieldcrm.http.error_text`).

Examples
--------
>>> import datetime as dt
>>> long_day(dt.date(2026, 4, 21)), long_day(dt.date(2026, 4, 21), "en")
('mardi 21 avril 2026', 'Tuesday 21 April 2026')
>>> long_day(dt.date(2026, 12, 1))
'mardi 1er décembre 2026'
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date

LOCALES = {"fr": "fr_FR", "en": "en_GB"}
"""Babel's locale for each reader's language (French for any other)."""


def long_day(day: dt.date, lang: str = "fr") -> str:
    """``day`` with its weekday, as a reader of ``lang`` says it.

    Parameters
    ----------
    day : datetime.date
        The day.
    lang : str
        The reader's language: ``"fr"`` (the default, and any language not in
        :data:`LOCALES`) or ``"en"``.

    Returns
    -------
    str
        ``mardi 21 avril 2026``, the first of a month written ``1er`` as French does
        (``mardi 1er décembre 2026``); ``Tuesday 21 April 2026`` in English.
    """
    locale = LOCALES.get(lang, "fr_FR")
    text = format_date(day, format="EEEE d MMMM y", locale=locale)
    if locale == "fr_FR" and day.day == 1:
        text = text.replace(" 1 ", " 1er ", 1)
    return text
