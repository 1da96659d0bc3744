"""A far check-in (« pointage à distance ») as the reader reads it: one home for its text.

The account page's history, the day page's stops (Jinja filter ``far_checkin``) and the answer
to the phone's check-in (``warning`` of ``POST /api/visits``, shown by ``visit.js``) all say it
with these words, the distance in kilometres formatted by babel as the rest of the interface.
Whether such a check-in counts as a visit is :mod:`fieldcrm.store.visits`'s rule.
"""

from __future__ import annotations

from fieldcrm.costs.report import local_number
from fieldcrm.http.i18n import translations


def far_checkin_text(distance_m: float, *, counts: bool, lang: str) -> str:
    """« Pointage à distance (11,2 km) » and what it counts for, in ``lang``."""
    gettext = translations(lang).gettext
    km = local_number(distance_m / 1000, lang, 1)
    if counts:
        return gettext(
            "Pointage à distance (%(km)s km du compte) : compté comme visite, compte rendu rédigé."
        ) % {"km": km}
    return gettext(
        "Pointage à distance (%(km)s km du compte) : il ne compte comme visite qu’avec "
        "son compte rendu. Vérifiez l’adresse ou le lieu du compte."
    ) % {"km": km}
