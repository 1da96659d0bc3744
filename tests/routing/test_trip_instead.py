"""A day that only holds as a trip: the planner says which appointment its day cannot hold
and on which side a night away would hold it (:class:`OutOfReach`), the calendar says which
days that trip needs and whether they are worked (:func:`stretch`), and the same planner
plans the trip with its hotel night — tiny cases with exact answers."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from fieldcrm.errors import Infeasible
from fieldcrm.routing.calendar import Stretch, stretch
from fieldcrm.routing.engine import Budget
from fieldcrm.routing.planner import plan
from fieldcrm.routing.problem import Appointment, Costs, Hotel, Problem, WorkDay
from fieldcrm.routing.realise import OutOfReach, Reach, out_of_reach

QUICK = Budget(patience=300, time_limit_s=10)
H = 3600
FAR_S, FAR_M = 3 * H, 300_000
"""Home (place 0) to the far town (place 1): 3 h, 300 km."""
TUESDAY, WEDNESDAY = dt.date(2026, 4, 21), dt.date(2026, 4, 22)
FRIDAY, MONDAY = dt.date(2026, 4, 24), dt.date(2026, 4, 27)


def _day(date: dt.date) -> WorkDay:
    return WorkDay(depart_s=8 * H, return_s=18 * H, date=date)


def far(
    dates: tuple[dt.date, ...], *, on: int, start_s: int, duration_s: int, hotel: bool = False
) -> Problem:
    """An appointment « Salon » in the far town on day ``on`` of ``dates``; a hotel there at
    90 € if ``hotel``; 0,50 € a km, 20 € a dinner away."""
    return Problem(
        home=0,
        days=tuple(_day(d) for d in dates),
        durations_s=((0, FAR_S), (FAR_S, 0)),
        distances_m=((0, FAR_M), (FAR_M, 0)),
        appointments=(Appointment("salon", 1, on, start_s, duration_s, "Salon"),),
        hotels=(Hotel("h", 1, 90.0, name="Hôtel du Salon"),) if hotel else (),
        costs=Costs(eur_per_km=0.5, meal_eur=20.0),
    )


def test_a_far_morning_appointment_is_out_of_reach_before_the_day() -> None:
    with pytest.raises(OutOfReach) as refused:
        plan(far((WEDNESDAY,), on=0, start_s=9 * H, duration_s=H), budget=QUICK)
    assert refused.value.found == (Reach("salon", "Salon", 0, "before", 9 * H, 9 * H, 11 * H),)
    assert str(refused.value) == (
        "appointment 'Salon' at 09:00 cannot be reached (earliest arrival 11:00)"
    )
    assert refused.value.extends == (True, False)


def test_a_late_far_appointment_is_out_of_reach_after_the_day() -> None:
    with pytest.raises(OutOfReach) as refused:
        plan(far((WEDNESDAY,), on=0, start_s=17 * H, duration_s=H // 2), budget=QUICK)
    (found,) = refused.value.found
    assert (found.side, found.limit_s, found.earliest_s) == ("after", 18 * H, 20 * H + H // 2)
    assert str(refused.value) == (
        "after appointment 'Salon' the rep cannot be back by 18:00 (earliest 20:30)"
    )
    assert refused.value.extends == (False, True)


def test_an_appointment_out_of_reach_on_both_sides_needs_both_nights() -> None:
    with pytest.raises(OutOfReach) as refused:
        plan(far((WEDNESDAY,), on=0, start_s=9 * H, duration_s=8 * H), budget=QUICK)
    assert [r.side for r in refused.value.found] == ["before", "after"]
    assert refused.value.extends == (True, True)


def test_no_night_next_to_the_days_helps_an_appointment_after_a_weekend() -> None:
    # Friday and Monday: no night away joins them, Monday's 09:00 stays out of reach, and a
    # day before Friday would not hold it
    with pytest.raises(OutOfReach) as refused:
        plan(far((FRIDAY, MONDAY), on=1, start_s=9 * H, duration_s=H, hotel=True), budget=QUICK)
    assert [(r.day, r.side) for r in refused.value.found] == [(1, "before")]
    assert refused.value.extends is None


def test_appointments_that_cannot_follow_one_another_are_not_out_of_reach() -> None:
    p = far((WEDNESDAY,), on=0, start_s=14 * H, duration_s=H)
    p = Problem(
        home=0,
        days=p.days,
        durations_s=p.durations_s,
        distances_m=p.distances_m,
        appointments=(
            Appointment("near", 0, 0, 10 * H, H, "Client"),
            Appointment("salon", 1, 0, 12 * H, H, "Salon"),
        ),
    )
    with pytest.raises(Infeasible) as refused:
        plan(p, budget=QUICK)
    assert not isinstance(refused.value, OutOfReach)


def test_the_trip_from_the_day_before_holds_it_with_a_hotel_night() -> None:
    result = plan(
        far((TUESDAY, WEDNESDAY), on=1, start_s=9 * H, duration_s=H, hotel=True), budget=QUICK
    )
    (night,) = result.nights
    assert (night.after_day, night.hotel, night.price_eur, night.meal_eur) == (0, "h", 90.0, 20.0)
    salon = next(s for d in result.days for s in d.stops if s.key == "salon")
    assert (result.days[1].stops[0].key, salon.start_s) == ("salon", 9 * H)  # not moved
    f = result.figures
    assert (f.km, f.hotel_eur, f.meal_eur, f.nights_away) == (600.0, 90.0, 20.0, 1)
    assert f.net_eur == pytest.approx(-(600 * 0.5) - 90 - 20)
    assert result.all_home is None and "cannot be reached" in (result.all_home_error or "")


def test_the_trip_to_the_day_after_holds_a_late_appointment() -> None:
    result = plan(
        far((WEDNESDAY, dt.date(2026, 4, 23)), on=0, start_s=17 * H, duration_s=H // 2, hotel=True),
        budget=QUICK,
    )
    assert [(n.after_day, n.hotel) for n in result.nights] == [(0, "h")]
    assert result.days[0].stops[0].start_s == 17 * H
    assert result.figures.km == 600.0


@pytest.mark.parametrize(
    ("day", "before", "after", "options", "expected"),
    [
        (WEDNESDAY, True, False, {}, Stretch(TUESDAY, WEDNESDAY)),
        (WEDNESDAY, False, True, {}, Stretch(WEDNESDAY, dt.date(2026, 4, 23))),
        (WEDNESDAY, True, True, {}, Stretch(TUESDAY, dt.date(2026, 4, 23))),
        # a Monday: the day before is a Sunday, off unless weekends are worked
        (MONDAY, True, False, {}, Stretch(dt.date(2026, 4, 26), MONDAY, (dt.date(2026, 4, 26),))),
        (MONDAY, True, False, {"weekends": True}, Stretch(dt.date(2026, 4, 26), MONDAY)),
        # a Friday: the day after is a Saturday
        (FRIDAY, False, True, {}, Stretch(FRIDAY, dt.date(2026, 4, 25), (dt.date(2026, 4, 25),))),
        # Ascension Thursday 14 May 2026 is a public holiday...
        (
            dt.date(2026, 5, 15),
            True,
            False,
            {},
            Stretch(dt.date(2026, 5, 14), dt.date(2026, 5, 15), (dt.date(2026, 5, 14),)),
        ),
        (
            dt.date(2026, 5, 15),
            True,
            False,
            {"holidays": True},
            Stretch(dt.date(2026, 5, 14), dt.date(2026, 5, 15)),
        ),
        # ... worked anyway when an appointment is booked that day
        (
            dt.date(2026, 5, 15),
            True,
            False,
            {"always": frozenset({dt.date(2026, 5, 14)})},
            Stretch(dt.date(2026, 5, 14), dt.date(2026, 5, 15)),
        ),
        # a Saturday appointment (booked, so worked) reached from the Friday before
        (dt.date(2026, 4, 25), True, False, {}, Stretch(FRIDAY, dt.date(2026, 4, 25))),
    ],
)
def test_the_days_a_trip_needs_and_whether_they_are_worked(
    day: dt.date, before: bool, after: bool, options: dict[str, object], expected: Stretch
) -> None:
    assert stretch(day, before=before, after=after, **options) == expected  # type: ignore[arg-type]


def test_an_appointment_no_hour_of_the_day_holds_is_not_movable() -> None:
    """3 h each way: with a 5 h cap on driving no hour of the day holds it from home (a trip
    does); without a cap, 11:00 does (back by 15:00)."""
    capped = far((WEDNESDAY,), on=0, start_s=9 * H, duration_s=H)
    capped = replace(capped, days=(replace(capped.days[0], max_driving_s=5 * H),))
    (found,) = out_of_reach(capped)
    assert (found.side, found.movable) == ("before", False)
    (free,) = out_of_reach(far((WEDNESDAY,), on=0, start_s=9 * H, duration_s=H))
    assert (free.side, free.movable) == ("before", True)
    # an afternoon appointment ending too late for any hour: 7 h long, 3 h each way
    (late,) = out_of_reach(far((WEDNESDAY,), on=0, start_s=12 * H, duration_s=7 * H))
    assert (late.side, late.movable) == ("after", False)
    # stored before the flag was kept: read as movable, the advice it had
    old = {k: v for k, v in found.as_doc().items() if k != "movable"}
    assert Reach.from_doc(old) == replace(found, movable=True)
