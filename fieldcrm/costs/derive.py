"""Trips drawn from what happened (check-ins) and from what the planner proposed (plans).

Actual trips: a rep's visits of each day, in time order, from home (or from last night's
hotel) and back. The rep is taken to have stayed overnight when the next day has visits, the
day ended more than ``overnight_km`` from home and the next day's first visit is nearer than
home: a hotel night and a dinner. A lunch is counted for each day whose farthest visit lies
more than ``meal_km`` from home (the rep cannot eat at home or at the office).

Kilometres are physically possible by construction (:mod:`fieldcrm.costs.plausible`): a
visit whose place is doubtful or unknown makes no kilometres; a leg faster than
``SPEED_CAP_KMH`` is left out; a check-in the road cannot reach in the time between two visits
is left out of every leg, and of the nights and meals (a GPS glitch claims nothing);
a day's counted driving and visits fit in ``MAX_WORKING_DAY_S`` and its kilometres in
``MAX_DAY_KM`` (its longest legs are left out first; a leg from or to home or the hotel the
day cannot hold that leads to a check-in made far from its own account, more than
``FAR_FROM_ACCOUNT_M`` and at least half as far as from home or the hotel, leaves that
check-in out of every leg, nights and meals as a GPS glitch, while a check-in at its account
keeps its place: :func:`actual_trips` decides the nights from the places a day timed home →
home keeps). Each is listed on the trip as "à
vérifier" (:class:`~fieldcrm.costs.trips.ToCheck`), never silently summed, and the trip's
kilometres then read as incomplete (:attr:`~fieldcrm.costs.trips.Trip.km_status`).

A check-in that is no visit (far from its account and without a report, the product's rule:
:func:`fieldcrm.store.visits.counted_visit`, read by the store into
:attr:`~fieldcrm.costs.plausible.VisitStop.counts`) still places the rep for the kilometres,
nights and meals, but adds no visit, visiting time or revenue: the trip lists it apart
(:attr:`~fieldcrm.costs.trips.Trip.not_counted`).

Planned trips: the stored plan's days (``plans.result``) with their driving figures; the
savings are those of the overnight decision (net value of the chosen alternative over the
other) and of every accepted fill-in proposal (a dedicated round trip from home to that
account avoided, minus the detour it cost), each fill-in marked made or not by the rep's
check-ins that count: the report realises only the fill-ins made
(:attr:`~fieldcrm.costs.trips.Trip.realised_saved_eur`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fieldcrm.costs.plausible import Legs, VisitStop, plausible_day, travelled
from fieldcrm.costs.report import half_up
from fieldcrm.costs.scale import CENT
from fieldcrm.costs.trips import FillIn, NotCounted, ToCheck, Trip, meals_due, mileage_eur
from fieldcrm.geo import GeoPoint, haversine_m

OVERNIGHT_KM = 150.0
"""The default ``overnight_km`` (``settings.overnight_km``): see :func:`sleeps_away`."""


def sleeps_away(
    last: GeoPoint, first_tomorrow: GeoPoint, home: GeoPoint, *, overnight_km: float = OVERNIGHT_KM
) -> bool:
    """Whether a day ending at ``last`` is followed by a night away (a hotel night and a
    dinner), the next day starting at ``first_tomorrow``: the one home of this rule.

    The day ended more than ``overnight_km`` from ``home`` (as the crow flies) and the next
    day's first visit is nearer than home. :func:`actual_trips` counts nights with it, and the
    demo's diaries (:mod:`fieldcrm.services.demo_days`) send a rep to the hotel by it.

    Examples
    --------
    >>> antibes, lyon = GeoPoint(7.125, 43.580), GeoPoint(4.836, 45.764)
    >>> sleeps_away(lyon, GeoPoint(4.880, 45.771), antibes), sleeps_away(lyon, antibes, antibes)
    (True, False)
    """
    to_home = haversine_m(last, home)
    return to_home > overnight_km * 1000 and haversine_m(last, first_tomorrow) < to_home


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


def actual_trips(
    rep: RepProfile,
    visits: Iterable[VisitStop],
    *,
    legs: Legs,
    overnight_km: float = OVERNIGHT_KM,
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
    placed: dict[dt.date, list[GeoPoint]] = {}

    def places(day: dt.date) -> list[GeoPoint]:
        """The day's places that make kilometres, driven from home and back (a check-in the
        road cannot reach in the time is none: it decides no night away either)."""
        if day not in placed:
            stops = by_day[day]
            drive = (
                plausible_day(day, rep.home, stops, rep.home, legs)
                if any(travelled(s) for s in stops)
                else None
            )
            placed[day] = [s.point for s in drive.placed if s.point] if drive else []
        return placed[day]

    for i, day in enumerate(days):
        stops = by_day[day]
        tomorrow = days[i + 1] if i + 1 < len(days) else None
        located: list[GeoPoint] = []
        following: list[GeoPoint] = []
        if tomorrow == day + dt.timedelta(days=1):
            located, following = places(day), places(tomorrow)
        stay = bool(located and following) and sleeps_away(
            located[-1], following[0], rep.home, overnight_km=overnight_km
        )
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
    not_counted: list[NotCounted] = []
    for day, stops, start, end in days:
        labels = (_place(start, rep.home), _place(end, rep.home))
        drive = plausible_day(day, start, stops, end, legs, labels=labels)
        seconds += drive.seconds
        metres += drive.metres
        to_check.extend(drive.to_check)
        # a place that makes no kilometres makes no meal either
        lunches += _away_at_noon(rep, [s.point for s in drive.placed if s.point], meal_km)
        here = {id(s) for s in drive.placed}
        for s in stops:
            if not s.counts:  # a far check-in without its report: no visit (its km count)
                not_counted.append(
                    NotCounted(day, s.account_id, s.account_name, s.distance_m, id(s) in here)
                )
                continue
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
        not_counted=tuple(not_counted),
    )


def _place(point: GeoPoint, home: GeoPoint) -> str:
    """How a leg's end that is no visit reads: the rep's home or a hotel."""
    return "domicile" if point == home else "hôtel"


def _away_at_noon(rep: RepProfile, points: Iterable[GeoPoint], meal_km: float) -> bool:
    return _at_noon_away(rep.home, points, meal_km)


def _at_noon_away(home: GeoPoint, points: Iterable[GeoPoint], meal_km: float) -> bool:
    """A lunch is due when the day's farthest stop is beyond ``meal_km`` (as the crow flies)."""
    return max((haversine_m(home, p) for p in points), default=0.0) > meal_km * 1000


