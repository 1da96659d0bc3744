"""The assignment history's stored French reasons worded for the reader.

A run of the assignment history and each account's change keep their reason as French text
(``assignment_runs.reason``, ``assignment_history.reason``), written by the use cases from
a few fixed sentences (:data:`REASONS`): « affectation manuelle », « annulation de
l’opération n° 4 », « suppression du territoire « Var » », « rééquilibrage (3 communes) ».
They are read back from their text, as :mod:`fieldcrm.http.reason_text` reads the geocoding
reasons (rows stored with the straight apostrophe too): each known sentence is worded
through the catalogue in the reader's language, its count with that language's plural;
any other reason (one typed through the API) stays as it is.

Examples
--------
>>> assignment_reason("annulation de l'opération n° 4", "en")
'undo of operation no. 4'
>>> assignment_reason("rééquilibrage (1 communes)")
'rééquilibrage (1 commune)'
"""

from __future__ import annotations

import re

from fieldcrm.http.i18n import ngettext, translations
from fieldcrm.http.reason_text import APOSTROPHE

REASONS: tuple[tuple[re.Pattern[str], str, str | None], ...] = tuple(
    (re.compile(pattern.replace("{q}", APOSTROPHE)), msgid, plural)
    for pattern, msgid, plural in (
        (r"affectation automatique", "affectation automatique", None),
        (r"affectation manuelle", "affectation manuelle", None),
        (
            r"annulation de l{q}opération n° (?P<run>\d+)",
            "annulation de l’opération n° %(run)s",
            None,
        ),
        (
            r"suppression du territoire « (?P<name>.+) »",
            "suppression du territoire « %(name)s »",
            None,
        ),
        (
            r"rééquilibrage \((?P<n>\d+) communes?\)",
            "rééquilibrage (%(n)s commune)",
            "rééquilibrage (%(n)s communes)",
        ),
    )
)
"""The reasons the use cases store (:mod:`fieldcrm.services.assignment`,
:mod:`fieldcrm.services.territories`): their pattern, their catalogue msgid and, for a count,
its plural msgid (``n``)."""


def assignment_reason(text: str | None, lang: str = "fr") -> str:
    """A stored reason of the assignment history for the reader of ``lang`` (French readers
    too: a count takes its plural); an unknown one as it is."""
    if not text:
        return ""
    for pattern, msgid, plural in REASONS:
        found = pattern.fullmatch(str(text))
        if not found:
            continue
        values = found.groupdict()
        if plural is not None:
            return ngettext(lang, msgid, plural, int(values["n"])) % values
        return translations(lang).gettext(msgid) % values
    return str(text)
