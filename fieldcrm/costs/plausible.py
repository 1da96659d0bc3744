"""The driving a day of check-ins can sign: only legs, and days, that could physically happen.

A rep's day is driven from home (or last night's hotel) through the day's visits in time
order, and back (or to tonight's hotel). A leg counts only if it could have been driven:

* **speed**: no leg is faster on average than :data:`SPEED_CAP_KMH` (the provider answered
  nonsense);
* **time between two visits**: the driving time a leg needs fits between the end of the first
  visit and the check-in of the next one, give or take :data:`LEG_SLACK_S`. A visit is taken
  to last :data:`SHORTEST_VISIT_S` at least, not the account's usual length: that length is a
  plan, and a rep who makes quick visits drove the legs between them all the same. A leg
  that does not fit says a check-in's place is impossible (a GPS glitch): the end of it
  farther from the rest of the day is left out of *every* leg, the day driven from the visit
  before it to the one after as if it were not there (the way back home from a false place
  is no more driven than the way there), and it makes no meal;
* **the day**: from leaving to being back, the check-ins' own span (first check-in to the
  last visit's end) plus the counted legs from and to home or the hotel fit in
  :data:`MAX_WORKING_DAY_S`; otherwise the longer of those legs is left out first. When
  that leg leads to or from a check-in made more than :data:`FAR_FROM_ACCOUNT_M` from its
  own account (:attr:`VisitStop.distance_m`), and at least half as far from it as from home
  or the hotel (its account may lie within reach: the error of the check-in's place is what
  makes the day too long), the check-in's place is a GPS glitch: like a check-in out of
  reach of the visit before it, it is left out of *every* leg (neither the way there nor
  the way back counts; a check-in that is the day's only place leaves a day of 0 km), it
  makes no meal and no night away (:mod:`fieldcrm.costs.derive`), and the day is asked
  again without it. A check-in at its
  account, a few hundred metres off at a place truly far (its account is as far), or whose
  distance is unknown keeps its place: a real far day loses the leg the day cannot hold,
  not its place, so a trip's night away is still decided by it. The legs between visits
  lie inside the span: the check-in times bound them;
* **kilometres**: a day adds at most :data:`MAX_DAY_KM`.

A visit whose place is doubtful (not confirmed, no check-in point) or unknown makes no
kilometres. Whatever is left out is listed as "à vérifier"
(:class:`~fieldcrm.costs.trips.ToCheck`), with its reason in French: the two places, the
kilometres, the driving time needed and the time there was. Never silently summed.

Hence, for every day: km ≤ driving hours × :data:`SPEED_CAP_KMH` and ≤ :data:`MAX_DAY_KM`;
the check-ins' span + the counted legs from and to home or the hotel ≤
:data:`MAX_WORKING_DAY_S` whenever one of those is counted; every counted leg between two
visits fits the time between them (with the slack).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from fieldcrm.costs.trips import ToCheck
from fieldcrm.durations import duration_text
from fieldcrm.geo import GeoPoint, haversine_m

Legs = Callable[[Sequence[GeoPoint]], list[tuple[int, float]]]
"""Driving (seconds, metres) of each consecutive leg of a sequence of points."""

SPEED_CAP_KMH = 130.0
"""No leg is driven faster on average (the French motorway limit)."""
LEG_SLACK_S = 15 * 60
"""Tolerance of the time-between-visits rule: a check-in is tapped a few minutes early or late,
a visit can end before the account's usual length, and a road-time estimate is an average.
A leg needing up to this much driving always fits, even between overlapping visits."""
MAX_WORKING_DAY_S = 13 * 3600
"""What a day can hold: driving plus visiting at most 13 h. The 11 consecutive hours of daily
rest of French labour law (Code du travail, art. L3131-1) leave 13 h between leaving home and
being back; a day whose counted driving and visits exceed it did not happen as checked in."""
SHORTEST_VISIT_S = 5 * 60
"""Least time a visit is taken to last when judging the legs around it (a check-in and a
word): a visit's usual length (``visit_minutes``) is what is planned, the check-ins are what
happened."""
MAX_DAY_KM = 1500.0
"""No day adds more kilometres than this."""
FAR_FROM_ACCOUNT_M = 500.0
"""A check-in farther than this (metres) from its account is a *far check-in* (« pointage à
distance »): it counts as a visit only with its report
(:func:`fieldcrm.store.visits.counted_visit`), and when the day cannot hold the way to or
from it, its place is taken for a GPS glitch (:func:`plausible_day`)."""


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
    counts: bool = True
    """The check-in counts as a visit (:func:`fieldcrm.store.visits.counted_visit`): False
    for a check-in far from the account without a report. Its place still makes kilometres
    (the rep was there); only the trip's visits leave it out."""
    distance_m: float | None = None
    """Distance from the check-in point to the account (metres), when both are known."""


