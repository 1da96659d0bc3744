"""Clash rules and local times, on tiny named cases with known answers."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from fieldcrm.agenda.clashes import Booked, check_overlap, check_reachable, neighbours
from fieldcrm.agenda.times import day_span, local_instant
from fieldcrm.errors import Conflict, InvalidInput
from fieldcrm.geo import GeoPoint

PARIS = ZoneInfo("Europe/Paris")
MONACO = GeoPoint(7.4246, 43.7384)
DAY = dt.date(2026, 6, 10)


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)


def booked(id_: int | None, title: str, start: dt.datetime, minutes: int) -> Booked:
    return Booked(id_, title, start, start + dt.timedelta(minutes=minutes), MONACO)


def test_overlap_names_the_other_appointment_and_its_local_times() -> None:
    lambda_ = booked(1, "Rendez-vous LAMBDA SARL", at(9), 60)
    with pytest.raises(Conflict) as refused:
        check_overlap(booked(None, "Café du Port", at(9, 30), 30), [lambda_], zone=PARIS)
    assert str(refused.value) == (
        "Ce créneau (09:30–10:00) chevauche le rendez-vous « Rendez-vous LAMBDA SARL » "
        "du 10/06/2026 de 09:00 à 10:00."
    )


def test_touching_ends_do_not_overlap() -> None:
    check_overlap(booked(None, "b", at(10), 30), [booked(1, "a", at(9), 60)], zone=PARIS)


def test_neighbours_are_the_nearest_of_the_same_local_day() -> None:
    others = [
        booked(1, "veille", at(17, day=DAY - dt.timedelta(days=1)), 60),
        booked(2, "tôt", at(8), 30),
        booked(3, "avant", at(9), 30),
        booked(4, "après", at(14), 30),
        booked(5, "tard", at(16), 30),
    ]
    previous, following = neighbours(booked(None, "new", at(11), 60), others, zone=PARIS)
    assert (previous and previous.id, following and following.id) == (3, 4)
    alone = neighbours(booked(None, "new", at(7), 30), others[:1], zone=PARIS)
    assert alone == (None, None)


def test_unreachable_from_the_previous_one_says_the_earliest_arrival() -> None:
    monaco = booked(1, "Monaco", at(9), 60)
    paris = Booked(None, "Paris", at(10, 30), at(11, 30), GeoPoint(2.35, 48.85))
    with pytest.raises(Conflict) as refused:
        check_reachable(
            paris,
            previous=monaco,
            following=None,
            from_previous_s=8 * 3600 + 20,
            to_following_s=None,
            zone=PARIS,
        )
    assert str(refused.value) == (
        "Impossible d’arriver à 10:30 : le rendez-vous « Monaco » (09:00–10:00) finit à 10:00 "
        "et il faut 8 h de route depuis là-bas (arrivée au plus tôt à 18:01)."
    )


def test_unreachable_next_one_is_refused_too_and_exact_fits_pass() -> None:
    new = booked(None, "new", at(9), 60)
    following = booked(2, "Suivant", at(10, 30), 30)
    check_reachable(
        new,
        previous=None,
        following=following,
        from_previous_s=None,
        to_following_s=1800,
        zone=PARIS,
    )
    with pytest.raises(Conflict, match="rendez-vous suivant « Suivant » \\(10:30–11:00\\)"):
        check_reachable(
            new,
            previous=None,
            following=following,
            from_previous_s=None,
            to_following_s=1801,
            zone=PARIS,
        )


def test_nine_oclock_on_both_clock_change_sundays() -> None:
    spring = local_instant(dt.date(2026, 3, 29), dt.time(9), PARIS)
    autumn = local_instant(dt.date(2026, 10, 25), dt.time(9), PARIS)
    assert spring.astimezone(dt.UTC) == dt.datetime(2026, 3, 29, 7, tzinfo=dt.UTC)
    assert autumn.astimezone(dt.UTC) == dt.datetime(2026, 10, 25, 8, tzinfo=dt.UTC)
    assert local_instant(dt.date(2026, 3, 28), dt.time(9), PARIS).utcoffset() == dt.timedelta(
        hours=1
    )


def test_the_skipped_hour_is_refused_and_the_repeated_one_is_the_first() -> None:
    with pytest.raises(InvalidInput) as refused:
        local_instant(dt.date(2026, 3, 29), dt.time(2, 30), PARIS)
    assert refused.value.field == "time" and "n’existe pas le 29/03/2026" in str(refused.value)
    repeated = local_instant(dt.date(2026, 10, 25), dt.time(2, 30), PARIS)
    assert repeated.utcoffset() == dt.timedelta(hours=2)


def test_clock_change_days_last_23_and_25_hours() -> None:
    def hours(day: dt.date) -> dt.timedelta:
        start, end = day_span(day, day, PARIS)  # same tzinfo subtracts wall clocks: go to UTC
        return end.astimezone(dt.UTC) - start.astimezone(dt.UTC)

    assert hours(dt.date(2026, 3, 29)) == dt.timedelta(hours=23)
    assert hours(dt.date(2026, 10, 25)) == dt.timedelta(hours=25)


def test_an_appointment_across_the_spring_change_lasts_its_real_length() -> None:
    """01:30 + 90 min of driving on the spring Sunday is 04:00 on the clock, not 03:00."""
    night = dt.date(2026, 3, 29)
    first = Booked(
        1,
        "Nuit",
        local_instant(night, dt.time(1, 0), PARIS),
        local_instant(night, dt.time(1, 30), PARIS),
        MONACO,
    )
    new = Booked(
        None,
        "Tôt",
        local_instant(night, dt.time(3, 30), PARIS),
        local_instant(night, dt.time(4, 0), PARIS),
        MONACO,
    )
    with pytest.raises(Conflict, match="arrivée au plus tôt à 04:00"):
        check_reachable(
            new,
            previous=first,
            following=None,
            from_previous_s=5400,
            to_following_s=None,
            zone=PARIS,
        )
