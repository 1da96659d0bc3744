"""A booking beyond the working hours stretches the day to it and no further
(:func:`fieldcrm.routing.reslot.day_frame`): the open proposals keep the slots the day still
has for them (QA: a visit moved to 18:30 when the day ends at 18:30 left every other
proposal « Ne tient plus » with 391 minutes free), every minute shown stays bookable — checked
by the brute force of ``test_reslot`` in a frame worked out apart: leave in time for the first
booking, back no later than the bookings alone bring the rep home —, and the booking says it
is beyond the hours (:func:`~fieldcrm.routing.reslot.beyond_hours`). No database."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import HealthCheck, assume, event, given, note, settings
from hypothesis import strategies as st

from fieldcrm.routing.reslot import (
    Beyond,
    DayStop,
    ReslotDay,
    beyond_hours,
    booked_day,
    day_frame,
    open_slots,
)
from fieldcrm.routing.schedule import Leg
from tests.routing.test_reslot import (
    _all_minutes_feasible,
    brute_slot,
    days,
    feasible,
    pinned,
)

H, M = 3600, 60


def stretched(day: Leg, stops: Sequence[DayStop], travel: Sequence[Sequence[int]]) -> Leg | None:
    """The frame a day beyond its hours is worked in, by brute force: leaving in time for its
    first booking (if before the working departure), back when the bookings alone bring the
    rep home at the earliest (if after the working return: every return tried to the
    second), lunch kept if the bookings alone leave room for it; ``None`` if they cannot
    follow one another. No booking: the working day."""
    fixed = [s for s in stops if s.fixed]
    depart = day.depart_s
    if fixed:
        first = fixed[0]
        assert first.fixed_s is not None
        depart = max(0, min(day.depart_s, first.fixed_s - travel[0][first.place]))
    for lunch in (day.lunch, None):
        loose = Leg(depart, 48 * H, lunch)
        if not feasible(loose, fixed, travel):
            continue
        low, high = depart, 48 * H  # the earliest return: feasible is monotone in it
        while low < high:
            mid = (low + high) // 2
            if feasible(Leg(depart, mid, lunch), fixed, travel):
                high = mid
            else:
                low = mid + 1
        return Leg(depart, max(day.return_s, low), lunch)
    return None


def test_a_booking_after_the_working_day_leaves_the_morning_its_slots() -> None:
    """Home, A and B (may start 9:00–16:00, 1 h each), then a visit booked 18:30–19:15 when
    the working day ends at 18:00; 10 minutes between any two places."""
    travel = [[0 if i == j else 10 * M for j in range(4)] for i in range(4)]
    a = DayStop(1, H, ((9 * H, 16 * H),))
    b = DayStop(2, H, ((9 * H, 16 * H),))
    late = DayStop(3, 45 * M, fixed_s=18 * H + 30 * M)
    working = Leg(8 * H, 18 * H)
    day = ReslotDay(working, start=0, end=0, stops=[a, b, late], travel=travel)
    frame = day_frame(day)
    assert frame is not None and frame.overtime and not frame.lunch_skipped
    assert (frame.leg.depart_s, frame.leg.return_s) == (8 * H, 19 * H + 25 * M)
    # A from 9:00 until B can still follow before the booking; B until 16:00 (its window)
    assert open_slots(day) == [
        (9 * H, 14 * H + 50 * M),
        (10 * H + 10 * M, 16 * H),
        (18 * H + 30 * M, 18 * H + 30 * M),
    ]
    loose = stretched(working, day.stops, travel)
    assert loose == frame.leg
    assert [brute_slot(loose, day.stops, travel, k, None) for k in (0, 1)] == [
        (9 * H, 14 * H + 50 * M),
        (10 * H + 10 * M, 16 * H),
    ]
    assert beyond_hours(day) == {2: Beyond(leave_s=None, back_s=19 * H + 25 * M)}
    found = booked_day(day)
    assert found is not None and found.overtime and found.keep == (0, 1, 2)
    assert found.table.return_s == 19 * H + 25 * M


def test_a_booking_before_the_working_day_says_when_to_leave() -> None:
    travel = [[0 if i == j else 10 * M for j in range(3)] for i in range(3)]
    early = DayStop(1, H, fixed_s=7 * H)
    visit = DayStop(2, H, ((9 * H, 16 * H),))
    day = ReslotDay(Leg(8 * H, 18 * H), start=0, end=0, stops=[early, visit], travel=travel)
    assert beyond_hours(day) == {0: Beyond(leave_s=6 * H + 50 * M, back_s=None)}
    frame = day_frame(day)
    assert frame is not None and frame.overtime
    assert (frame.leg.depart_s, frame.leg.return_s) == (6 * H + 50 * M, 18 * H)
    assert open_slots(day)[1] == (9 * H, 16 * H)


def test_two_late_bookings_say_the_true_return_once_on_the_last() -> None:
    """Two bookings after the working day: the day as booked brings the rep home after the
    second, which says so with that return; the first, home after it alone at 18:50 (what
    it used to say), says nothing: the rep is not home then."""
    travel = [[0 if i == j else 10 * M for j in range(4)] for i in range(4)]
    visit = DayStop(1, H, ((9 * H, 16 * H),))
    first = DayStop(2, 30 * M, fixed_s=18 * H + 10 * M)
    second = DayStop(3, 45 * M, fixed_s=19 * H)
    day = ReslotDay(Leg(8 * H, 18 * H), 0, 0, [visit, first, second], travel)
    found = booked_day(day)
    assert found is not None and found.table.return_s == 19 * H + 55 * M
    assert beyond_hours(day) == {2: Beyond(leave_s=None, back_s=19 * H + 55 * M)}


def test_bookings_that_drive_beyond_the_cap_together_say_so() -> None:
    """Two bookings each within the day's 2 h of driving on its own (1 h 40 there and
    back), 3 h together: the day is beyond its hours by its driving, said on the last
    booking with the day's true driving; its departure and return are within the hours."""
    travel = [[0, 50 * M, 50 * M], [50 * M, 0, 80 * M], [50 * M, 80 * M, 0]]
    a = DayStop(1, H, fixed_s=9 * H)
    b = DayStop(2, H, fixed_s=14 * H)
    working = Leg(8 * H, 18 * H, max_driving_s=2 * H)
    for alone in (a, b):
        assert beyond_hours(ReslotDay(working, 0, 0, [alone], travel)) == {}
    day = ReslotDay(working, 0, 0, [a, b], travel)
    found = booked_day(day)
    assert found is not None and found.overtime and found.table.return_s <= 18 * H
    assert beyond_hours(day) == {1: Beyond(leave_s=None, back_s=None, driving_s=3 * H)}


