"""Which booking keeps an open visit out of the day (:func:`unfit_cause`), checked against
the brute force of ``test_reslot``: without each booking named, the visit has a minute the
whole day can hold; with every booking, none (no database)."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from fieldcrm.routing.reslot import (
    Cause,
    DayStop,
    ReslotDay,
    open_slots,
    unfit_cause,
)
from fieldcrm.routing.schedule import Leg
from tests.routing.test_reslot import days, feasible, pinned
from tests.routing.test_reslot_overtime import stretched

H, M = 3600, 60
DAY = Leg(8 * H, 12 * H)
ROADS = [[0 if i == j else 5 * M for j in range(5)] for i in range(5)]


def _fixed(place: int, start: int, minutes: int) -> DayStop:
    return DayStop(place, minutes * M, fixed_s=start)


def _fits_at_some_minute(stops: Sequence[DayStop], k: int) -> bool:
    """Whether open stop ``k`` can be booked at some whole minute of its windows (brute
    force)."""
    return any(
        feasible(DAY, pinned(stops, k, t), ROADS)
        for a, b in stops[k].windows
        for t in range(a, b + 1, M)
    )


def _cause(stops: Sequence[DayStop], k: int, suspects: Sequence[int]) -> Cause:
    assert open_slots(ReslotDay(DAY, start=0, end=0, stops=stops, travel=ROADS))[k] is None
    assert not _fits_at_some_minute(stops, k)
    return unfit_cause(
        ReslotDay(DAY, start=0, end=0, stops=stops, travel=ROADS), stop=k, suspects=suspects
    )


def test_only_the_booking_that_keeps_the_visit_out_is_named() -> None:
    """A meeting 8:10–9:30 leaves no room for a visit to start by 9:00; a call at 11:00,
    after it, does not matter."""
    meeting = _fixed(1, 8 * H + 10 * M, 80)
    visit = DayStop(2, 30 * M, ((8 * H, 9 * H),))
    call = _fixed(3, 11 * H, 15)
    stops = [meeting, visit, call]
    # the later call is tried first (the latest made): it is not named
    assert _cause(stops, 1, [2, 0]) == Cause(alone=(0,), together=True)
    assert _fits_at_some_minute([visit, call], 0)
    assert not _fits_at_some_minute([meeting, visit], 1)


def test_each_booking_that_alone_keeps_it_out_is_named_in_the_order_given() -> None:
    """The visit needs an hour between 9:00 and 11:00; a meeting 9:00–9:40 and another
    10:20–11:00 leave 40 minutes: without either it fits."""
    visit = DayStop(2, H, ((9 * H, 10 * H),))
    first = _fixed(1, 9 * H, 40)
    second = _fixed(3, 10 * H + 20 * M, 40)
    stops = [first, visit, second]
    assert _cause(stops, 1, [2, 0]) == Cause(alone=(2, 0), together=True)
    assert _fits_at_some_minute([visit, second], 0) and _fits_at_some_minute([first, visit], 1)


def test_bookings_that_keep_it_out_only_together_are_not_named_alone() -> None:
    """Two meetings back to back 8:00–8:25 and 8:30–8:55 before a visit to start by 8:20:
    without one of them the other still ends too late; without both it fits."""
    stops = [
        _fixed(1, 8 * H, 25),
        _fixed(3, 8 * H + 30 * M, 25),
        DayStop(2, 30 * M, ((8 * H, 8 * H + 20 * M),)),
    ]
    assert _cause(stops, 2, [1, 0]) == Cause(alone=(), together=True)
    assert not _fits_at_some_minute([stops[0], stops[2]], 1)
    assert not _fits_at_some_minute([stops[1], stops[2]], 1)
    assert _fits_at_some_minute([stops[2]], 0)


def test_no_booking_is_blamed_when_the_day_never_had_room() -> None:
    """An appointment of the plan (not a suspect) fills the visit's window; a booking since
    the plan, later, is not the cause."""
    planned = _fixed(1, 8 * H, 2 * 60)
    visit = DayStop(2, 30 * M, ((8 * H, 9 * H),))
    since = _fixed(3, 11 * H, 30)
    assert _cause([planned, visit, since], 1, [2]) == Cause(alone=(), together=False)
    assert _cause([planned, visit, since], 1, []) == Cause(alone=(), together=False)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(days(), st.data())
def test_every_booking_named_is_one_without_which_the_visit_fits(
    generated: tuple[Leg, list[DayStop], list[list[int]]], data: st.DataObject
) -> None:
    """Random days: for a visit left without a slot, each appointment named alone is one
    without which the visit has a slot whose first minute the brute force schedules (with
    the other visits still shown, in the day's frame: its working hours, stretched to the
    bookings beyond them); one not named leaves it without a slot."""
    day, stops, travel = generated
    lunch_at = data.draw(st.none() | st.integers(0, len(stops)), label="lunch_at")
    slots = open_slots(
        ReslotDay(day, start=0, end=0, stops=stops, travel=travel, lunch_at=lunch_at)
    )
    out = [k for k, s in enumerate(slots) if s is None and not stops[k].fixed]
    assume(out)
    k = data.draw(st.sampled_from(out), label="visit")
    suspects = [i for i, s in enumerate(stops) if s.fixed]
    cause = unfit_cause(
        ReslotDay(day, start=0, end=0, stops=stops, travel=travel, lunch_at=lunch_at),
        stop=k,
        suspects=suspects,
    )
    event(f"named alone: {bool(cause.alone)}")
    assert list(cause.alone) == [i for i in suspects if i in cause.alone]
    for i in suspects:
        left = [s for j, s in enumerate(stops) if j != i]
        gap = None if lunch_at is None else lunch_at - (i < lunch_at)
        without = ReslotDay(day, start=0, end=0, stops=left, travel=travel, lunch_at=gap)
        now = open_slots(without)
        at = k - (i < k)
        if i not in cause.alone:
            assert now[at] is None
            continue
        first = now[at]
        assert first is not None
        shown = [j for j, s in enumerate(now) if left[j].fixed or s is not None]
        kept = [left[j] for j in shown]
        # in the frame the slots are given in: the working day, stretched to a booking
        # beyond it, worked out apart by brute force (not reslot.day_frame, under test)
        frame = stretched(day, left, travel)
        assert frame is not None
        assert feasible(frame, pinned(kept, shown.index(at), first[0]), travel)
    assert cause.together or not cause.alone
