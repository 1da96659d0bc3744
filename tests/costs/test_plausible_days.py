"""A day's km are physically possible: each leg fits the time between its two visits, the day
fits in what a day can hold; what is left out is listed with the figures that rule it out."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from fieldcrm.costs.derive import RepProfile, actual_trips
from fieldcrm.costs.plausible import (
    LEG_SLACK_S,
    MAX_DAY_KM,
    MAX_WORKING_DAY_S,
    SHORTEST_VISIT_S,
    SPEED_CAP_KMH,
    VisitStop,
    plausible_day,
)
from fieldcrm.geo import GeoPoint, haversine_m

PARIS_TZ = ZoneInfo("Europe/Paris")
ANTIBES = GeoPoint(7.1256, 43.5808)
SOPHIE = RepProfile(rep_id=6, name="Sophie Durand", home=ANTIBES)
PARIS = GeoPoint(2.3488, 48.8534)
LYON = GeoPoint(4.8357, 45.7640)
TOULON = GeoPoint(5.9280, 43.1242)
LILLE = GeoPoint(3.0573, 50.6292)
CANNES = GeoPoint(7.0128, 43.5513)
MONDAY = dt.date(2026, 1, 26)


def at(hour: int, minute: int = 0, day: dt.date = MONDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS_TZ)


def road_legs(points: Sequence[GeoPoint]) -> list[tuple[int, float]]:
    """1.3 × crow-fly at 90 km/h: a plausible provider."""
    out = []
    for a, b in itertools.pairwise(points):
        metres = haversine_m(a, b) * 1.3
        out.append((round(metres / (90 / 3.6)), metres))
    return out


def answers(*legs: tuple[int, float], then: Sequence[tuple[int, float]] = ()):  # type: ignore[no-untyped-def]
    """A provider answering ``legs`` (seconds, metres) in order, whatever the points; asked
    again (once a check-in out of reach is left out of the day), ``then``."""
    calls = iter([legs, tuple(then)])

    def provider(points: Sequence[GeoPoint]) -> list[tuple[int, float]]:
        reply = next(calls)
        assert len(points) == len(reply) + 1
        return list(reply)

    return provider


def stop(when: dt.datetime, point: GeoPoint, account: int, name: str, minutes: int = 45):
    return VisitStop(when, point, account, minutes, account_name=name)  # type: ignore[no-untyped-def]


def test_a_leg_needing_more_time_than_between_its_visits_is_listed_with_its_figures() -> None:
    """Paris at 10:00, Lyon at 11:00: 465 km and 4 h 50 of road in the 55 minutes after the
    shortest visit is not counted; the manager reads both places, the km, the time needed and
    the time there was."""
    visits = [
        stop(at(10), PARIS, 1, "Café du Louvre"),
        stop(at(11), LYON, 2, "Bouchon Lyonnais"),
    ]
    legs = answers(
        (9 * 3600, 900_000),
        (4 * 3600 + 50 * 60, 465_000),
        (4 * 3600, 470_000),
        then=[(4 * 3600, 470_000), (4 * 3600, 470_000)],
    )
    day = plausible_day(MONDAY, ANTIBES, visits, ANTIBES, legs)
    reasons = [c.reason for c in day.to_check]
    assert reasons == [
        "trajet Café du Louvre → Bouchon Lyonnais de 465 km non compté : 4 h 50 de route pour "
        "55 min entre la fin de la visite précédente (10:05) et l’arrivée (11:00) ; aucun "
        "trajet vers ou depuis ce pointage compté"
    ]
    # Paris, the farther from the rest of the day, is left out of both its legs
    assert [c.account_id for c in day.to_check] == [1]
    assert [leg.metres for leg in day.counted] == [470_000, 470_000]


def test_the_time_between_two_visits_has_a_fifteen_minute_slack_and_no_more() -> None:
    """15 minutes between the end of a (shortest, 5-minute) visit and the next check-in: a leg
    of 30 minutes counts (the slack), a leg of 31 minutes does not."""
    visits = [stop(at(9), LYON, 1, "A"), stop(at(9, 20), LYON, 2, "B")]
    assert LEG_SLACK_S == 15 * 60
    fits = plausible_day(MONDAY, LYON, visits, LYON, answers((0, 0.0), (30 * 60, 20_000), (0, 0.0)))
    assert fits.metres == 20_000 and fits.to_check == []
    late = plausible_day(
        MONDAY,
        LYON,
        visits,
        LYON,
        answers((0, 0.0), (31 * 60, 20_000), (0, 0.0), then=[(0, 0.0)] * 2),
    )
    assert late.metres == 0
    assert [c.reason for c in late.to_check] == [
        "trajet A → B de 20 km non compté : 31 min de route pour 15 min entre la fin de la "
        "visite précédente (09:05) et l’arrivée (09:20) ; aucun trajet vers ou depuis ce "
        "pointage compté"
    ]


def test_quick_visits_keep_their_legs_whatever_the_accounts_usual_length() -> None:
    """Two accounts whose usual visit is 45 minutes, checked in at 09:00 and 09:40 with 25
    minutes of road between them: the rep made a quick visit and drove; the leg counts (the
    usual length is a plan, the check-ins are what happened)."""
    visits = [stop(at(9), LYON, 1, "A"), stop(at(9, 40), LYON, 2, "B")]
    day = plausible_day(MONDAY, LYON, visits, LYON, answers((0, 0.0), (25 * 60, 20_000), (0, 0.0)))
    assert day.metres == 20_000 and day.to_check == []


def test_many_short_visits_do_not_eat_the_days_legs() -> None:
    """Sixteen stops of a 45-minute usual length, one every 30 minutes from 08:00, 30 minutes
    from home each way: the nominal visits would add up to 12 h and leave the day's legs out;
    the check-ins span 7 h 35, so every leg counts."""
    visits = [stop(at(8) + dt.timedelta(minutes=30 * k), LYON, k, f"L{k}") for k in range(16)]
    legs = answers((1800, 30_000), *[(600, 5_000)] * 15, (1800, 30_000))
    day = plausible_day(MONDAY, ANTIBES, visits, ANTIBES, legs)
    assert day.to_check == [] and day.metres == 60_000 + 15 * 5_000


def test_a_visit_without_a_place_in_between_takes_its_time_from_the_gap() -> None:
    """A at 9:00, an unlocated visit at 9:30, B at 9:45: 35 of the 45 minutes are free once the
    two visits have had their shortest 5 minutes, so a 51-minute leg A → B cannot have happened."""
    nowhere = VisitStop(at(9, 30), None, 3, 45, account_name="Sans adresse")
    visits = [stop(at(9), LYON, 1, "A"), nowhere, stop(at(9, 45), LYON, 2, "B")]
    legs = answers((0, 0.0), (51 * 60, 40_000), (0, 0.0), then=[(0, 0.0)] * 2)
    day = plausible_day(MONDAY, LYON, visits, LYON, legs)
    assert day.metres == 0
    assert "51 min de route pour 35 min" in day.to_check[-1].reason


def test_sophies_day_across_france_keeps_only_what_a_day_could_hold() -> None:
    """Paris, Lyon, Toulon, Paris, Lille within a working day (the demo's "1 287 km, 8 visits,
    0 nights" day): every check-in out of reach is listed once and counts in no leg; the day
    is driven through the places that could follow each other (Lyon, then Cannes at 17:10)
    and holds in 13 h."""
    visits = [
        stop(at(8, 30), PARIS, 1, "Paris 1"),
        stop(at(9, 30), LYON, 2, "Lyon"),
        stop(at(10, 40), TOULON, 3, "Toulon"),
        stop(at(11, 35), PARIS, 4, "Paris 2"),
        stop(at(14, 10), LILLE, 5, "Lille"),
        stop(at(17, 10), CANNES, 6, "Cannes"),
    ]
    (trip,) = actual_trips(SOPHIE, visits, legs=road_legs)
    listed = [c.reason for c in trip.to_check]
    out_of_reach = {
        c.account_name: c.reason
        for c in trip.to_check
        if c.reason.endswith("aucun trajet vers ou depuis ce pointage compté")
    }
    assert sorted(out_of_reach) == ["Lille", "Paris 1", "Paris 2", "Toulon"]
    assert out_of_reach["Toulon"].startswith("trajet Lyon → Toulon de ")
    assert out_of_reach["Lille"].startswith("trajet Lyon → Lille de ")
    (from_home,) = [r for r in listed if r.startswith("trajet domicile → Lyon de ")]
    assert (
        "de route, il ne reste que" in from_home
        and "(13 h au plus : 8 h 45 de la première visite à la fin de la dernière" in from_home
    )
    assert trip.driving_s + trip.visiting_s <= MAX_WORKING_DAY_S
    assert trip.km <= trip.driving_s / 3600 * SPEED_CAP_KMH
    # Lyon → Cannes and Cannes → Antibes, the legs that could happen
    assert trip.km == round(sum(m for _, m in road_legs([LYON, CANNES, ANTIBES])) / 1000, 3)
    assert trip.km_status == "partial"


def test_a_long_day_trip_that_fits_counts_whole_beyond_500_km() -> None:
    """One visit in Lyon at 13:00, from Antibes and back (2 × 600 km, 2 × 5 h 50): a long but
    possible day is counted whole; the old 500 km cut would have dropped both legs."""
    legs = answers((5 * 3600 + 50 * 60, 600_000), (5 * 3600 + 50 * 60, 600_000))
    (trip,) = actual_trips(SOPHIE, [stop(at(13), LYON, 1, "Lyon", 60)], legs=legs)
    assert trip.km == 1200 and trip.to_check == () and trip.km_status == "complete"


def test_a_day_beyond_thirteen_hours_leaves_its_longest_leg_out_and_says_why() -> None:
    """The same drive with four visits in Lyon from 10:00 to 13:05: 11 h 50 of road from and
    to home around 3 h 05 of check-ins cannot fit in a day; the longest leg is left out, with
    the room the day had left."""
    visits = [stop(at(10 + k), LYON, k, f"Lyon {k}") for k in range(4)]
    legs = answers(
        (5 * 3600 + 50 * 60, 600_000), (600, 5_000), (600, 5_000), (600, 5_000), (6 * 3600, 610_000)
    )
    (trip,) = actual_trips(SOPHIE, visits, legs=legs)
    assert [c.reason for c in trip.to_check] == [
        "trajet Lyon 3 → domicile de 610 km non compté : 6 h de route, il ne reste que 4 h 05 "
        "dans la journée (13 h au plus : 3 h 05 de la première visite à la fin de la dernière, "
        "5 h 50 d’autres trajets)"
    ]
    assert trip.km == 615 and trip.driving_s + trip.visiting_s <= MAX_WORKING_DAY_S


def test_a_day_whose_every_leg_is_left_out_reads_km_unknown_not_zero() -> None:
    """Paris at 10:40, Lille at 11:35, Paris again at 16:05, home in Antibes: Lille is out of
    reach, and the day cannot hold the drive from and to home around its 5 h 30 of
    check-ins; no km counted, and the trip says so."""
    visits = [
        stop(at(10, 40), PARIS, 1, "Paris 1"),
        stop(at(11, 35), LILLE, 2, "Lille"),
        stop(at(16, 5), PARIS, 3, "Paris 2"),
    ]
    (trip,) = actual_trips(SOPHIE, visits, legs=road_legs)
    assert trip.km == 0 and trip.visits == 3
    assert trip.km_status == "unknown"
    assert any(c.reason.startswith("trajet domicile → Paris 1 de ") for c in trip.to_check)
    assert [c.account_name for c in trip.to_check if "ce pointage" in c.reason] == ["Lille"]


def test_hotel_nights_whose_drive_there_is_left_out_read_as_incomplete_km() -> None:
    """The demo's 12/01–16/01 trip, 77,7 km and 4 nights: six visits a day in Paris from 08:30,
    Monday to Thursday, home in Antibes. The nights are where the visits were (Paris, far from home),
    but a 900 km drive before 08:30 cannot be counted: the trip's km say "incomplete" and the
    leg from home is listed, instead of a quiet 77,7 km."""
    days = [MONDAY + dt.timedelta(days=k) for k in range(4)]
    visits = [
        stop(
            dt.datetime.combine(day, dt.time(8, 30), tzinfo=PARIS_TZ)
            + dt.timedelta(minutes=90 * k),
            GeoPoint(2.35 + 0.01 * k, 48.85),
            10 * d + k,
            f"Paris {k}",
        )
        for d, day in enumerate(days)
        for k in range(6)
    ]
    (trip,) = actual_trips(SOPHIE, visits, legs=road_legs)
    assert trip.hotel_nights == 3 and trip.days == 4
    assert trip.km_status == "partial"
    assert any(c.reason.startswith("trajet domicile → Paris 0 de ") for c in trip.to_check)
    assert any(c.reason.startswith("trajet Paris 5 → domicile de ") for c in trip.to_check)


places = st.builds(
    GeoPoint,
    st.floats(min_value=-5.0, max_value=9.0, allow_nan=False),
    st.floats(min_value=41.0, max_value=51.0, allow_nan=False),
)
day_stops = st.lists(
    st.builds(
        lambda minute, point, account, minutes, located: VisitStop(
            at(6) + dt.timedelta(minutes=minute),
            point if located else None,
            account,
            minutes,
            account_name=f"Compte {account}",
        ),
        st.integers(0, 900),
        places,
        st.integers(1, 30),
        st.sampled_from([0, 15, 30, 45, 60, 90]),
        st.booleans() | st.just(True),
    ),
    max_size=12,
)
# anything a provider may answer: absurd speeds, zero times, huge distances
wild_leg = st.tuples(st.integers(0, 60_000), st.floats(0, 3_000_000, allow_nan=False))


@settings(max_examples=300, deadline=None)
@given(
    stops=day_stops,
    replies=st.lists(wild_leg, min_size=1, max_size=20),
    plausible=st.booleans(),
)
def test_no_counted_day_drives_faster_longer_or_outside_the_gaps(
    stops: list[VisitStop], replies: list[tuple[int, float]], plausible: bool
) -> None:
    """Whatever the visits and the provider: every counted leg is at most the speed cap and
    fits the time between its visits (with the slack); the counted day holds in
    ``MAX_WORKING_DAY_S`` and ``MAX_DAY_KM``; every leg left out is listed."""

    def wild(points: Sequence[GeoPoint]) -> list[tuple[int, float]]:
        return [replies[i % len(replies)] for i in range(len(points) - 1)]

    day = plausible_day(MONDAY, ANTIBES, stops, ANTIBES, road_legs if plausible else wild)
    # the day from leaving to being back: the check-ins' span (to the last one's shortest
    # visit), and the legs from and to home around it
    span = (
        (max(s.at for s in stops) - min(s.at for s in stops)).total_seconds()
        + min(max(stops, key=lambda s: s.at).visit_minutes * 60, SHORTEST_VISIT_S)
        if stops
        else 0.0
    )
    for leg in day.counted:
        assert leg.metres / 1000 <= leg.seconds / 3600 * SPEED_CAP_KMH + 1e-6
        if leg.available_s is not None:
            assert leg.seconds <= max(leg.available_s, 0) + LEG_SLACK_S
            assert leg.origin is not None and leg.destination is not None
            assert leg.origin.at <= leg.destination.at
    outer = [leg for leg in day.counted if leg.origin is None or leg.destination is None]
    if outer:
        assert span + sum(leg.seconds for leg in outer) <= MAX_WORKING_DAY_S
    assert day.metres <= MAX_DAY_KM * 1000 + 1e-6
    assert day.seconds == sum(leg.seconds for leg in day.counted)
    located = sum(1 for s in stops if s.point is not None)
    unlocated = len(stops) - located
    assert len(day.counted) + len(day.to_check) == located + 1 + unlocated