def test_a_day_beyond_the_cap_without_bookings_says_nothing() -> None:
    """A trip's day from home to a hotel 3 h away with a 2 h cap, no booking (a 500: the
    note looked for a first and last booking that is not there): the day is timed, no
    booking is beyond the hours (the header's « les rendez-vous réservés dépassent … » is
    not said either), and nothing is said on the open proposal."""
    travel = [[0, 40 * M, 3 * H], [40 * M, 0, 150 * M], [3 * H, 150 * M, 0]]
    working = Leg(8 * H, 20 * H, max_driving_s=2 * H)
    for stops in ([], [DayStop(1, H, ((9 * H, 12 * H),))]):
        day = ReslotDay(working, 0, 2, stops, travel)
        frame = day_frame(day)
        assert frame is not None and not frame.overtime
        found = booked_day(day)
        assert found is not None and not found.overtime
        assert beyond_hours(day) == {}


def test_the_driving_is_said_over_the_cap_only_in_whole_minutes_shown() -> None:
    """240 min 24 s against a 240 min cap shows as 240 min: not « au-delà de votre maximum
    (240 min) »; 241 min shown is said."""
    working = Leg(8 * H, 18 * H, max_driving_s=4 * H)
    a = DayStop(1, H, fixed_s=10 * H)
    for way, said in ((80 * M + 8, False), (80 * M + 21, True)):  # 3 legs: +24 s, +63 s
        travel = [[0, way, way], [way, 0, way], [way, way, 0]]
        b = DayStop(2, H, fixed_s=14 * H)
        day = ReslotDay(working, 0, 0, [a, b], travel)
        found = booked_day(day)
        assert found is not None and found.driving_s == 3 * way and found.overtime
        late = beyond_hours(day)
        assert (late.get(1, Beyond(None, None)).driving_s is not None) is said, late


