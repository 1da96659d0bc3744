"""A check-in the road cannot reach in the time (a GPS glitch) counts on neither side: no km
to it nor back from it, no meal, listed once under « À vérifier »."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from fieldcrm.costs.derive import RepProfile, actual_trips
from fieldcrm.costs.plausible import VisitStop, plausible_day
from fieldcrm.geo import GeoPoint, haversine_m

PARIS_TZ = ZoneInfo("Europe/Paris")
NICE = GeoPoint(7.2620, 43.7102)
CAP_D_AIL = GeoPoint(7.4040, 43.7240)
OLIVIERS = GeoPoint(7.2750, 43.7000)
PARIS = GeoPoint(2.3488, 48.8534)
CAMILLE = RepProfile(rep_id=4, name="Camille Martin", home=NICE)
DAY = dt.date(2026, 12, 7)


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(DAY, dt.time(hour, minute), tzinfo=PARIS_TZ)


def road_legs(points: Sequence[GeoPoint]) -> list[tuple[int, float]]:
    """1.3 × crow-fly at 90 km/h: a plausible provider."""
    out = []
    for a, b in itertools.pairwise(points):
        metres = haversine_m(a, b) * 1.3
        out.append((math.ceil(metres / (90 / 3.6)), metres))
    return out


def visit(when: dt.datetime, point: GeoPoint, account: int, name: str) -> VisitStop:
    return VisitStop(when, point, account, 30, account_name=name)


GLITCH = VisitStop(
    at(14, 31),
    PARIS,  # the phone said Paris; ZETA Distribution is in Cap-d'Ail
    2,
    30,
    account_name="ZETA Distribution",
    counts=False,  # far from its account, an empty report
    distance_m=haversine_m(PARIS, CAP_D_AIL),
)
DAY_VISITS = [
    visit(at(9), CAP_D_AIL, 1, "Bar du Port"),
    visit(at(14, 30), OLIVIERS, 3, "Restaurant des Oliviers"),
]


def test_a_check_in_900_km_away_one_minute_later_counts_neither_way() -> None:
    """Camille's 07/12: Restaurant des Oliviers at 14:30, then « ZETA Distribution » checked
    in from Paris at 14:31. The day's km, hours and meals are those of the day without it
    (Restaurant des Oliviers → home counted instead of Paris → home), and it is listed once,
    saying it counts in no leg and is no visit."""
    (without,) = actual_trips(CAMILLE, DAY_VISITS, legs=road_legs)
    (trip,) = actual_trips(CAMILLE, [*DAY_VISITS, GLITCH], legs=road_legs)
    assert without.km < 50 and without.meals == 0
    assert (trip.km, trip.driving_s, trip.meals) == (without.km, without.driving_s, 0)
    assert trip.visits == 2
    (listed,) = trip.to_check
    assert listed.account_id == 2
    assert listed.reason.startswith(
        "trajet Restaurant des Oliviers → ZETA Distribution de 892 km non compté : "
    )
    assert "pour 0 min entre la fin de la visite précédente" in listed.reason
    assert "aucun trajet vers ou depuis ce pointage compté" in listed.reason
    assert "ne compte pas dans les visites" in listed.reason
    # the far check-in is no visit, but not among those whose km count
    (far,) = trip.not_counted
    assert far.account_id == 2 and not far.km_counted


def test_the_day_drives_from_the_visit_before_to_home() -> None:
    """The legs counted are home → Bar du Port → Restaurant des Oliviers → home."""
    day = plausible_day(DAY, NICE, [*DAY_VISITS, GLITCH], NICE, road_legs)
    ends = [(leg.origin, leg.destination) for leg in day.counted]
    assert ends == [(None, DAY_VISITS[0]), (DAY_VISITS[0], DAY_VISITS[1]), (DAY_VISITS[1], None)]
    assert day.placed == tuple(DAY_VISITS)


near_nice = st.builds(
    GeoPoint,
    st.floats(min_value=7.15, max_value=7.40, allow_nan=False),
    st.floats(min_value=43.60, max_value=43.85, allow_nan=False),
)


@settings(max_examples=100, deadline=None)
@given(
    points=st.lists(near_nice, min_size=1, max_size=5),
    after=st.integers(0, 4),
    far=st.sampled_from([PARIS, GeoPoint(-1.55, 47.22), GeoPoint(3.06, 50.63)]),
)
def test_a_glitch_after_any_visit_changes_nothing_but_the_list(
    points: list[GeoPoint], after: int, far: GeoPoint
) -> None:
    """A local day (visits two hours apart within 40 km of home) and the same day with a
    check-in 700–900 km away one minute after one of its visits: the same km, hours and
    meals; the far check-in listed once, under itself."""
    visits = [visit(at(8 + 2 * k), p, 10 + k, f"Compte {k}") for k, p in enumerate(points)]
    before = visits[after % len(visits)]
    glitch = VisitStop(before.at + dt.timedelta(minutes=1), far, 99, 30, account_name="Loin")
    (plain,) = actual_trips(CAMILLE, visits, legs=road_legs)
    (trip,) = actual_trips(CAMILLE, [*visits, glitch], legs=road_legs)
    assert plain.to_check == ()
    assert (trip.km, trip.driving_s, trip.meals, trip.hotel_nights) == (
        plain.km,
        plain.driving_s,
        plain.meals,
        plain.hotel_nights,
    )
    assert [c.account_id for c in trip.to_check] == [99]
