"""Trips drawn from what happened (check-ins) and from what the planner proposed (plans).

Actual trips: a rep's visits of each day, in time order, from home (or from last night's
hotel) and back. The rep is taken to have stayed overnight when the next day has visits, the
day ended more than ``overnight_km`` from home and the next day's first visit is nearer than
home: a hotel night and a dinner. A lunch is counted for each day whose farthest visit lies
more than ``meal_km`` from home (the rep cannot eat at home or at the office).

Kilometres are plausible by construction: a visit whose account location is doubtful (not
confirmed by geocoding or by hand, and no check-in point) makes no kilometres; a leg longer
than ``MAX_LEG_KM`` or faster than ``SPEED_CAP_KMH`` is left out; and a day never exceeds
``MAX_DAY_KM`` (its longest legs are left out first). Each of these is listed on the trip as
"à vérifier" (:class:`~fieldcrm.costs.trips.ToCheck`), never silently summed. Hence a day's
kilometres are at most its driving hours × ``SPEED_CAP_KMH`` and at most ``MAX_DAY_KM``.

Planned trips: the stored plan's days (``plans.result``) with their driving figures; the
savings are those of the overnight decision (net value of the chosen alternative over the
other) and of every accepted fill-in proposal (a dedicated round trip from home to that
account avoided, minus the detour it cost).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fieldcrm.costs.trips import ToCheck, Trip, meals_due
from fieldcrm.geo import GeoPoint, haversine_m

Legs = Callable[[Sequence[GeoPoint]], list[tuple[int, float]]]
"""Driving (seconds, metres) of each consecutive leg of a sequence of points."""

SPEED_CAP_KMH = 130.0
"""No leg is driven faster on average (the French motorway limit)."""
MAX_LEG_KM = 500.0
"""A longer leg between two visits or home is not a day's drive: it is left out, to check."""
MAX_DAY_KM = 1500.0
"""No day adds more kilometres than this."""


@dataclass(frozen=True)
class RepProfile:
    """Who travels, from where, with which vehicle (fiscal horsepower for the scale)."""

    rep_id: int
    name: str
    home: GeoPoint
    team: str = ""
    fiscal_hp: int = 5
    vehicle: str = "car"
    electric: bool = False


@dataclass(frozen=True)
class VisitStop:
    """One visit: when, where (check-in point or the account's; None when neither is known:
    the visit still counts, without travel), how long."""

    at: dt.datetime
    point: GeoPoint | None
    account_id: int
    visit_minutes: int
    month_revenue_eur: Decimal = Decimal(0)
    account_name: str = ""
    doubtful: bool = False
    """The account's location is not confirmed (and there is no check-in point)."""


def _travelled(stop: VisitStop) -> bool:
    return stop.point is not None and not stop.doubtful


@dataclass(frozen=True)
class DayDrive:
    """A day's driving once doubtful legs are left out."""

    seconds: float
    metres: float
    to_check: list[ToCheck]


def plausible_day(
    day: dt.date, start: GeoPoint, stops: Sequence[VisitStop], end: GeoPoint, legs: Legs
) -> DayDrive:
    """Drive from ``start`` through the located, trusted ``stops`` to ``end``, keeping only
    plausible legs (see the module docstring); the rest is listed to check."""
    to_check = [
        ToCheck(
            day,
            s.account_id,
            s.account_name,
            "position à vérifier : aucun kilomètre compté"
            if s.point is not None
            else "compte non localisé : aucun kilomètre compté",
        )
        for s in stops
        if not _travelled(s)
    ]
    trusted = [s for s in stops if _travelled(s)]
    path = [start, *(s.point for s in trusted if s.point is not None), end]
    names = [None, *trusted, None]
    centre = _median_point(path)
    kept: list[tuple[int, float, float]] = []  # (index, seconds, metres)
    for i, (leg_s, leg_m) in enumerate(legs(path)):
        km, hours = leg_m / 1000, max(leg_s, 0) / 3600
        if km > MAX_LEG_KM or km > hours * SPEED_CAP_KMH + 1e-9:
            to_check.append(_leg_to_check(day, names[i], names[i + 1], km, centre))
        else:
            kept.append((i, float(leg_s), float(leg_m)))
    while sum(m for _, _, m in kept) > MAX_DAY_KM * 1000:
        longest = max(kept, key=lambda leg: leg[2])
        kept.remove(longest)
        i = longest[0]
        to_check.append(_leg_to_check(day, names[i], names[i + 1], longest[2] / 1000, centre))
    return DayDrive(sum(s for _, s, _ in kept), sum(m for _, _, m in kept), to_check)


