"""Kilometres that can be signed: invariants of derived trips over arbitrary visits and legs."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from fieldcrm.costs.derive import RepProfile, VisitStop, actual_trips
from fieldcrm.costs.plausible import MAX_DAY_KM, SPEED_CAP_KMH
from fieldcrm.geo import GeoPoint, haversine_m

PARIS = ZoneInfo("Europe/Paris")
NICE = GeoPoint(7.26, 43.70)
REP = RepProfile(rep_id=1, name="Camille", home=NICE)


def road_legs(points: Sequence[GeoPoint]) -> list[tuple[int, float]]:
    """A plausible provider: 1.3 × crow-fly at 70 km/h."""
    out = []
    for a, b in itertools.pairwise(points):
        metres = haversine_m(a, b) * 1.3
        out.append((round(metres / (70 / 3.6)), metres))
    return out


points = st.builds(
    GeoPoint,
    st.floats(min_value=-10.0, max_value=30.0, allow_nan=False),
    st.floats(min_value=35.0, max_value=60.0, allow_nan=False),
)
stops = st.lists(
    st.builds(
        lambda day, minute, point, account, doubtful, located: VisitStop(
            dt.datetime(2026, 11, 2 + day, 8, tzinfo=PARIS) + dt.timedelta(minutes=minute),
            point if located else None,
            account,
            30,
            account_name=f"Compte {account}",
            doubtful=doubtful,
        ),
        st.integers(0, 4),
        st.integers(0, 600),
        points,
        st.integers(1, 30),
        st.booleans(),
        st.booleans(),
    ),
    max_size=25,
)
# a provider answering anything: absurd speeds, zero times, huge distances
wild_leg = st.tuples(st.integers(0, 40_000), st.floats(0, 3_000_000, allow_nan=False))


@settings(max_examples=300, deadline=None)
@given(visits=stops, answers=st.lists(wild_leg, min_size=1, max_size=60))
def test_a_days_km_are_physically_possible_whatever_the_provider_says(
    visits: list[VisitStop], answers: list[tuple[int, float]]
) -> None:
    """For every trip: km ≤ driving hours × the speed cap and ≤ 1 500 km per day; doubtful
    and unlocated visits make no km and are listed."""
    counted: list[tuple[int, float]] = []

    def legs(path: Sequence[GeoPoint]) -> list[tuple[int, float]]:
        out = [answers[i % len(answers)] for i in range(len(path) - 1)]
        counted.extend(out)
        return out

    trips = actual_trips(REP, visits, legs=legs)
    for trip in trips:
        assert trip.km <= trip.driving_s / 3600 * SPEED_CAP_KMH + 0.01
        assert trip.km <= MAX_DAY_KM * trip.days + 0.01
    listed = {(c.day, c.account_id) for t in trips for c in t.to_check}
    for v in visits:
        if v.doubtful or v.point is None:
            assert (v.at.date(), v.account_id) in listed
    assert sum(t.visits for t in trips) == len(visits)  # a doubtful visit still counts


@settings(max_examples=100, deadline=None)
@given(visits=stops)
def test_with_a_plausible_provider_only_doubtful_visits_are_listed(
    visits: list[VisitStop],
) -> None:
    """Nothing is left out of a plausible road network's legs on a day that could happen:
    at most five visits, two hours apart (30 min visits, legs under 80 min, from 07:00)."""
    rank: dict[dt.date, int] = {}
    near = []
    for v in visits:
        k = rank[v.at.date()] = rank.get(v.at.date(), -1) + 1
        if k >= 5:
            continue
        near.append(
            VisitStop(
                dt.datetime.combine(v.at.date(), dt.time(7), tzinfo=PARIS)
                + dt.timedelta(hours=2 * k),
                GeoPoint(7.0 + (v.point.lon % 1) * 0.5, 43.5 + (v.point.lat % 1) * 0.5)
                if v.point
                else None,
                v.account_id,
                v.visit_minutes,
                account_name=v.account_name,
                doubtful=v.doubtful,
            )
        )
    for trip in actual_trips(REP, near, legs=road_legs):
        reasons = {c.reason.split(" :")[0] for c in trip.to_check}
        assert reasons <= {"position à vérifier", "compte non localisé"}, trip.to_check


def test_an_account_placed_800_km_away_makes_no_km_and_is_listed() -> None:
    """Monaco's accounts put in Charente-Maritime by a wrong geocode: a confirmed location
    800 km away in the middle of a local day is a place no rep reaches between two visits;
    it is listed once, and counts neither on the way there nor on the way back."""
    monday = dt.datetime(2026, 11, 16, 9, tzinfo=PARIS)
    mosnac = GeoPoint(-0.52, 45.50)
    visits = [
        VisitStop(monday, GeoPoint(7.42, 43.74), 1, 30, account_name="Café de Paris"),
        VisitStop(monday + dt.timedelta(hours=1), mosnac, 2, 30, account_name="Hôtel Hermitage"),
        VisitStop(monday + dt.timedelta(hours=2), GeoPoint(7.43, 43.73), 3, 30, account_name="Bar"),
    ]
    (trip,) = actual_trips(REP, visits, legs=road_legs)
    assert trip.km < 100  # Nice – Monaco and back, not 1 600 km
    assert [(c.account_id, _leg(c.reason)[:2]) for c in trip.to_check] == [
        (2, ("Café de Paris", "Hôtel Hermitage")),
    ]
    assert all(_leg(c.reason)[2] > 800 for c in trip.to_check)


def _leg(reason: str) -> tuple[str, str, int]:
    """(from, to, km) of a leg left out, read off its reason."""
    found = re.match(r"trajet (.*) → (.*) de (\d+) km non compté", reason)
    assert found, reason
    return found.group(1), found.group(2), int(found.group(3))


def test_an_excluded_leg_is_listed_under_the_misplaced_visit_not_its_neighbour() -> None:
    """Two misplaced accounts visited one after the other: each is filed under itself (the end
    far from the rest of the day), never under a well-placed visit, and the day goes from
    the last place reached to the next one."""
    monday = dt.datetime(2026, 11, 16, 9, tzinfo=PARIS)
    mosnac, mosnac_east = GeoPoint(-0.52, 45.50), GeoPoint(-0.50, 45.51)
    visits = [
        VisitStop(monday, GeoPoint(7.42, 43.74), 1, 30, account_name="Café de Paris"),
        VisitStop(monday + dt.timedelta(hours=1), mosnac, 2, 30, account_name="Hermitage"),
        VisitStop(monday + dt.timedelta(hours=2), mosnac_east, 3, 30, account_name="Métropole"),
        VisitStop(monday + dt.timedelta(hours=3), GeoPoint(7.43, 43.73), 4, 30, account_name="Bar"),
    ]
    (trip,) = actual_trips(REP, visits, legs=road_legs)
    assert [(c.account_id, _leg(c.reason)[:2]) for c in trip.to_check] == [
        (2, ("Café de Paris", "Hermitage")),
        (3, ("Café de Paris", "Métropole")),
    ]
