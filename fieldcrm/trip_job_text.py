"""The words of a refused trip job, one home for the service that stores them and the pages
that read them: the kind of each refusal (:data:`KINDS`, error class → kind), its lead-in
(:data:`LEAD_INS`) and the sentences of a day that changed before its trip ran
(:data:`DAY_CHANGED`).

The texts are the catalogue's French messages (``web/locale``): the service fills them in
French for the job's stored text (:mod:`fieldcrm.services.planning_jobs`), a page fills
them through the reader's catalogue from the data the job keeps
(:mod:`fieldcrm.http.error_text`); both call the functions below, passing their ``gettext``.

Examples
--------
>>> import datetime as dt
>>> from fieldcrm.errors import NotFound
>>> lead_in(kind(NotFound("rep", 99)), "Le commercial 99 est introuvable.")
'Tournée impossible, donnée introuvable : le commercial 99 est introuvable.'
>>> day_changed("replanned", dt.date(2026, 4, 22))
'La journée du mercredi 22 avril 2026 a été replanifiée entre-temps : la tournée n’est pas planifiée.'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Literal

from fieldcrm.dates import long_day
from fieldcrm.errors import FieldcrmError, Forbidden, Infeasible, InvalidInput, NotFound

Kind = Literal["infeasible", "refused", "forbidden", "not_found"]
"""The kind of a refused trip job, kept with it (its ``head``)."""
Changed = Literal["replanned", "appointments"]
"""Why the day a trip was asked in place of is no longer as asked."""
Gettext = Callable[[str], str]

KINDS: tuple[tuple[type[FieldcrmError], Kind], ...] = (
    (Infeasible, "infeasible"),
    (InvalidInput, "refused"),
    (Forbidden, "forbidden"),
    (NotFound, "not_found"),
)
"""The kind of refusal each error class is (the first that matches; any other error is
``"infeasible"``)."""

LEAD_INS: dict[Kind, str] = {
    "infeasible": "Tournée impossible : %(why)s",
    "refused": "Demande de tournée refusée : %(why)s",
    "forbidden": "Vous ne pouvez plus planifier cette tournée : %(why)s",
    "not_found": "Tournée impossible, donnée introuvable : %(why)s",
}
"""The lead-in of a refused trip job by its kind, the reason in ``%(why)s``; the text
before it is also how a job stored before its kind was kept begins."""

DAY_CHANGED: dict[Changed, str] = {
    "replanned": "La journée du %(day)s a été replanifiée entre-temps : la tournée n’est pas"
    " planifiée.",
    "appointments": "Les rendez-vous du %(day)s ont changé entre-temps : la tournée n’est pas"
    " planifiée ; replanifiez la journée.",
}
"""The refusal of a trip asked in place of a day that changed before it ran, the day (with
its weekday, :func:`fieldcrm.dates.long_day`) in ``%(day)s``."""


def _same(text: str) -> str:
    return text


def kind(exc: FieldcrmError) -> Kind:
    """The kind of refusal ``exc`` is (:data:`KINDS`)."""
    return next((found for cls, found in KINDS if isinstance(exc, cls)), "infeasible")


def after_colon(text: str) -> str:
    """A sentence continued after a colon, as French (and British English) write it: its
    first letter in lower case (« Le rendez-vous … » → « le rendez-vous … »), unless its
    first word is written in capitals (an acronym: « SIRET … »).

    >>> after_colon("Le rendez-vous « Salon » de 09:00"), after_colon("SIRET invalide")
    ('le rendez-vous « Salon » de 09:00', 'SIRET invalide')
    """
    word = text.split(" ", 1)[0]
    if not word[:1].isupper() or word[1:2].isupper():
        return text
    return text[:1].lower() + text[1:]


def lead_in(
    found: Kind, why: str, gettext: Gettext = _same, *, lead_ins: Mapping[Kind, str] = LEAD_INS
) -> str:
    """The refusal of a trip job of kind ``found`` (:data:`LEAD_INS`, or another job's
    ``lead_ins``, through ``gettext``; French by default) with its reason ``why`` after the
    colon (:func:`after_colon`)."""
    return gettext(lead_ins[found]) % {"why": after_colon(why)}


def split_lead_in(text: str, *, lead_ins: Mapping[Kind, str] = LEAD_INS) -> tuple[Kind | None, str]:
    """A refused trip job's French text (as stored) split into its kind, by its lead-in
    (:data:`LEAD_INS`, or another job's ``lead_ins``), and the reason after it;
    ``(None, text)`` for no known lead-in."""
    for found, pattern in lead_ins.items():
        lead = pattern.split("%(why)s", 1)[0]
        if text.startswith(lead):
            return found, text[len(lead) :]
    return None, text


def day_changed(why: Changed, day: dt.date, lang: str = "fr", gettext: Gettext = _same) -> str:
    """The refusal of a trip asked in place of ``day``, which changed before it ran
    (:data:`DAY_CHANGED`), for a reader of ``lang`` (its ``gettext``; French by default)."""
    return gettext(DAY_CHANGED[why]) % {"day": long_day(day, lang)}