def _median_point(points: Sequence[GeoPoint]) -> GeoPoint:
    """The coordinate-wise median of a day's places: where that day mostly happened."""
    lons, lats = sorted(p.lon for p in points), sorted(p.lat for p in points)
    mid = len(points) // 2
    return GeoPoint(lons[mid], lats[mid])


def _leg_to_check(
    day: dt.date,
    origin: VisitStop | None,
    destination: VisitStop | None,
    km: float,
    centre: GeoPoint,
) -> ToCheck:
    """The leg ``origin`` → ``destination`` (None: home or last night's hotel), to check.

    It is listed under the visit most likely misplaced: of its two ends, the one farther
    from where the rest of the day happened (home and hotels are never the suspect)."""
    ends = [(s, s.point) for s in (origin, destination) if s is not None and s.point is not None]
    stop = max(ends, key=lambda end: haversine_m(end[1], centre), default=(None, None))[0]
    before = origin.account_name if origin else "domicile"
    after = destination.account_name if destination else "domicile"
    return ToCheck(
        day,
        stop.account_id if stop else None,
        stop.account_name if stop else "",
        f"trajet {before} → {after} de {km:.0f} km non compté (invraisemblable)",
    )


def actual_trips(
    rep: RepProfile,
    visits: Iterable[VisitStop],
    *,
    legs: Legs,
    overnight_km: float = 150.0,
    meal_km: float = 50.0,
) -> list[Trip]:
    """Group a rep's visits into trips from home and back (see the module docstring)."""
    by_day: dict[dt.date, list[VisitStop]] = {}
    for v in sorted(visits, key=lambda v: v.at):
        by_day.setdefault(v.at.date(), []).append(v)
    days = sorted(by_day)
    trips: list[Trip] = []
    seen_revenue: set[tuple[int, int, int]] = set()
    current: list[tuple[dt.date, list[VisitStop], GeoPoint, GeoPoint]] = []
    start = rep.home
    for i, day in enumerate(days):
        stops = by_day[day]
        located = [s.point for s in stops if _travelled(s) and s.point is not None]
        tomorrow = days[i + 1] if i + 1 < len(days) else None
        following = (
            [s.point for s in by_day[tomorrow] if _travelled(s) and s.point is not None]
            if tomorrow
            else []
        )
        stay = False
        if located and following and tomorrow == day + dt.timedelta(days=1):
            last = located[-1]
            to_home = haversine_m(last, rep.home)
            to_next = haversine_m(last, following[0])
            stay = to_home > overnight_km * 1000 and to_next < to_home
        end = located[-1] if stay else rep.home
        current.append((day, stops, start, end))
        start = end
        if not stay:
            trips.append(_actual_trip(rep, current, legs, meal_km, seen_revenue))
            current = []
    return trips


def _actual_trip(
    rep: RepProfile,
    days: list[tuple[dt.date, list[VisitStop], GeoPoint, GeoPoint]],
    legs: Legs,
    meal_km: float,
    seen_revenue: set[tuple[int, int, int]],
) -> Trip:
    seconds = metres = visiting = 0.0
    lunches = 0
    revenue = Decimal(0)
    visits = 0
    to_check: list[ToCheck] = []
    for day, stops, start, end in days:
        drive = plausible_day(day, start, stops, end, legs)
        seconds += drive.seconds
        metres += drive.metres
        to_check.extend(drive.to_check)
        located = [s.point for s in stops if _travelled(s) and s.point is not None]
        lunches += _away_at_noon(rep, located, meal_km)
        for s in stops:
            visits += 1
            visiting += s.visit_minutes * 60
            key = (s.account_id, day.year, day.month)
            if key not in seen_revenue:
                seen_revenue.add(key)
                revenue += s.month_revenue_eur
    nights = len(days) - 1
    return Trip(
        rep_id=rep.rep_id,
        rep_name=rep.name,
        kind="actual",
        start_day=days[0][0],
        end_day=days[-1][0],
        km=round(metres / 1000, 3),
        driving_s=round(seconds),
        visiting_s=round(visiting),
        visits=visits,
        hotel_nights=nights,
        meals=meals_due(nights_away=nights, lunch_days=int(lunches)),
        revenue_eur=revenue,
        team=rep.team,
        to_check=tuple(to_check),
    )


