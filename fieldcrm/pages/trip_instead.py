"""« Ma journée » for a day that only holds as a trip (:mod:`fieldcrm.services.trip_instead`):
what the day page shows of the trip planned in its place (the ``_trip_instead.html`` block),
and the refusal when that trip cannot be planned either."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fieldcrm.http.error_text import reach_text
from fieldcrm.http.i18n import translations
from fieldcrm.pages.templating import long_date
from fieldcrm.routing.realise import Reach
from fieldcrm.routing.schedule import hhmm
from fieldcrm.services.trip_instead import NoTripEither
from fieldcrm.store.plans import PlanRow


def trip_instead(plan: PlanRow | None) -> dict[str, Any] | None:
    """The trip ``plan`` as planned in place of a refused day (``None`` for any other plan):
    the day refused and why (``out_of_reach``: the appointment out of reach, as data the
    template words, :func:`fieldcrm.http.error_text.refusal_text`; a plan stored before
    that data was has only ``refusal``, the planner's sentence), the trip's
    dates, its nights away (``result.nights`` with a hotel) and its figures
    (``result.figures``: km, km costs, hotel, meals, net value), and the trip page's link."""
    if plan is None or plan.kind != "trip":
        return None
    note = plan.result.get("instead_of")
    if not note:
        return None
    return {
        "day": dt.date.fromisoformat(note["day"]),
        "refusal": note["refusal"],
        "out_of_reach": note.get("out_of_reach"),
        "advice": note.get("advice"),  # None on older plans (error_text.stored_advice)
        "before": bool(note.get("before")),
        "after": bool(note.get("after")),
        "first": plan.day,
        "last": plan.end_day or plan.day,
        "nights": [n for n in plan.result.get("nights") or [] if n.get("hotel")],
        "figures": plan.result.get("figures") or {},
        "href": f"/tournee?plan={plan.id}",
    }


def no_trip_text(exc: NoTripEither, lang: str) -> str:
    """The refusal of a day whose trip cannot be planned either, in the reader's ``lang``:
    the day's refusal and why the trip is not possible on the calendar (:func:`why_text`).
    When the night away it needs is not
    possible (the day next to it is off or past), that advice is not given: what the rep
    can do instead is said after why (:func:`instead_text`)."""
    reach = exc.refused.found[0]
    blocked = _blocked(exc, reach)
    parts = [reach_text(reach, lang, advice=not blocked), why_text(exc, lang)]
    if blocked:
        parts.append(instead_text(reach, lang))
    return " ".join(parts)


def _blocked(exc: NoTripEither, reach: Reach) -> bool:
    """Whether the night away ``reach`` asks for (the evening before the day, or the night
    after it) is the one the calendar refuses (a day off on that side, or a past one)."""
    if exc.why == "past":
        return reach.side == "before"
    if exc.why != "day_off":
        return False
    if reach.side == "before":
        return any(off < exc.day for off in exc.trip.off)
    return any(off > exc.day for off in exc.trip.off)


def instead_text(reach: Reach, lang: str) -> str:
    """What the rep can do when the night away that would hold ``reach`` is not possible:
    hold the appointment from home by moving it (from its earliest arrival on, or so that
    the day ends in time), or to another day whose day before (after) is worked."""
    gettext = translations(lang).gettext
    if not reach.movable:  # no hour of the day holds it from home: only another day does
        return (
            gettext(
                "Depuis la maison, il ne tient à aucune heure de la journée (la route ou vos"
                " horaires) : placez-le un autre jour dont la veille est travaillée."
            )
            if reach.side == "before"
            else gettext(
                "Depuis la maison, il ne tient à aucune heure de la journée (la route ou vos"
                " horaires) : placez-le un autre jour dont le lendemain est travaillé."
            )
        )
    if reach.side == "before":
        # the first whole minute at or after the earliest arrival: the time said is bookable
        earliest = -(-reach.earliest_s // 60) * 60
        return gettext(
            "Pour le tenir depuis la maison, placez-le à %(time)s au plus tôt, ou un autre"
            " jour dont la veille est travaillée."
        ) % {"time": hhmm(earliest)}
    latest = max(reach.start_s - (reach.earliest_s - reach.limit_s), 0) // 60 * 60
    return gettext(
        "Pour être rentré à temps, placez-le à %(time)s au plus tard, ou un autre jour dont"
        " le lendemain est travaillé."
    ) % {"time": hhmm(latest)}


def why_text(exc: NoTripEither, lang: str) -> str:
    """Why the trip that would hold the refused day is not planned either
    (:attr:`~fieldcrm.services.trip_instead.NoTripEither.why`), in ``lang``: « Partir la
    veille est impossible : le dimanche 26 avril 2026 n’est pas un jour travaillé. »,
    "Leaving the day before is impossible: Sunday 26 April 2026 is not a working day." """
    gettext = translations(lang).gettext
    trip = exc.trip
    if exc.why == "day_off":
        before = gettext(
            "Partir la veille est impossible : le %(day)s n’est pas un jour travaillé."
        )
        after = gettext(
            "Rentrer le lendemain est impossible : le %(day)s n’est pas un jour travaillé."
        )
        return " ".join(
            (before if off < exc.day else after) % {"day": long_date(off, lang)} for off in trip.off
        )
    return gettext("Partir la veille est impossible : le %(day)s est passé.") % {
        "day": long_date(trip.first, lang)
    }
