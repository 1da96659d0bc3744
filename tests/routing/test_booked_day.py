"""A planned day's timetable as it is booked now (:func:`fieldcrm.routing.reslot.booked_day`),
on tiny named days with answers worked by hand (no database): the return is the last booking's
end plus the drive home, lunch goes where no booking is, the planner's reserve after the open
visits when there is room for it, lunch skipped only when the bookings leave none, bookings
beyond the working hours timed as booked; only bookings that cannot follow one another have
no timetable."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from fieldcrm.routing.problem import Lunch
from fieldcrm.routing.reslot import DayStop, ReslotDay, booked_day, open_slots
from fieldcrm.routing.schedule import Leg

H, M = 3600, 60
TEN = ((0, 600, 600, 600), (600, 0, 600, 600), (600, 600, 0, 600), (600, 600, 600, 0))
"""Ten minutes between any two of four places (0: home)."""
METRES = tuple(tuple(0 if a == b else 5000 for b in range(4)) for a in range(4))
LUNCH = Lunch(earliest_s=12 * H, latest_end_s=14 * H, duration_s=H)
FRAME = Leg(depart_s=8 * H, return_s=18 * H + 30 * M, lunch=LUNCH)


def test_a_visit_booked_across_the_planned_lunch_moves_lunch_after_it() -> None:
    # the plan ate at 12:00 after the first visit; the rep booked the second at 12:00
    first = DayStop(1, H, fixed_s=10 * H)
    across = DayStop(2, H, fixed_s=12 * H)
    day = ReslotDay(FRAME, 0, 0, [first, across], TEN, lunch_at=1)
    found = booked_day(day, metres=METRES)
    assert found is not None
    assert found.table.lunch_start_s == 13 * H  # at the second visit's end
    assert found.table.return_s == 14 * H + 10 * M
    assert found.table.depart_s == 9 * H + 50 * M
    assert (found.driving_s, found.driving_m) == (30 * M, 15000)
    # 09:50–14:10: 30 min driving, 2 h of visits, 1 h lunch, 50 min waiting before 12:00
    assert found.waiting_s == 50 * M and found.reserve_s == 0
    assert not found.lunch_skipped


def test_the_last_booking_sets_the_return() -> None:
    late = DayStop(3, 30 * M, fixed_s=17 * H + 30 * M)
    day = ReslotDay(FRAME, 0, 0, [DayStop(1, H, fixed_s=9 * H), late], TEN)
    found = booked_day(day)
    assert found is not None and not found.overtime
    assert found.table.return_s == 18 * H + 10 * M
    assert found.driving_m is None


def test_a_booking_beyond_the_working_day_is_timed_as_booked() -> None:
    # QA: a last visit 17:57-18:27 when the working day ends at 18:30, 10 minutes from home
    late = DayStop(3, 30 * M, fixed_s=17 * H + 57 * M)
    early = DayStop(1, H, fixed_s=7 * H + 30 * M)  # before the 08:00 departure
    visit = DayStop(2, 30 * M, windows=((8 * H, 17 * H),))
    found = booked_day(ReslotDay(FRAME, 0, 0, [early, visit, late], TEN))
    assert found is not None and found.overtime
    # QA (a visit moved past the working hours condemned every other proposal): the open
    # visit still fits between the two bookings, in its window, and is kept
    assert found.keep == (0, 1, 2)
    assert found.table.starts[0::2] == (7 * H + 30 * M, 17 * H + 57 * M)
    assert 8 * H <= found.table.starts[1] <= 17 * H
    assert found.table.depart_s == 7 * H + 20 * M
    assert found.table.return_s == 18 * H + 37 * M
    assert found.table.lunch_start_s == 12 * H


def test_open_visits_keep_the_planners_reserve_when_the_day_has_room() -> None:
    visit = DayStop(1, 30 * M, windows=((8 * H, 16 * H),))
    booked = DayStop(2, H, fixed_s=15 * H)
    day = ReslotDay(Leg(8 * H, 18 * H), 0, 0, [visit, booked], TEN)
    found = booked_day(day, reserve_s=15 * M)
    assert found is not None
    assert found.table.starts == (8 * H + 10 * M, 15 * H)
    assert found.reserve_s == 15 * M
    # a reserve the day has no room for is not kept: the visit alone still fits
    short = DayStop(1, 40 * M, windows=((14 * H, 14 * H + 20 * M),))
    tight = ReslotDay(Leg(8 * H, 18 * H), 0, 0, [short, booked], TEN)
    found = booked_day(tight, reserve_s=15 * M)
    assert found is not None and found.keep == (0, 1) and found.reserve_s == 0
    assert found.table.starts == (14 * H, 15 * H)
    assert found.table.return_s == 16 * H + 10 * M


def test_lunch_is_skipped_only_when_the_bookings_leave_no_room() -> None:
    morning = DayStop(1, 4 * H, fixed_s=10 * H)  # 10:00-14:00: no hour between 12:00 and 14:00
    day = ReslotDay(FRAME, 0, 0, [morning], TEN)
    found = booked_day(day)
    assert found is not None and found.lunch_skipped and found.table.lunch_start_s is None
    assert found.table.return_s == 14 * H + 10 * M


def test_bookings_that_cannot_follow_one_another_have_no_timetable() -> None:
    one = DayStop(1, H, fixed_s=10 * H)
    other = DayStop(2, 30 * M, fixed_s=10 * H + 30 * M)  # during the first
    assert booked_day(ReslotDay(FRAME, 0, 0, [one, other], TEN)) is None


@given(
    starts=st.lists(st.integers(8 * 60 + 10, 17 * 60), min_size=1, max_size=3, unique=True),
    length=st.integers(15, 60),
)
def test_never_a_return_before_a_booking_ends_nor_a_lunch_across_one(
    starts: list[int], length: int
) -> None:
    stops = [DayStop(1 + k % 3, length * M, fixed_s=s * M) for k, s in enumerate(sorted(starts))]
    found = booked_day(ReslotDay(FRAME, 0, 0, stops, TEN))
    if found is None:
        return
    table = found.table
    for k in found.keep:
        start, end = stops[k].fixed_s or 0, (stops[k].fixed_s or 0) + stops[k].service_s
        assert table.return_s >= end
        if table.lunch_start_s is not None:
            eats = table.lunch_start_s
            assert eats + LUNCH.duration_s <= start or end <= eats


MORNING = (
    DayStop(1, 30 * M, windows=((8 * H, 11 * H + 30 * M),)),
    DayStop(2, 30 * M, windows=((8 * H + 30 * M, 11 * H + 30 * M),)),
)
AFTERNOON = (
    DayStop(3, 45 * M, fixed_s=14 * H + 30 * M),  # a client appointment
    DayStop(1, 30 * M, windows=((15 * H + 30 * M, 17 * H + 40 * M),)),  # still open
)


@given(
    order=st.permutations([0, 1]),
    booked=st.integers(0, 2),
    where=st.lists(st.floats(0, 1), min_size=2, max_size=2),
)
def test_the_return_is_the_last_departure_plus_the_drive_home_whatever_is_booked(
    order: list[int], booked: int, where: list[float]
) -> None:
    # QA (« Ma journée », camille's Thursday): booking a morning visit moved the return of
    # an unchanged afternoon by the planner's 15 min reserve, and the waiting with it (the
    # reserve after the last visit counted while the morning reserves fit, not once one
    # booking left no room for them). The rep drives home when the last visit ends.
    stops = [*MORNING, *AFTERNOON]
    states = [list(stops)]
    for k, i in enumerate(order[:booked]):  # each booked at a minute of its slot of now
        slot = open_slots(ReslotDay(FRAME, 0, 0, stops, TEN))[i]
        assert slot is not None
        minute = slot[0] + round((slot[1] - slot[0]) / M * where[k]) * M
        stops[i] = DayStop(stops[i].place, stops[i].service_s, fixed_s=minute)
        states.append(list(stops))
    for state in states:
        found = booked_day(ReslotDay(FRAME, 0, 0, state, TEN), reserve_s=15 * M)
        assert found is not None and found.keep == (0, 1, 2, 3)
        table = found.table
        # the afternoon is unchanged: its visit at 15:30, home at 16:10 in every state
        assert table.starts[-1] == 15 * H + 30 * M
        assert table.return_s == table.starts[-1] + 30 * M + TEN[1][0] == 16 * H + 10 * M
        busy = sum(s.service_s for s in state) + LUNCH.duration_s
        assert found.waiting_s == table.return_s - table.depart_s - found.driving_s - busy
