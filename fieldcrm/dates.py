"""Days as readers say them: « mardi 21 avril 2026 », « Tuesday 21 April 2026 ».

One home for the long date (a day with its weekday) wherever it is written: a page
(the ``long_date`` filter, which also words the day a trip replaces,
:mod:`fieldcrm.pages.trip_instead`) or an error sentence (:mod:`fieldcrm.http.error_text`).

A report's week or month as a heading (:func:`period_label`): « semaine 49 de 2026 »,
"week 49 of 2026", « décembre 2026 », "December 2026".

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
import re

from babel.dates import format_date, format_skeleton

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


_ISO_WEEK = re.compile(r"(?P<year>\d{4})-W(?P<week>\d{2})")
_MONTH = re.compile(r"(?P<year>\d{4})-(?P<month>0[1-9]|1[0-2])")


def period_label(key: str, lang: str = "fr") -> str:
    """A report's period key as a reader of ``lang`` writes it.

    Parameters
    ----------
    key : str
        An ISO week ``2026-W49`` or a month ``2026-12`` (a travel-cost report's group, a
        scheduled job's period); any other key is given back as it is.
    lang : str
        The reader's language (:data:`LOCALES`; French for any other).

    Returns
    -------
    str
        ``semaine 49 de 2026`` or ``week 49 of 2026``; ``décembre 2026`` or ``December 2026``.

    Examples
    --------
    >>> period_label("2026-W53"), period_label("2026-W53", "en"), period_label("2026-12", "en")
    ('semaine 53 de 2026', 'week 53 of 2026', 'December 2026')
    """
    locale = LOCALES.get(lang, "fr_FR")  # a country's locale: ISO weeks (from Monday, 4 days)
    week = _ISO_WEEK.fullmatch(key)
    if week:
        monday = dt.date.fromisocalendar(int(week["year"]), int(week["week"]), 1)
        return str(format_skeleton("yw", monday, locale=locale))
    month = _MONTH.fullmatch(key)
    if month:
        first = dt.date(int(month["year"]), int(month["month"]), 1)
        return str(format_date(first, "LLLL y", locale=locale))
    return key