@dataclass(frozen=True)
class Accepted:
    """An accepted fill-in proposal of a plan: its account, where it is, the detour it costs."""

    account_id: int
    account_name: str
    point: GeoPoint
    detour_km: float


def planned_trip(
    rep: RepProfile,
    result: dict[str, Any],
    *,
    accepted: Sequence[Accepted] = (),
    checkins: Iterable[VisitStop] = (),
    legs: Legs,
    rate_per_km: Decimal,
    meal_km: float = 50.0,
) -> Trip:
    """The trip a stored plan result describes, with the savings the planner brought.

    Parameters
    ----------
    rep : RepProfile
        Who travels, from which home.
    result : dict
        The stored plan's result (``plans.result``): its days, stops and overnight decision.
    accepted : sequence of Accepted
        The plan's accepted fill-in proposals: each saves the dedicated round trip from home
        to its account, minus its detour (:class:`~fieldcrm.costs.trips.FillIn`).
    checkins : iterable of VisitStop
        The rep's check-ins (any period holding the plan's days): a fill-in is made when one
        of them that counts (:attr:`~fieldcrm.costs.plausible.VisitStop.counts`) is at its
        account on one of the plan's days.
    legs : Legs
        Driving figures of consecutive legs (the dedicated round trips).
    rate_per_km : Decimal
        The rep's euros per km at the barème.
    meal_km : float
        A day whose farthest stop lies beyond this from home gives a lunch.

    Returns
    -------
    Trip
        A ``"planned"`` trip; :attr:`~fieldcrm.costs.trips.Trip.saved_km` and
        :attr:`~fieldcrm.costs.trips.Trip.saved_eur` hold every saving it plans,
        :attr:`~fieldcrm.costs.trips.Trip.fill_ins` which of them depend on a visit and
        whether it was made.
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
    first = dt.date.fromisoformat(days[0]["day"])
    last = dt.date.fromisoformat(days[-1]["day"])
    visited = {s.account_id for s in checkins if s.counts and first <= s.at.date() <= last}
    fill_ins = []
    for a in accepted:
        dedicated_km = sum(m for _, m in legs([home, a.point, home])) / 1000
        saved = round(max(dedicated_km - a.detour_km, 0.0), 3)
        fill_ins.append(
            FillIn(
                a.account_id,
                a.account_name,
                saved,
                mileage_eur(saved, rate_per_km),  # on the km shown, as every other euro
                made=a.account_id in visited,
            )
        )
    saved_km, saved_eur = _overnight_saving(result.get("overnight"), days, rate_per_km)
    saved_km += sum(f.saved_km for f in fill_ins)
    saved_eur = saved_eur.quantize(CENT) + sum((f.saved_eur for f in fill_ins), Decimal(0))
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
        saved_eur=saved_eur,
        team=rep.team,
        fill_ins=tuple(fill_ins),
    )


def planned_nights_and_meals(
    home: GeoPoint, days: Sequence[dict[str, Any]], meal_km: float
) -> tuple[int, int]:
    """(hotel nights, meals) of a plan's days (``plans.result["days"]``), by
    :func:`~fieldcrm.costs.trips.meals_due`: the trip planner shows these, the report costs them."""
    nights, lunches = planned_allowance_days(home, days, meal_km)
    return len(nights), meals_due(nights_away=len(nights), lunch_days=len(lunches))


def planned_allowance_days(
    home: GeoPoint, days: Sequence[dict[str, Any]], meal_km: float
) -> tuple[list[dt.date], list[dt.date]]:
    """(nights away, lunch days) of a plan's days (``plans.result["days"]``): the days after
    which the night is spent away from home (a day but the last that ends elsewhere), and
    the days whose farthest stop lies beyond ``meal_km`` from home (a lunch allowance); the
    dates :func:`~fieldcrm.costs.trips.allowance_lines` costs line by line."""
    lunches = [
        dt.date.fromisoformat(d["day"])
        for d in days
        if _at_noon_away(home, [GeoPoint(s["lon"], s["lat"]) for s in d.get("stops", [])], meal_km)
    ]
    nights = [dt.date.fromisoformat(d["day"]) for d in days[:-1] if _ends_away(d, home)]
    return nights, lunches


def _ends_away(day: dict[str, Any], home: GeoPoint) -> bool:
    end = day.get("end")
    if not end:
        return False
    return abs(end["lon"] - home.lon) > 1e-6 or abs(end["lat"] - home.lat) > 1e-6


def _overnight_saving(
    decision: dict[str, Any] | None, days: Sequence[Mapping[str, Any]], rate: Decimal
) -> tuple[float, Decimal]:
    """(km, euros) the overnight decision saved over the alternative it turned down: the
    trip page's figures (:func:`chosen_totals` on the plan's ``days`` at ``rate``), so /frais
    and the trip page give the same gain to the cent."""
    shown = chosen_totals(decision, days, rate=rate)
    if not shown or shown.get("net_gained_eur") is None:
        return 0.0, Decimal(0)
    side = shown.get("recommendation")
    # the euros the chosen side gains over the other (negative when home was chosen)
    eur = Decimal(str(shown["net_gained_eur"])) * (1 if side == "stay" else -1)
    km = float(shown["km_saved"]) * (1 if side == "stay" else -1)
    return km, eur


def chosen_totals(
    overnight: Mapping[str, Any] | None,
    lines: Sequence[Mapping[str, Any]],
    *,
    rate: Decimal | None,
    recomputed: bool = False,
) -> Mapping[str, Any] | None:
    """A trip's overnight decision (``plans.result["overnight"]``) with the figures of its
    chosen plan (the one whose days are shown) the sum of the day lines shown.

    Parameters
    ----------
    overnight
        The stored decision: ``recommendation`` and each side's figures.
    lines
        Each day's figures as its line shows them (``driving_km``, ``driving_minutes``).
    rate
        The rep's euros per km for the trip's year (the cost report's).
    recomputed
        Whether a day line is recomputed as it is booked now (said with the totals).

    Returns
    -------
    Mapping or None
        ``overnight`` with its chosen side's km and minutes of driving the totals of the
        lines' exact figures, each rounded once (km to the tenth, whole minutes: as /frais
        writes the trip; never the sum of the rounded lines), its « Frais kilométriques »
        the cost report's rule on the days' km (:func:`~fieldcrm.costs.trips.mileage_eur` at ``rate``: the
        same euros as on /frais), its net value the rows it totals and ``recomputed``; the
        savings over the other side from those. The value of the visits stays the stored
        stops' values. The side turned down keeps its stored km and minutes, costed by the
        same rule (its « Frais kilométriques » on the km it shows). /frais takes the gain
        from here too (:func:`planned_trip`): one computation, one rounding. ``overnight``
        unchanged without a rate, lines or a chosen plan.

    Examples
    --------
    >>> side = {"feasible": True, "value_eur": 100.0, "time_cost_eur": 0, "km": 1.0}
    >>> shown = chosen_totals(
    ...     {"recommendation": "home", "home": side},
    ...     [{"driving_km": 10.04, "driving_minutes": 12.5}] * 2,
    ...     rate=Decimal("0.5"),
    ... )
    >>> {k: shown["home"][k] for k in ("km", "driving_minutes", "km_cost_eur", "net_eur")}
    {'km': 20.1, 'driving_minutes': 25, 'km_cost_eur': 10.05, 'net_eur': 89.95}
    """
    if not overnight or rate is None or not lines:
        return overnight
    side = "stay" if overnight.get("recommendation") == "stay" else "home"
    chosen = overnight.get(side) or {}
    if not chosen.get("feasible"):
        return overnight
    kms = [float(line.get("driving_km") or 0) for line in lines]
    minutes = [float(line.get("driving_minutes") or 0) for line in lines]
    # the totals of the exact figures, rounded once (as /frais writes the trip)
    now = _side_costed(chosen, round(sum(kms), 3), sum(minutes), rate) | {"recomputed": recomputed}
    out = dict(overnight) | {side: now}
    other_key = "home" if side == "stay" else "stay"
    other = overnight.get(other_key) or {}
    if other.get("feasible"):
        # the side turned down: its stored km and minutes, costed by the same rule
        other = _side_costed(
            other, float(other.get("km") or 0), float(other.get("driving_minutes") or 0), rate
        )
        out |= {other_key: other}
        home, stay = (now, other) if side == "home" else (other, now)
        out |= {
            "km_saved": float(half_up(home["km"] - stay["km"], 1)),
            "net_gained_eur": float(half_up(stay["net_eur"] - home["net_eur"], 2)),
        }
    return out


def _side_costed(
    side: Mapping[str, Any], km: float, minutes: float, rate: Decimal
) -> dict[str, Any]:
    """One side of the overnight table with ``km`` and ``minutes`` of driving: km to the
    tenth and whole minutes (each rounded once), its « Frais kilométriques » the cost
    report's rule on those km (:func:`~fieldcrm.costs.trips.mileage_eur`) and its net value
    what its euro rows add up to, as shown; a side stored without its rows (no
    ``value_eur``) keeps its stored euros."""
    if "value_eur" not in side:
        return dict(side) | {
            "km": float(half_up(km, 1)),
            "driving_minutes": int(half_up(minutes, 0)),
        }
    km_cost = mileage_eur(km, rate)
    spent = (
        km_cost
        + half_up(side.get("time_cost_eur") or 0, 2)
        + half_up(side.get("hotel_and_meals_eur") or 0, 2)
    )
    return dict(side) | {
        "km": float(half_up(km, 1)),
        "driving_minutes": int(half_up(minutes, 0)),
        "km_cost_eur": float(km_cost),
        "net_eur": float(half_up(side.get("value_eur") or 0, 2) - spent),
    }
