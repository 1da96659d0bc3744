"""An appointment too far for the days of a trip (:mod:`fieldcrm.routing.long_drive`): a
hotel next to it holds its day, but the way there (or back) is longer than all the driving
the days joined to it by nights away allow — the refusal says so with its figures, and what
it would take at least only where that is proven. Tiny cases with exact answers: home
(place 0) and a far town (place 1) with a hotel in it; days 08:00–18:00, 5 h of driving."""

from __future__ import annotations

import datetime as dt

import pytest

from fieldcrm.routing.engine import Budget
from fieldcrm.routing.long_drive import LongDrive
from fieldcrm.routing.planner import plan
from fieldcrm.routing.problem import Appointment, Hotel, Problem, WorkDay
from fieldcrm.routing.realise import OutOfReach, Reach, out_of_reach

QUICK = Budget(patience=300, time_limit_s=10)
H, M = 3600, 60
CAP = 5 * H
TRIP = (dt.date(2026, 4, 21), dt.date(2026, 4, 22), dt.date(2026, 4, 23))
"""Tuesday to Thursday; the appointment is on the Wednesday (day 1)."""
AT = 8 * H + 5 * M
"""08:05, an hour long."""


def trip(drive_s: int, *, dates: tuple[dt.date, ...] = TRIP, on: int = 1) -> Problem:
    """« Salon » at 08:05 on day ``on`` in a town ``drive_s`` from home, a hotel there."""
    return Problem(
        home=0,
        days=tuple(WorkDay(8 * H, 18 * H, max_driving_s=CAP, date=d) for d in dates),
        durations_s=((0, drive_s), (drive_s, 0)),
        distances_m=((0, drive_s * 25), (drive_s * 25, 0)),
        appointments=(Appointment("salon", 1, on, AT, H, "Salon"),),
        hotels=(Hotel("h", 1, 90.0, name="Hôtel du Salon"),),
    )


def test_a_drive_beyond_what_the_days_before_can_drive_is_named_with_its_figures() -> None:
    # 14 h from home; Tuesday drives 5 h at most, Wednesday 5 min before 08:05: 5 h 05
    with pytest.raises(OutOfReach) as refused:
        plan(trip(14 * H), budget=QUICK)
    there, back = refused.value.found
    assert there == Reach(
        "salon",
        "Salon",
        1,
        "before",
        AT,
        AT,
        8 * H + 9 * H,  # as early as the drive allows: Wednesday must drive 9 h of it
        False,  # no hour of Wednesday (5 h at most) drives the 9 h left
        LongDrive(
            drive_s=14 * H,
            within_s=5 * H + 5 * M,
            days=1,
            cap_s=CAP,
            more_days=2,  # 8 h 55 short, 5 h a day
            move_s=None,
            back_days=1,  # back: Wednesday's 5 h and Thursday's 5 h, 4 h short
            date="2026-04-22",
        ),
    )
    assert (back.side, back.drive) == (
        "after",
        LongDrive(14 * H, 10 * H, 1, CAP, 1, None, date="2026-04-22"),
    )
    assert str(refused.value) == (
        "appointment 'Salon' at 08:05 is 14.0 h of driving from home, more than the 5.1 h"
        " of driving the days until then allow"
    )
    # a day before Tuesday and one after Thursday would lift the bounds: advised
    assert refused.value.extends == (True, True)
    assert Reach.from_doc(there.as_doc()) == there


def test_a_later_hour_is_advised_only_when_its_day_can_drive_both_ways() -> None:
    # 7 h: Tuesday drives 5 h, so Wednesday must drive 2 h there — from 10:00 — and 2 h back
    # (Thursday drives the other 5 h): 4 h, within its 5 h
    (there,) = out_of_reach(trip(7 * H))
    assert there.drive is not None
    assert (there.side, there.movable, there.earliest_s) == ("before", True, 10 * H)
    assert (there.drive.more_days, there.drive.move_s, there.drive.back_days) == (1, 10 * H, 0)
    # 9 h: Wednesday would have to drive 4 h there and 4 h back, more than its 5 h: no hour
    # of it holds the appointment, so none is advised (only more days)
    (there,) = out_of_reach(trip(9 * H))
    assert there.drive is not None
    assert (there.movable, there.drive.move_s, there.drive.more_days) == (False, None, 1)


def test_what_the_days_can_drive_is_not_refused() -> None:
    # 5 h from home: Tuesday drives it all, Thursday drives it back
    assert out_of_reach(trip(5 * H)) == []
    # the same from a Wednesday after a weekend gap: no night joins it to the day before,
    # so the day itself is out of reach by the clock, as before (no long drive)
    gap = (dt.date(2026, 4, 17), dt.date(2026, 4, 22), dt.date(2026, 4, 23))
    (found,) = out_of_reach(trip(5 * H, dates=gap))
    assert (found.side, found.drive, found.earliest_s) == ("before", None, 13 * H)


def test_without_nights_away_only_the_day_itself_counts() -> None:
    # no hotel allowed: each day starts at home; 4 h 30 arrives by 12:30 for a 13:00, back
    # by 18:00 is impossible — the clock's reach, no long drive
    p = trip(4 * H + 30 * M)
    p = Problem(
        home=p.home,
        days=p.days,
        durations_s=p.durations_s,
        distances_m=p.distances_m,
        appointments=(Appointment("salon", 1, 1, 13 * H, H, "Salon"),),
        hotels=p.hotels,
    )
    found = out_of_reach(p, hotels=[])
    assert [(r.side, r.drive) for r in found] == [("after", None)]
    # with the hotel, Thursday drives the way back: nothing is out of reach
    assert out_of_reach(p) == []
