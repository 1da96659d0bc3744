"""A day's reach from home, and where a rep's valuable accounts lie beyond it.

A trip with no fixed appointment and no hotel has no place to build its corridor around but
home: its candidates are the accounts within a day's drive of home (:func:`day_reach_m`, the
detour budget of a corridor reduced to home). For a rep whose accounts lie mostly farther
(a national key-account rep), :func:`far_areas` says where they are, and whether a day's
drive reaches them (a hotel there can then be reached in one working day: the rep can add an
appointment or a hotel there), or not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fieldcrm.geo import GeoPoint, haversine_m

REACH_KMH = 50.0
"""Crow-fly kilometres covered per hour of driving (about 65 km/h on the road with a road
factor of 1.3), to turn a driving limit into a distance."""
FAR_SHARE = 0.5
"""Share of the value beyond a day's reach above which the accounts are said to be far."""


def day_reach_m(driving_minutes: float) -> float:
    """Crow-fly out-and-back distance, in metres, of a day's driving of ``driving_minutes``:
    the detour budget of a corridor reduced to home (a disc of half this radius).

    Examples
    --------
    >>> day_reach_m(240)
    200000.0
    """
    return max(0.0, driving_minutes) / 60 * REACH_KMH * 1000.0


@dataclass(frozen=True)
class Spot:
    """One account the rep may visit: its commune, postcode, place and value in euros."""

    city: str | None
    postcode: str | None
    point: GeoPoint
    value_eur: float


@dataclass(frozen=True)
class Area:
    """Accounts beyond a day's reach grouped by département, named by its best commune."""

    name: str
    departement: str
    accounts: int
    value_eur: float
    within_day: bool = True
    """Whether the commune it is named by lies within a day's drive of home (``reach_m``
    one way): a night there can be reached in one working day."""


def departement(postcode: str | None) -> str | None:
    """The département of a French postcode (``"69"``, ``"2A"``/``"2B"`` for Corsica, three
    digits overseas); ``None`` when it is not a postcode."""
    code = (postcode or "").strip()
    if len(code) != 5 or not code.isdigit():
        return None
    if code.startswith("97"):
        return code[:3]
    if code.startswith("20"):
        return "2A" if code < "20200" else "2B"
    return code[:2]


def far_areas(
    spots: Sequence[Spot], *, home: GeoPoint, reach_m: float, top: int = 3
) -> tuple[Area, ...]:
    """Where the rep's valuable accounts lie, when most of their value is beyond a day's reach.

    Parameters
    ----------
    spots
        The rep's candidate accounts (any order).
    home
        The rep's home.
    reach_m
        The day's out-and-back reach (:func:`day_reach_m`): an account farther from home
        than half of it is beyond reach.
    top
        Areas returned at most.

    Returns
    -------
    tuple of Area
        Empty unless more than :data:`FAR_SHARE` of the value lies beyond reach; else the
        accounts beyond reach grouped by département (by commune when the postcode is
        missing), named by the commune holding most of their value, by value then count,
        at most ``top``; each says whether that commune lies within a day's drive one way
        (``reach_m`` from home: the day's driving spent going there).
    """
    total = sum(max(0.0, s.value_eur) for s in spots)
    far = [s for s in spots if haversine_m(home, s.point) > reach_m / 2]
    far_value = sum(max(0.0, s.value_eur) for s in far)
    if total <= 0 or far_value <= FAR_SHARE * total:
        return ()
    groups: dict[str, list[Spot]] = {}
    for s in far:
        key = departement(s.postcode) or (s.city or "").strip().upper()
        if key:
            groups.setdefault(key, []).append(s)
    areas = []
    for key, members in groups.items():
        towns: dict[str, float] = {}
        for s in members:
            if s.city:
                towns[s.city] = towns.get(s.city, 0.0) + max(0.0, s.value_eur)
        name = min(towns, key=lambda t: (-towns[t], t)) if towns else key
        value = round(sum(max(0.0, s.value_eur) for s in members), 2)
        named = [s for s in members if s.city == name] or members
        within = min(haversine_m(home, s.point) for s in named) <= reach_m
        areas.append(Area(name, key, len(members), value, within))
    areas.sort(key=lambda a: (-a.value_eur, -a.accounts, a.name))
    return tuple(areas[:top])