def travelled(stop: VisitStop) -> bool:
    """True when the visit's place is known and trusted: it makes kilometres."""
    return stop.point is not None and not stop.doubtful


@dataclass(frozen=True)
class Leg:
    """One leg of a day: ``origin`` → ``destination`` (None: home or the hotel)."""

    origin: VisitStop | None
    destination: VisitStop | None
    seconds: float
    metres: float
    available_s: float | None
    """Time from the end of the origin visit to the next check-in (None from or to home or
    the hotel: the day bounds those)."""


@dataclass(frozen=True)
class DayDrive:
    """A day's driving once the legs that could not happen are left out."""

    seconds: float
    metres: float
    to_check: list[ToCheck]
    counted: tuple[Leg, ...] = field(default=())
    placed: tuple[VisitStop, ...] = field(default=())
    """The visits whose place makes kilometres: located, trusted and reachable in the time
    (a check-in the road cannot reach from the visit before it is left out, see
    :func:`plausible_day`)."""


def plausible_day(
    day: dt.date,
    start: GeoPoint,
    stops: Sequence[VisitStop],
    end: GeoPoint,
    legs: Legs,
    *,
    labels: tuple[str, str] = ("domicile", "domicile"),
) -> DayDrive:
    """Drive from ``start`` through the located, trusted ``stops`` (in time order) to ``end``,
    counting only the legs that could happen (see the module docstring); the rest is listed,
    ``start`` and ``end`` named by ``labels`` ("domicile", "hôtel").

    A check-in out of reach of the visit before it (:func:`_no_time`), or made far from its
    account on a leg from or to home or the hotel that the day cannot hold
    (:func:`_far_check_in`), is left out of the path altogether, once, and the legs asked
    again without it: neither the way there nor the way on counts, and
    :attr:`DayDrive.placed` leaves it out (no meal, no night)."""
    stops = sorted(stops, key=lambda s: s.at)
    listed = [  # places left out of every leg: listed once, whichever pass found them
        _unplaced(
            day,
            s,
            "position à vérifier : aucun kilomètre compté"
            if s.point is not None
            else "compte non localisé : aucun kilomètre compté",
        )
        for s in stops
        if not travelled(s)
    ]
    trusted = [s for s in stops if travelled(s)]
    centre = _median_point([start, *(s.point for s in trusted if s.point is not None), end])
    span = _span_s(stops)
    while True:  # once more each time a check-in's place is found impossible
        built, trusted = _reachable(day, start, stops, trusted, end, legs, labels, centre, listed)
        to_check: list[ToCheck] = []
        kept: list[Leg] = []
        for leg in built:
            reason = _too_fast(leg)
            if reason:
                to_check.append(_leg_to_check(day, leg, reason, centre, labels))
            else:
                kept.append(leg)
        glitch = None
        while _outer(kept) and span + sum(leg.seconds for leg in _outer(kept)) > MAX_WORKING_DAY_S:
            longest = max(_outer(kept), key=lambda leg: (leg.seconds, leg.metres))
            kept.remove(longest)
            others = sum(leg.seconds for leg in _outer(kept))
            room = max(MAX_WORKING_DAY_S - span - others, 0.0)
            reason = (
                f"{duration_text(longest.seconds)} de route, il ne reste que "
                f"{duration_text(room)} dans la journée ({duration_text(MAX_WORKING_DAY_S)} au "
                f"plus : {duration_text(span)} de la première visite à la fin de la dernière, "
                f"{duration_text(others)} d’autres trajets)"
            )
            glitch = _far_check_in(longest, start, end)
            if glitch is not None:
                # the day cannot hold the way to a check-in made far from its own account:
                # its place is a GPS glitch, so neither way counts (nor a meal, nor a night):
                # the legs are asked again without it
                text = (
                    f"pointage à {(glitch.distance_m or 0.0) / 1000:.0f} km du compte, hors de "
                    f"portée de la journée ; {_leg_text(longest, reason, labels)} ; aucun "
                    "trajet vers ou depuis ce pointage compté"
                )
                listed.append(_unplaced(day, glitch, text))
                trusted = [s for s in trusted if s is not glitch]
                break
            to_check.append(_leg_to_check(day, longest, reason, centre, labels))
        if glitch is None:
            break
    while sum(leg.metres for leg in kept) > MAX_DAY_KM * 1000:
        longest = max(kept, key=lambda leg: leg.metres)
        kept.remove(longest)
        reason = f"la journée dépasserait {MAX_DAY_KM:.0f} km"
        to_check.append(_leg_to_check(day, longest, reason, centre, labels))
    to_check = [*listed, *to_check]
    return DayDrive(
        sum(leg.seconds for leg in kept),
        sum(leg.metres for leg in kept),
        to_check,
        tuple(kept),
        tuple(trusted),
    )


