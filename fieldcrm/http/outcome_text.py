"""A scheduled run's result (:func:`fieldcrm.services.background.run_outcome`) as the reader
of the « Tâches de fond » screen reads it, in their language and with counted nouns.

Examples
--------
>>> scheduled_outcome('{"files": 0, "what": "exports_purged"}', "fr")
'0 fichier d’export supprimé'
>>> scheduled_outcome('{"past_years": 1, "reps": 3, "what": "trips_queued"}', "en")
'trips of 3 reps queued, and 1 past year to derive again'
>>> scheduled_outcome("0 fichier(s) d’export supprimé(s)", "en")  # stored before: as it is
'0 fichier(s) d’export supprimé(s)'
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from fieldcrm.http.i18n import ngettext, translations

Worded = Callable[[Mapping[str, Any], str], str]


def _counted(singular: str, plural: str, key: str) -> Worded:
    def word(counts: Mapping[str, Any], lang: str) -> str:
        n = int(counts.get(key, 0))
        return ngettext(lang, singular, plural, n) % {"n": n}

    return word


def _trips(counts: Mapping[str, Any], lang: str) -> str:
    reps, past = int(counts.get("reps", 0)), int(counts.get("past_years", 0))
    done = ngettext(
        lang,
        "déplacements de %(n)s commercial mis en file",
        "déplacements de %(n)s commerciaux mis en file",
        reps,
    ) % {"n": reps}
    if not past:
        return done
    again = ngettext(
        lang, ", et %(n)s année passée à recalculer", ", et %(n)s années passées à recalculer", past
    ) % {"n": past}
    return done + again


def _geocoded(counts: Mapping[str, Any], lang: str) -> str:
    batches = int(counts.get("batches", 0))
    if not batches:
        return translations(lang).gettext("rien à géocoder")
    return ngettext(lang, "%(n)s lot géocodé", "%(n)s lots géocodés", batches) % {"n": batches}


_WORDED: dict[str, Worded] = {
    "rules_queued": lambda _, lang: translations(lang).gettext(
        "évaluation des règles mise en file"
    ),
    "trips_queued": _trips,
    "retention": _counted(
        "%(n)s prospect au-delà de la durée de conservation",
        "%(n)s prospects au-delà de la durée de conservation",
        "prospects",
    ),
    "exports_purged": _counted(
        "%(n)s fichier d’export supprimé", "%(n)s fichiers d’export supprimés", "files"
    ),
    "geocoded": _geocoded,
}


def scheduled_outcome(stored: str, lang: str = "fr") -> str:
    """The stored result of a scheduled run worded for the reader of ``lang``; a text stored
    before results were kept as data is shown as it is."""
    try:
        counts = json.loads(stored)
    except ValueError:
        return stored
    word = _WORDED.get(str(counts.get("what"))) if isinstance(counts, dict) else None
    return stored if word is None else word(counts, lang)