def test_nothing_is_added_after_a_booking_beyond_the_return() -> None:
    """A proposal planned after the late booking would bring the rep home later still: it
    no longer fits (the booking is what keeps it out), the one before it keeps its slot."""
    travel = [[0 if i == j else 10 * M for j in range(4)] for i in range(4)]
    before = DayStop(1, H, ((9 * H, 16 * H),))
    late = DayStop(2, 45 * M, fixed_s=18 * H + 30 * M)
    after = DayStop(3, 30 * M, ((9 * H, 20 * H),))
    day = ReslotDay(Leg(8 * H, 18 * H), 0, 0, [before, late, after], travel)
    slots = open_slots(day)
    assert slots[0] is not None and slots[2] is None


@st.composite
def beyond_days(draw: st.DrawFn) -> tuple[Leg, list[DayStop], list[list[int]]]:
    """A day of ``test_reslot`` whose first booking is moved before the working day or its
    last one after it."""
    day, stops, travel = draw(days())
    fixed = [k for k, s in enumerate(stops) if s.fixed]
    assume(fixed)
    out = list(stops)
    if draw(st.booleans()):  # the last booking late, in its place in the route
        k = fixed[-1]
        start = max(stops[k].fixed_s or 0, draw(st.integers(17 * 60 + 30, 20 * 60)) * M)
    else:
        k = fixed[0]
        start = min(stops[k].fixed_s or 0, draw(st.integers(6 * 60, 8 * 60)) * M)
    out[k] = DayStop(stops[k].place, stops[k].service_s, fixed_s=start)
    return day, out, travel


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(beyond_days(), st.data())
def test_every_minute_shown_beside_a_booking_beyond_the_hours_is_bookable(
    generated: tuple[Leg, list[DayStop], list[list[int]]], data: st.DataObject
) -> None:
    working, stops, travel = generated
    note(f"day={working!r}\nstops={stops!r}\ntravel={travel!r}")
    fixed = [s for s in stops if s.fixed]
    assume(not feasible(working, fixed, travel))
    assume(
        working.lunch is None
        or not feasible(Leg(working.depart_s, working.return_s), fixed, travel)
    )
    loose = stretched(working, stops, travel)
    assume(loose is not None)
    assert loose is not None
    lunch_at = data.draw(st.none() | st.integers(0, len(stops)), label="lunch_at")
    day = ReslotDay(working, start=0, end=0, stops=stops, travel=travel, lunch_at=lunch_at)
    frame = day_frame(day)
    assert frame is not None and frame.overtime
    assert (frame.leg.depart_s, frame.leg.return_s) == (loose.depart_s, loose.return_s)
    assert set(beyond_hours(day)) <= {k for k, s in enumerate(stops) if s.fixed}
    assert beyond_hours(day), "a booking the working day cannot hold says so"
    while True:
        slots = open_slots(replace_stops(day, stops))
        note(f"slots={slots}")
        _all_minutes_feasible(loose, stops, travel, slots)
        for k, slot in enumerate(slots):
            if slot is not None and not stops[k].fixed:  # within its windows: working hours
                assert any(a <= slot[0] and slot[1] <= b for a, b in stops[k].windows)
        bookable = [k for k, s in enumerate(slots) if s is not None and not stops[k].fixed]
        event(f"open stops with a slot: {len(bookable)}")
        if not bookable:
            break
        k = data.draw(st.sampled_from(bookable), label="booked")
        first, last = slots[k]  # type: ignore[misc]
        minute = data.draw(st.integers(first // M, last // M), label="minute") * M
        stops = pinned(stops, k, minute)


def replace_stops(day: ReslotDay, stops: list[DayStop]) -> ReslotDay:
    return ReslotDay(day.frame, day.start, day.end, stops, day.travel, day.lunch_at)