def _reachable(
    day: dt.date,
    start: GeoPoint,
    stops: Sequence[VisitStop],
    trusted: Sequence[VisitStop],
    end: GeoPoint,
    legs: Legs,
    labels: tuple[str, str],
    centre: GeoPoint,
    listed: list[ToCheck],
) -> tuple[list[Leg], list[VisitStop]]:
    """The legs from ``start`` through ``trusted`` to ``end`` once every check-in out of reach
    of the visit before it (:func:`_no_time`) is left out of the path (each appended to
    ``listed``, once), and the visits left."""
    placed = list(trusted)
    while True:
        path = [start, *(s.point for s in placed if s.point is not None), end]
        ends: list[VisitStop | None] = [None, *placed, None]
        built = [
            Leg(
                ends[i],
                ends[i + 1],
                float(max(leg_s, 0)),
                float(leg_m),
                _available_s(stops, placed, ends[i], ends[i + 1]),
            )
            for i, (leg_s, leg_m) in enumerate(legs(path))
        ]
        misplaced = next(((leg, why) for leg in built if (why := _no_time(leg))), None)
        if misplaced is None:
            return built, placed
        # a check-in the road cannot reach in the time: its place is wrong (a GPS glitch), so
        # no leg to or from it counts; the day is driven as if it were not there
        leg, why = misplaced
        suspect = _suspect(leg, centre)
        assert suspect is not None  # both ends of a leg between two visits are visits
        placed = [s for s in placed if s is not suspect]
        text = _leg_text(leg, why, labels) + " ; aucun trajet vers ou depuis ce pointage compté"
        listed.append(_unplaced(day, suspect, text))


def _outer(legs: Sequence[Leg]) -> list[Leg]:
    """The legs from or to home or the hotel."""
    return [leg for leg in legs if leg.origin is None or leg.destination is None]


def _far_check_in(leg: Leg, start: GeoPoint, end: GeoPoint) -> VisitStop | None:
    """The visit ``leg`` leads to from ``start`` (or back to ``end``: home or the hotel) when
    its check-in is a GPS glitch once the day cannot hold that leg: made more than
    :data:`FAR_FROM_ACCOUNT_M` from its own account, and at least half as far from it as
    from ``start`` (``end``), as the crow flies: its account may then lie
    within the day's reach, the error of the check-in's place making the day too long. None
    otherwise: a check-in at its account, or a few hundred metres off at a place truly far
    (its account is as far), or whose distance is unknown."""
    stop, there = (leg.destination, start) if leg.origin is None else (leg.origin, end)
    if stop is None or stop.point is None or stop.distance_m is None:
        return None
    far = stop.distance_m > FAR_FROM_ACCOUNT_M
    return stop if far and 2 * stop.distance_m >= haversine_m(there, stop.point) else None


def _least_visit_s(stop: VisitStop) -> float:
    """The least a visit is taken to last (:data:`SHORTEST_VISIT_S`, or its usual length if
    shorter)."""
    return float(min(stop.visit_minutes * 60, SHORTEST_VISIT_S))


