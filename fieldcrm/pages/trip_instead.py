"""« Ma journée » for a day that only holds as a trip (:mod:`fieldcrm.services.trip_instead`):
what the day page shows of the trip planned in its place (the ``_trip_instead.html`` block),
and the refusal when that trip cannot be planned either."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fieldcrm.http.error_text import describe
from fieldcrm.services.trip_instead import NoTripEither
from fieldcrm.store.plans import PlanRow


def trip_instead(plan: PlanRow | None) -> dict[str, Any] | None:
    """The trip ``plan`` as planned in place of a refused day (``None`` for any other plan):
    the day refused and why (the planner's sentence, translated by the template), the trip's
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
        "before": bool(note.get("before")),
        "after": bool(note.get("after")),
        "first": plan.day,
        "last": plan.end_day or plan.day,
        "nights": [n for n in plan.result.get("nights") or [] if n.get("hotel")],
        "figures": plan.result.get("figures") or {},
        "href": f"/tournee?plan={plan.id}",
    }


def no_trip_text(exc: NoTripEither, lang: str) -> str:
    """The refusal of a day whose trip cannot be planned either: the day's refusal, what was
    tried and why it fails (the trip planner's own reason after it, if it gave one)."""
    parts = [describe(exc.refused, lang), exc.why]
    if exc.error is not None:
        parts.append(describe(exc.error, lang))
    return " ".join(parts)