def _away_at_noon(rep: RepProfile, points: Iterable[GeoPoint], meal_km: float) -> bool:
    return _at_noon_away(rep.home, points, meal_km)


def _at_noon_away(home: GeoPoint, points: Iterable[GeoPoint], meal_km: float) -> bool:
    """A lunch is due when the day's farthest stop is beyond ``meal_km`` (as the crow flies)."""
    return max((haversine_m(home, p) for p in points), default=0.0) > meal_km * 1000


def planned_trip(
    rep: RepProfile,
    result: dict[str, Any],
    *,
    accepted_detours: Sequence[tuple[GeoPoint, float]] = (),
    legs: Legs,
    rate_per_km: Decimal,
    meal_km: float = 50.0,
) -> Trip:
    """The trip a stored plan result describes, with the savings the planner brought.

    ``accepted_detours``: (account point, detour km) of each accepted fill-in proposal.
    """
    days = result.get("days") or []
    if not days:
        raise ValueError("a plan result without days")
    home = rep.home
    km = sum(float(d.get("driving_km", 0)) for d in days)
    driving = sum(float(d.get("driving_minutes", 0)) * 60 for d in days)
    visiting = visits = 0
    for d in days:
        for s in d.get("stops", []):
            visits += 1
            start = dt.datetime.fromisoformat(s["start"])
            visiting += int((dt.datetime.fromisoformat(s["departure"]) - start).total_seconds())
    nights, meals = planned_nights_and_meals(home, days, meal_km)
    saved_km, saved_eur = _overnight_saving(result.get("overnight"))
    for point, detour_km in accepted_detours:
        dedicated_km = sum(m for _, m in legs([home, point, home])) / 1000
        saved = max(dedicated_km - detour_km, 0.0)
        saved_km += saved
        saved_eur += Decimal(str(saved)) * rate_per_km
    first = dt.date.fromisoformat(days[0]["day"])
    last = dt.date.fromisoformat(days[-1]["day"])
    return Trip(
        rep_id=rep.rep_id,
        rep_name=rep.name,
        kind="planned",
        start_day=first,
        end_day=last,
        km=round(km, 3),
        driving_s=round(driving),
        visiting_s=visiting,
        visits=visits,
        hotel_nights=nights,
        meals=meals,
        saved_km=round(saved_km, 3),
        saved_eur=saved_eur.quantize(Decimal("0.01")),
        team=rep.team,
    )


def planned_nights_and_meals(
    home: GeoPoint, days: Sequence[dict[str, Any]], meal_km: float
) -> tuple[int, int]:
    """(hotel nights, meals) of a plan's days (``plans.result["days"]``), by
    :func:`~fieldcrm.costs.trips.meals_due`: the trip planner shows these, the report costs them."""
    lunches = sum(
        _at_noon_away(home, [GeoPoint(s["lon"], s["lat"]) for s in d.get("stops", [])], meal_km)
        for d in days
    )
    nights = sum(1 for d in days[:-1] if _ends_away(d, home))
    return nights, meals_due(nights_away=nights, lunch_days=lunches)


def _ends_away(day: dict[str, Any], home: GeoPoint) -> bool:
    end = day.get("end")
    if not end:
        return False
    return abs(end["lon"] - home.lon) > 1e-6 or abs(end["lat"] - home.lat) > 1e-6


def _overnight_saving(decision: dict[str, Any] | None) -> tuple[float, Decimal]:
    """(km, euros) the overnight decision saved over the alternative it turned down."""
    if not decision:
        return 0.0, Decimal(0)
    chosen = decision.get(decision.get("recommendation", ""), {})
    other_key = "home" if decision.get("recommendation") == "stay" else "stay"
    other = decision.get(other_key, {})
    if not (chosen.get("feasible") and other.get("feasible")):
        return 0.0, Decimal(0)
    km = float(other.get("km", 0)) - float(chosen.get("km", 0))
    eur = Decimal(str(chosen.get("net_eur", 0))) - Decimal(str(other.get("net_eur", 0)))
    return km, eur