def _span_s(stops: Sequence[VisitStop]) -> float:
    """Seconds from the day's first check-in to the end of its last visit (0 without one)."""
    if not stops:
        return 0.0
    first, last = min(stops, key=lambda s: s.at), max(stops, key=lambda s: s.at)
    return (last.at - first.at).total_seconds() + _least_visit_s(last)


def _available_s(
    stops: Sequence[VisitStop],
    placed: Sequence[VisitStop],
    origin: VisitStop | None,
    destination: VisitStop | None,
) -> float | None:
    """Seconds from the end of ``origin``'s visit (and of the visits made before
    ``destination`` whose place is not ``placed``), each :func:`_least_visit_s` long, to
    ``destination``'s check-in; None from or to home or a hotel."""
    if origin is None or destination is None:
        return None
    here = {id(s) for s in placed}
    between = [s for s in stops if origin.at < s.at < destination.at and id(s) not in here]
    busy = _least_visit_s(origin) + sum(_least_visit_s(s) for s in between)
    return (destination.at - origin.at).total_seconds() - busy


def _too_fast(leg: Leg) -> str | None:
    """Why ``leg`` could not be driven at its speed (the provider answered nonsense); None when
    it could."""
    km, hours = leg.metres / 1000, leg.seconds / 3600
    return "invraisemblable" if km > hours * SPEED_CAP_KMH + 1e-9 else None


def _no_time(leg: Leg) -> str | None:
    """Why ``leg``, between two visits, needs more driving than the time between them (with
    :data:`LEG_SLACK_S`), in French; None when it fits, or leads from or to home or a hotel.
    The one rule that tells a check-in's place is impossible: :func:`plausible_day` then
    leaves that place out of every leg."""
    if leg.available_s is None or leg.seconds <= max(leg.available_s, 0.0) + LEG_SLACK_S:
        return None
    assert leg.origin is not None and leg.destination is not None
    end = leg.destination.at - dt.timedelta(seconds=leg.available_s)
    return (
        f"{duration_text(leg.seconds)} de route pour "
        f"{duration_text(max(leg.available_s, 0.0))} entre la fin de la visite précédente "
        f"({end:%H:%M}) et l’arrivée ({leg.destination.at:%H:%M})"
    )


def _median_point(points: Sequence[GeoPoint]) -> GeoPoint:
    """The coordinate-wise median of a day's places: where that day mostly happened."""
    lons, lats = sorted(p.lon for p in points), sorted(p.lat for p in points)
    mid = len(points) // 2
    return GeoPoint(lons[mid], lats[mid])


def _suspect(leg: Leg, centre: GeoPoint) -> VisitStop | None:
    """The end of ``leg`` most likely misplaced: of its two visits, the one farther from where
    the rest of the day happened (``centre``); home and hotels are never the suspect."""
    ends = [(s, s.point) for s in (leg.origin, leg.destination) if s is not None and s.point]
    return max(ends, key=lambda end: haversine_m(end[1], centre), default=(None, None))[0]


def _leg_text(leg: Leg, reason: str, labels: tuple[str, str]) -> str:
    """« trajet A → B de N km non compté : reason »."""
    before = leg.origin.account_name if leg.origin else labels[0]
    after = leg.destination.account_name if leg.destination else labels[1]
    text = f"trajet {before} → {after} de {leg.metres / 1000:.0f} km non compté"
    return text + (f" ({reason})" if reason == "invraisemblable" else f" : {reason}")


def _unplaced(day: dt.date, stop: VisitStop, reason: str) -> ToCheck:
    """``stop``, whose place makes no kilometres, to check; a check-in that is no visit says so
    (it is listed here only, not with the far check-ins whose kilometres count)."""
    if not stop.counts:
        reason += " ; pointage à distance sans compte rendu : ne compte pas dans les visites"
    return ToCheck(day, stop.account_id, stop.account_name, reason)


def _leg_to_check(
    day: dt.date, leg: Leg, reason: str, centre: GeoPoint, labels: tuple[str, str]
) -> ToCheck:
    """``leg``, left out for ``reason``, to check, listed under its :func:`_suspect` end."""
    stop = _suspect(leg, centre)
    text = _leg_text(leg, reason, labels)
    return ToCheck(day, stop.account_id if stop else None, stop.account_name if stop else "", text)
