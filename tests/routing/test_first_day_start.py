"""A first day that starts away from home (:attr:`Problem.start`: the booking the rep is at,
planned the same day) starts there; home stays the trip's home, where every night not
away is spent and the last day ends. Tiny cases, exact answers."""

from __future__ import annotations

import datetime as dt

import pytest

from fieldcrm.errors import InvalidInput
from fieldcrm.routing import engine
from fieldcrm.routing.engine import Budget, day_places
from fieldcrm.routing.planner import plan
from fieldcrm.routing.problem import Appointment, Candidate, Costs, Hotel, Problem, WorkDay

H, M = 3600, 60
MONDAY = dt.date(2026, 12, 14)
QUICK = Budget(patience=200, time_limit_s=2.0)
# 0 home, 1 the booking she is at (Versailles), 2 a client in Paris, 3 an account and a
# hotel in Versailles
SECONDS = (
    (0, 25 * M, 10 * M, 25 * M),
    (25 * M, 0, 21 * M, 2 * M),
    (10 * M, 21 * M, 0, 21 * M),
    (25 * M, 2 * M, 21 * M, 0),
)


def _trip(*, hotel: bool = False, start: int | None = 1) -> Problem:
    """Monday to Wednesday from the booking she is at on Monday at 11:00, a booking in Paris
    on Wednesday at 10:00, an account next door seeing her on Monday 11:00–11:05 only
    (reached from where she is, never from home); a 95 € hotel there when ``hotel``."""
    days = tuple(
        WorkDay(
            11 * H if k == 0 else 8 * H + 30 * M,
            18 * H,
            date=MONDAY + dt.timedelta(days=k),
            not_before_s=11 * H if k == 0 else None,
        )
        for k in range(3)
    )
    return Problem(
        home=0,
        start=start,
        days=days,
        durations_s=SECONDS,
        distances_m=tuple(tuple(v * 15 for v in row) for row in SECONDS),
        appointments=(Appointment("paris", 2, 2, 10 * H, H, "Client Paris"),),
        candidates=(Candidate("next", 3, 100.0, 30 * M, (((11 * H, 11 * H + 5 * M),), (), ())),),
        hotels=(Hotel("h", 3, 95.0, name="Hôtel de Versailles"),) if hotel else (),
        costs=Costs(eur_per_km=0.5, meal_eur=20.0),
    )


def test_only_the_first_day_starts_at_the_booking_every_night_is_at_home() -> None:
    p = _trip()
    assert p.first_place == 1 and p.last_place == 0
    assert day_places(p, 0) == ([1], [0])
    assert day_places(p, 1) == ([0], [0]) and day_places(p, 2) == ([0], [0])
    result = plan(p, budget=QUICK)
    assert [(d.start_place, d.end_place) for d in result.days] == [(1, 0), (0, 0), (0, 0)]
    monday, tuesday, wednesday = result.days
    assert monday.departure_s >= 11 * H
    assert [s.key for s in monday.stops] == ["next"]  # the solver starts there too
    assert monday.driving_m == (2 + 25) * M * 15  # next door, then home on Monday evening
    assert tuesday.driving_m == 0
    assert wednesday.driving_m == 2 * 10 * M * 15  # home, Paris, home
    assert result.figures.nights_away == 0


def test_with_a_hotel_the_nights_are_still_chosen_against_home() -> None:
    """Nights away chain the days on one time axis (another model): the first day still
    starts at the booking, a night at the hotel is worth 95 € + 20 € against the drive
    home and back, so she sleeps at home."""
    result = plan(_trip(hotel=True), budget=QUICK)
    assert [(d.start_place, d.end_place) for d in result.days] == [(1, 0), (0, 0), (0, 0)]
    assert [s.key for s in result.days[0].stops] == ["next"]
    assert result.figures.nights_away == 0 and result.figures.hotel_eur == 0


@pytest.mark.parametrize("hotel", [False, True])
def test_the_solver_drives_the_first_day_from_the_booking_and_the_others_from_home(
    hotel: bool,
) -> None:
    """Without a night away one vehicle per day, with one a single vehicle for the trip:
    either way it leaves from the booking, and comes back home."""
    data, _ = engine.build(_trip(hotel=hotel))
    depots = [d.location for d in data.depots()]
    ends = [(depots[v.start_depot], depots[v.end_depot]) for v in data.vehicle_types()]
    assert ends == ([(1, 0), (0, 0), (0, 0)] if not hotel else [(1, 0)])


def test_the_start_is_a_place_of_the_matrices() -> None:
    with pytest.raises(InvalidInput, match="start"):
        _trip(start=7)
