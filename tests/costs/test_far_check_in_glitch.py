"""A check-in made far from its own account whose way from or back home the day cannot hold
is a GPS glitch: neither way counts, it makes no meal and no night, and it is listed once
(QA20b: Camille's only visit of 07/12, « ZETA Distribution » checked in with the phone in
Paris, claimed 895,7 km, 8:32 and a 20 € meal). A check-in AT its account keeps its place, so
a real trip's far first day keeps its night."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from fieldcrm.costs.derive import actual_trips
from fieldcrm.costs.plausible import (
    FAR_FROM_ACCOUNT_M,
    MAX_WORKING_DAY_S,
    SPEED_CAP_KMH,
    VisitStop,
    plausible_day,
)
from fieldcrm.geo import GeoPoint, haversine_m
from tests.costs.test_out_of_reach import (
    CAMILLE,
    CAP_D_AIL,
    DAY,
    NICE,
    OLIVIERS,
    PARIS,
    PARIS_TZ,
    at,
    near_nice,
    road_legs,
    visit,
)

ORLEANS = GeoPoint(1.9093, 47.9030)
PARIS_ACCOUNT = GeoPoint(2.3522, 48.8566)


def zeta_from_paris(when: dt.datetime, *, counts: bool = False) -> VisitStop:
    """« Je suis sur place » at ZETA Distribution (Cap-d'Ail) with the phone's GPS in Paris."""
    return VisitStop(
        when,
        PARIS,
        2,
        30,
        account_name="ZETA Distribution",
        counts=counts,
        distance_m=haversine_m(PARIS, CAP_D_AIL),
    )


@pytest.mark.parametrize("counts", [False, True])
def test_the_day_s_only_check_in_from_paris_claims_nothing(counts: bool) -> None:
    """The QA's case: 0 km, no driving, no meal, no night; listed once, saying how far from
    its account it was made and that no way to or from it counts (with its report written
    too: the report makes it a visit, not a place)."""
    (trip,) = actual_trips(CAMILLE, [zeta_from_paris(at(14, 31), counts=counts)], legs=road_legs)
    assert (trip.km, trip.driving_s, trip.meals, trip.hotel_nights) == (0, 0, 0, 0)
    assert trip.visits == (1 if counts else 0)
    (listed,) = trip.to_check
    assert (listed.day, listed.account_id) == (DAY, 2)
    assert listed.reason.startswith(
        "pointage à 690 km du compte, hors de portée de la journée ; "
        "trajet domicile → ZETA Distribution de 890 km non compté : 9 h 54 de route, il ne "
        "reste que 3 h 01 dans la journée (13 h au plus : 5 min de la première visite à la "
        "fin de la dernière, 9 h 54 d’autres trajets) ; "
        "aucun trajet vers ou depuis ce pointage compté"
    )
    assert listed.reason.endswith("ne compte pas dans les visites") is not counts
    if not counts:  # the far check-in is no visit, and its km do not count
        (far,) = trip.not_counted
        assert far.account_id == 2 and not far.km_counted


def test_the_day_drives_home_to_home_without_the_glitch() -> None:
    day = plausible_day(DAY, NICE, [zeta_from_paris(at(14, 31))], NICE, road_legs)
    assert [(leg.origin, leg.destination, leg.metres) for leg in day.counted] == [(None, None, 0.0)]
    assert (day.seconds, day.metres, day.placed) == (0.0, 0.0, ())


def test_a_glitched_first_check_in_leaves_the_day_home_to_the_real_visits_and_home() -> None:
    """ZETA « checked in » from Paris at 08:00 (far enough in time from the 18:00 visit for
    the road to reach it), then two real visits near Nice: the day is driven home → Bar du
    Port → Restaurant des Oliviers → home; no Paris leg, no meal; the glitch listed once."""
    real = [visit(at(18), CAP_D_AIL, 1, "Bar du Port"), visit(at(18, 30), OLIVIERS, 3, "Oliviers")]
    glitch = zeta_from_paris(at(8))
    (plain,) = actual_trips(CAMILLE, real, legs=road_legs)
    (trip,) = actual_trips(CAMILLE, [glitch, *real], legs=road_legs)
    assert plain.km < 50 and plain.to_check == ()
    assert (trip.km, trip.driving_s, trip.meals, trip.hotel_nights) == (
        plain.km,
        plain.driving_s,
        0,
        0,
    )
    assert [(c.account_id, c.reason.split(" ; ")[0]) for c in trip.to_check] == [
        (2, "pointage à 690 km du compte, hors de portée de la journée")
    ]
    day = plausible_day(DAY, NICE, [glitch, *real], NICE, road_legs)
    assert [(leg.origin, leg.destination) for leg in day.counted] == [
        (None, real[0]),
        (real[0], real[1]),
        (real[1], None),
    ]
    # the whole day is plausible: its km within what its hours allow, its day within 13 h
    assert trip.km <= trip.driving_s / 3600 * SPEED_CAP_KMH
    span = (real[1].at - glitch.at).total_seconds() + 5 * 60
    assert span + day.counted[0].seconds + day.counted[-1].seconds <= MAX_WORKING_DAY_S


@pytest.mark.parametrize("distance_m", [None, 20.0, FAR_FROM_ACCOUNT_M, 650.0])
def test_a_real_far_trip_checked_in_at_its_accounts_keeps_its_night_and_km(
    distance_m: float | None,
) -> None:
    """Camille drives to Paris (a check-in at its account, 15:00), sleeps there, sees a
    customer in Orléans next morning and drives home: the home → home day cannot hold the
    way there and back, but the place is true, so the night (and its dinner) stands. So it
    does for check-ins a few hundred metres off (a car park): far check-ins, but their
    accounts are as far from home."""
    first = dataclasses.replace(
        visit(at(15), PARIS_ACCOUNT, 7, "Brasserie Paris"), distance_m=distance_m
    )
    second = VisitStop(
        dt.datetime.combine(DAY + dt.timedelta(days=1), dt.time(9), tzinfo=PARIS_TZ),
        ORLEANS,
        8,
        30,
        account_name="Cave Orléans",
        distance_m=distance_m,
    )
    (trip,) = actual_trips(CAMILLE, [first, second], legs=road_legs)
    assert trip.hotel_nights == 1
    expected_m = sum(m for _, m in road_legs([NICE, PARIS_ACCOUNT, ORLEANS, NICE]))
    assert trip.km == round(expected_m / 1000, 3)
    assert trip.to_check == ()


def test_the_same_trip_whose_paris_check_in_was_made_far_from_its_account_has_no_night() -> None:
    """Contrast: the first day's only check-in made in Paris for ZETA, an account 690 km
    away in Cap-d'Ail: not a place, so that day claims nothing and no night away is
    inferred from it (the next day is a day of its own, from home)."""
    second = VisitStop(
        dt.datetime.combine(DAY + dt.timedelta(days=1), dt.time(9), tzinfo=PARIS_TZ),
        ORLEANS,
        8,
        30,
        account_name="Cave Orléans",
    )
    first_day, next_day = actual_trips(CAMILLE, [zeta_from_paris(at(15)), second], legs=road_legs)
    assert (first_day.km, first_day.driving_s, first_day.meals, first_day.hotel_nights) == (
        0,
        0,
        0,
        0,
    )
    assert (next_day.start_day, next_day.hotel_nights) == (second.at.date(), 0)
    assert [c.account_id for c in first_day.to_check] == [2]


far_away = st.sampled_from([PARIS, GeoPoint(-1.55, 47.22), GeoPoint(3.06, 50.63)])


@settings(max_examples=150, deadline=None)
@given(
    points=st.lists(near_nice, min_size=0, max_size=4),
    minutes=st.lists(st.integers(0, 23 * 60 + 59), min_size=5, max_size=5, unique=True),
    glitch_first=st.booleans(),
    far=far_away,
    counts=st.booleans(),
)
def test_a_glitch_first_or_last_of_a_day_never_makes_km_meals_or_nights(
    points: list[GeoPoint], minutes: list[int], glitch_first: bool, far: GeoPoint, counts: bool
) -> None:
    """Real visits near Nice at any times, and a check-in 700–900 km from its account (which
    is near Nice) as the day's first or last check-in, at any time: it is listed once and
    claims nothing (no km beyond the day without it, no meal, no night), and the day's km
    never exceed what its hours allow."""
    times = sorted(minutes)
    glitch_at = times[0] if glitch_first else times[-1]
    real_times = [m for m in times if m != glitch_at][: len(points)]
    real = [
        visit(at(m // 60, m % 60), p, 10 + k, f"Compte {k}")
        for k, (m, p) in enumerate(zip(real_times, points, strict=True))
    ]
    glitch = VisitStop(
        at(glitch_at // 60, glitch_at % 60),
        far,
        99,
        30,
        account_name="Loin",
        counts=counts,
        distance_m=haversine_m(far, CAP_D_AIL),
    )
    assume(glitch.distance_m is not None and glitch.distance_m > 600_000)
    (trip,) = actual_trips(CAMILLE, [*real, glitch], legs=road_legs)
    plain = actual_trips(CAMILLE, real, legs=road_legs)
    assert [c.account_id for c in trip.to_check].count(99) == 1
    assert trip.hotel_nights == 0 and trip.meals == 0
    assert trip.km <= (plain[0].km if plain else 0.0)
    assert trip.km <= trip.driving_s / 3600 * SPEED_CAP_KMH + 1e-6
    day = plausible_day(DAY, NICE, [*real, glitch], NICE, road_legs)
    assert glitch not in day.placed
    assert all(glitch not in (leg.origin, leg.destination) for leg in day.counted)
