"""Slots recomputed once visits are booked: every minute shown can be booked (no database).

A day's open proposals get slots (:func:`fieldcrm.routing.reslot.open_slots`); the rep books
one at any minute of its slot, the others' slots are recomputed with it fixed, and so on.
Every minute of every slot shown along the way is checked by an independent brute force:
the whole day (booked stops at their minute, the stop booked pinned, the other open ones
free in their windows, in route order) must have a schedule — every placement of lunch
tried, each stop started as early as it can (waiting earlier never helps later), the rep
back by the end of the day.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

from fieldcrm.routing.problem import Lunch
from fieldcrm.routing.reslot import DayStop, ReslotDay, open_slots
from fieldcrm.routing.schedule import Leg

H, M = 3600, 60


def feasible(day: Leg, stops: Sequence[DayStop], travel: Sequence[Sequence[int]]) -> bool:
    """Whether the day from place 0 back to place 0, stops in this order, has a schedule."""
    gaps: list[int | None] = [None] if day.lunch is None else list(range(len(stops) + 1))
    return any(_schedule(day, stops, travel, gap) for gap in gaps)


def _schedule(
    day: Leg, stops: Sequence[DayStop], travel: Sequence[Sequence[int]], gap: int | None
) -> bool:
    t, here = day.depart_s, 0
    for k in range(len(stops) + 1):
        there = 0 if k == len(stops) else stops[k].place
        drive = travel[here][there]
        if gap == k:
            lunch = day.lunch
            assert lunch is not None
            # the break may be taken before leaving, on the way or on arrival, not before
            # its window opens: its earliest start is never worse
            eat = max(t, lunch.earliest_s)
            if eat + lunch.duration_s > lunch.latest_end_s:
                return False
            t = max(t + drive, eat) + lunch.duration_s
        else:
            t += drive
        if k == len(stops):
            return t <= day.return_s
        stop = stops[k]
        windows = ((stop.fixed_s, stop.fixed_s),) if stop.fixed_s is not None else stop.windows
        starts = [max(t, a) for a, b in windows if max(t, a) <= b]
        if not starts:
            return False
        t = min(starts) + stop.service_s
        here = there
    raise AssertionError("unreachable")


def pinned(stops: Sequence[DayStop], k: int, start_s: int) -> list[DayStop]:
    """The day with stop ``k`` booked at ``start_s``."""
    out = list(stops)
    out[k] = DayStop(stops[k].place, stops[k].service_s, fixed_s=start_s)
    return out


def _all_minutes_feasible(
    day: Leg,
    stops: Sequence[DayStop],
    travel: Sequence[Sequence[int]],
    slots: Sequence[tuple[int, int] | None],
) -> None:
    """Every minute of every slot shown can be booked, the day keeping every stop that still
    shows a slot (those said not to fit any more are left out of it)."""
    kept = [k for k, slot in enumerate(slots) if stops[k].fixed or slot is not None]
    day_now = [stops[k] for k in kept]
    for j, k in enumerate(kept):
        slot = slots[k]
        if stops[k].fixed or slot is None:
            continue
        first, last = slot
        assert first % M == 0 and last % M == 0 and first <= last
        for minute in range(first, last + 1, M):
            assert feasible(day, pinned(day_now, j, minute), travel), (k, minute, slot)


@st.composite
def days(draw: st.DrawFn) -> tuple[Leg, list[DayStop], list[list[int]]]:
    """A small day: 0–2 appointments on whole minutes, 1–4 open proposals with one or two
    start windows, driving in odd seconds (asymmetric), with or without lunch."""
    n_fixed = draw(st.integers(0, 2))
    n_open = draw(st.integers(1, 4))
    n = n_fixed + n_open
    coords = draw(
        st.lists(
            st.tuples(st.integers(-15000, 15000), st.integers(-15000, 15000)),
            min_size=n + 1,
            max_size=n + 1,
        )
    )
    noise = draw(st.lists(st.integers(0, 97), min_size=(n + 1) ** 2, max_size=(n + 1) ** 2))
    travel = [
        [
            0 if i == j else round(math.dist(a, b) / 15) + noise[i * (n + 1) + j]
            for j, b in enumerate(coords)
        ]
        for i, a in enumerate(coords)
    ]
    lunch = draw(st.sampled_from([None, Lunch(12 * H, 14 * H, H), Lunch(12 * H, 14 * H, 45 * M)]))
    day = Leg(8 * H, 18 * H, lunch)
    starts = sorted(
        draw(st.lists(st.integers(9 * 60, 17 * 60), min_size=n_fixed, max_size=n_fixed))
    )
    fixed = []
    for k, start_min in enumerate(starts):
        length = draw(st.sampled_from([15, 30, 45, 60])) * M
        if k + 1 < len(starts):
            assume(start_min * M + length <= starts[k + 1] * M)
        fixed.append(DayStop(1 + k, length, fixed_s=start_min * M))
    opens = []
    for i in range(n_open):
        windows = []
        for _ in range(draw(st.integers(1, 2))):
            a = draw(st.integers(8 * 60, 16 * 60)) * M + draw(st.integers(0, 59))
            windows.append((a, a + draw(st.integers(0, 5 * 60)) * M))
        service = draw(st.sampled_from([15, 20, 30, 45, 60])) * M
        opens.append(DayStop(1 + n_fixed + i, service, tuple(sorted(windows))))
    # each open proposal goes somewhere among the appointments, in the plan's order
    gaps = sorted(draw(st.lists(st.integers(0, n_fixed), min_size=n_open, max_size=n_open)))
    stops: list[DayStop] = []
    for g in range(n_fixed + 1):
        stops += [o for o, at in zip(opens, gaps, strict=True) if at == g]
        if g < n_fixed:
            stops.append(fixed[g])
    return day, stops, travel


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(days(), st.data())
def test_booking_any_minute_shown_keeps_every_other_shown_minute_bookable(
    generated: tuple[Leg, list[DayStop], list[list[int]]], data: st.DataObject
) -> None:
    day, stops, travel = generated
    note(f"day={day!r}\nstops={stops!r}\ntravel={travel!r}")
    assume(feasible(day, [s for s in stops if s.fixed], travel))  # a day a rep can have
    # where the plan put lunch (before which stop), or nowhere said
    lunch_at = data.draw(st.none() | st.integers(0, len(stops)), label="lunch_at")
    slots = open_slots(
        ReslotDay(day, start=0, end=0, stops=stops, travel=travel, lunch_at=lunch_at)
    )
    assume(any(s is not None and not stop.fixed for s, stop in zip(slots, stops, strict=True)))
    _all_minutes_feasible(day, stops, travel, slots)
    # book the proposals one after the other, each at any minute of the slot shown
    while True:
        bookable = [k for k, s in enumerate(slots) if s is not None and not stops[k].fixed]
        if not bookable:
            break
        k = data.draw(st.sampled_from(bookable), label="booked")
        first, last = slots[k]  # type: ignore[misc]
        minute = data.draw(st.integers(first // M, last // M), label="minute") * M
        all_fit = all(s is not None for s in slots)
        before = {j for j in bookable if j != k}
        stops = pinned(stops, k, minute)
        slots = open_slots(
            ReslotDay(day, start=0, end=0, stops=stops, travel=travel, lunch_at=lunch_at)
        )
        note(f"booked {k} at {minute}: {slots}")
        assert slots[k] == (minute, minute)
        if all_fit:  # as in a plan: booking inside a slot never pushes another out
            assert {j for j in before if slots[j] is not None} == before
        _all_minutes_feasible(day, stops, travel, slots)


def _two_visits() -> tuple[Leg, list[DayStop], list[list[int]]]:
    """Home, A (open 9:00–12:00 to start) then B (10:00–11:00), an hour each, 10 min apart."""
    travel = [[0 if i == j else 600 for j in range(3)] for i in range(3)]
    a = DayStop(1, H, ((9 * H, 12 * H),))
    b = DayStop(2, H, ((10 * H, 11 * H),))
    return Leg(8 * H, 18 * H), [a, b], travel


def test_booking_off_the_planned_minute_narrows_the_next_slot() -> None:
    day, stops, travel = _two_visits()
    assert open_slots(ReslotDay(day, start=0, end=0, stops=stops, travel=travel)) == [
        (9 * H, 9 * H + 50 * M),
        (10 * H + 10 * M, 11 * H),
    ]
    booked = pinned(stops, 0, 9 * H + 20 * M)  # A at 9:20 rather than 9:00
    assert open_slots(ReslotDay(day, start=0, end=0, stops=booked, travel=travel)) == [
        (9 * H + 20 * M, 9 * H + 20 * M),
        (10 * H + 30 * M, 11 * H),
    ]
    # the minute shown before is no longer bookable, the first one shown now is
    assert not feasible(day, pinned(booked, 1, 10 * H + 10 * M), travel)
    assert not feasible(day, pinned(booked, 1, 10 * H + 29 * M), travel)
    assert feasible(day, pinned(booked, 1, 10 * H + 30 * M), travel)


def test_a_visit_that_no_longer_fits_is_reported_not_given_a_slot() -> None:
    day, stops, travel = _two_visits()
    before = open_slots(ReslotDay(day, start=0, end=0, stops=stops, travel=travel))[1]
    assert before == (10 * H + 10 * M, 11 * H)
    # A moved to 10:30 (off its slot, in the agenda): B's window is gone
    moved = pinned(stops, 0, 10 * H + 30 * M)
    assert open_slots(ReslotDay(day, start=0, end=0, stops=moved, travel=travel)) == [
        (10 * H + 30 * M, 10 * H + 30 * M),
        None,
    ]
    assert not any(
        feasible(day, pinned(moved, 1, t), travel) for t in range(before[0], before[1] + 1, M)
    )


def test_the_open_visits_that_still_fit_keep_a_slot_beside_one_that_does_not() -> None:
    """Greedy in route order: C, after B, still fits once B no longer does."""
    day, stops, travel = _two_visits()
    travel = [[0 if i == j else 600 for j in range(4)] for i in range(4)]
    c = DayStop(3, 30 * M, ((8 * H, 17 * H),))
    moved = pinned([*stops, c], 0, 10 * H + 30 * M)
    slots = open_slots(ReslotDay(day, start=0, end=0, stops=moved, travel=travel))
    assert slots[1] is None
    # C follows A directly: 10:30 + 1 h + 10 min; back home by 18:00 after 30 min and 10 min
    assert slots[2] == (11 * H + 40 * M, 17 * H)
    _all_minutes_feasible(day, [moved[0], moved[2]], travel, [slots[0], slots[2]])


def test_lunch_is_kept_when_a_visit_is_booked() -> None:
    """A day with lunch: after booking, the slot leaves room for the break."""
    travel = [[0 if i == j else 600 for j in range(3)] for i in range(3)]
    day = Leg(8 * H, 18 * H, Lunch(12 * H, 14 * H, H))
    a = DayStop(1, H, ((9 * H, 16 * H),))
    b = DayStop(2, 2 * H, ((9 * H, 16 * H),))
    booked = pinned([a, b], 0, 11 * H)  # 11:00–12:00, then lunch, then B
    slots = open_slots(ReslotDay(day, start=0, end=0, stops=booked, travel=travel))
    # B after lunch 12:00–13:00 and 10 min of road (on the way), or before 12:00? No: A ends
    # at 12:00. Earliest 13:10; latest: back by 18:00 after 2 h and 10 min, 15:50.
    assert slots[1] == (13 * H + 10 * M, 15 * H + 50 * M)
    _all_minutes_feasible(day, booked, travel, slots)
    assert not feasible(day, pinned(booked, 1, 13 * H + 9 * M), travel)


def test_lunch_stays_where_the_plan_put_it_while_it_fits_there() -> None:
    travel = [[0 if i == j else 600 for j in range(3)] for i in range(3)]
    day = Leg(8 * H, 18 * H, Lunch(12 * H, 14 * H, H))
    a = DayStop(1, H, ((9 * H, 16 * H),))
    b = DayStop(2, H, ((9 * H, 16 * H),))
    # planned with lunch between A and B: A may start until 12:00 (lunch 13:00–14:00 at the
    # latest, then 10 min of road), B from 13:00 (A at 9:00, lunch from 12:00)
    assert open_slots(ReslotDay(day, start=0, end=0, stops=[a, b], travel=travel, lunch_at=1)) == [
        (9 * H, 12 * H),
        (13 * H, 16 * H),
    ]
    # left to the timetable, lunch goes on the way home (the earliest return): other slots
    assert open_slots(ReslotDay(day, start=0, end=0, stops=[a, b], travel=travel)) == [
        (9 * H, 10 * H + 50 * M),
        (10 * H + 10 * M, 12 * H),
    ]
    # A moved to 13:30: lunch no longer fits after it, it goes before A
    moved = pinned([a, b], 0, 13 * H + 30 * M)
    slots = open_slots(ReslotDay(day, start=0, end=0, stops=moved, travel=travel, lunch_at=1))
    assert slots == [(13 * H + 30 * M, 13 * H + 30 * M), (14 * H + 40 * M, 16 * H)]
    _all_minutes_feasible(day, moved, travel, slots)


def released(
    stops: Sequence[DayStop], k: int, lunch_at: int | None
) -> tuple[list[DayStop], int | None]:
    """The day once open stop ``k`` is booked on another day: it is no longer a stop (it
    holds no time), the lunch gap kept among the stops left."""
    gap = None if lunch_at is None else lunch_at - (k < lunch_at)
    return [s for i, s in enumerate(stops) if i != k], gap


def brute_slot(
    day: Leg, stops: Sequence[DayStop], travel: Sequence[Sequence[int]], k: int, gap: int | None
) -> tuple[int, int] | None:
    """Open stop ``k``'s slot by brute force: every whole minute of its start windows at which
    booking it keeps the day feasible with lunch before stop ``gap`` (``None``: no lunch),
    checked to be one run of minutes; ``None`` when there is none."""
    ok = [
        t
        for t in range(day.depart_s, day.return_s + 1, M)
        if any(a <= t <= b for a, b in stops[k].windows)
        and _schedule(day, pinned(stops, k, t), travel, gap)
    ]
    if not ok:
        return None
    assert ok == list(range(ok[0], ok[-1] + 1, M)), "one run of minutes"
    return ok[0], ok[-1]


def _chain(lunch: Lunch | None) -> tuple[Leg, list[DayStop], list[list[int]]]:
    """Home, A (may start 9:00–12:00, 1 h), X (9:00–17:00, 1 h 30), B (9:00–16:00, 1 h), then
    an appointment at 15:00 (30 min); 10 min between any two places."""
    travel = [[0 if i == j else 10 * M for j in range(5)] for i in range(5)]
    a = DayStop(1, H, ((9 * H, 12 * H),))
    x = DayStop(2, 90 * M, ((9 * H, 17 * H),))
    b = DayStop(3, H, ((9 * H, 16 * H),))
    fixed = DayStop(4, 30 * M, fixed_s=15 * H)
    return Leg(8 * H, 18 * H, lunch), [a, x, b, fixed], travel


def _hm(h: int, m: int = 0) -> int:
    return h * H + m * M


@pytest.mark.parametrize(
    ("lunch", "lunch_at", "with_x", "without_x"),
    [
        # no lunch: A ends 10 min before X's latest start, B starts 10 min after X ends
        (
            None,
            None,
            [(_hm(9), _hm(11)), (_hm(11, 50), _hm(13, 50))],
            [(_hm(9), _hm(12)), (_hm(10, 10), _hm(13, 50))],
        ),
        # lunch (12:00–14:00, 1 h) between B and the appointment: B ends by 13:00
        (
            Lunch(12 * H, 14 * H, H),
            3,
            [(_hm(9), _hm(9, 10)), (_hm(11, 50), _hm(12))],
            [(_hm(9), _hm(10, 50)), (_hm(10, 10), _hm(12))],
        ),
    ],
)
def test_a_visit_booked_on_another_day_gives_its_time_to_its_neighbours(
    lunch: Lunch | None,
    lunch_at: int | None,
    with_x: list[tuple[int, int]],
    without_x: list[tuple[int, int]],
) -> None:
    """X, between A and B, is booked on another day: it is no longer a stop of this one, and
    A's and B's slots widen to exactly the minutes a brute force finds bookable."""
    day, stops, travel = _chain(lunch)
    before = open_slots(
        ReslotDay(day, start=0, end=0, stops=stops, travel=travel, lunch_at=lunch_at)
    )
    assert [before[0], before[2]] == with_x
    assert [brute_slot(day, stops, travel, k, lunch_at) for k in (0, 2)] == with_x
    left, gap = released(stops, 1, lunch_at)
    after = open_slots(ReslotDay(day, start=0, end=0, stops=left, travel=travel, lunch_at=gap))
    assert [after[0], after[1]] == without_x
    assert after[2] == (15 * H, 15 * H)
    assert [brute_slot(day, left, travel, k, gap) for k in (0, 1)] == without_x
    _all_minutes_feasible(day, left, travel, after)
    # the minutes gained were not bookable while X held its time
    assert not _schedule(day, pinned(stops, 0, with_x[0][1] + M), travel, lunch_at)
    assert not _schedule(day, pinned(stops, 2, without_x[1][0]), travel, lunch_at)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(days(), st.data())
def test_a_visit_booked_elsewhere_only_widens_the_slots_left_and_each_stays_bookable(
    generated: tuple[Leg, list[DayStop], list[list[int]]], data: st.DataObject
) -> None:
    """An open visit booked on another day leaves its day: every minute shown stays bookable;
    when every stop fitted with it, each open one has one start window and lunch has its
    place among them (a slot is one run of minutes: with several windows, or lunch free to
    go on either side of a visit, the time given back may move a slot to an earlier window
    or the other side of lunch), every other one still fits without it, in a slot holding
    the one it had."""
    day, stops, travel = generated
    note(f"day={day!r}\nstops={stops!r}\ntravel={travel!r}")
    assume(feasible(day, [s for s in stops if s.fixed], travel))
    lunch_at = data.draw(st.none() | st.integers(0, len(stops)), label="lunch_at")
    before = open_slots(
        ReslotDay(day, start=0, end=0, stops=stops, travel=travel, lunch_at=lunch_at)
    )
    k = data.draw(
        st.sampled_from([i for i, s in enumerate(stops) if not s.fixed]), label="elsewhere"
    )
    left, gap = released(stops, k, lunch_at)
    after = open_slots(ReslotDay(day, start=0, end=0, stops=left, travel=travel, lunch_at=gap))
    note(f"booked elsewhere {k}: {before} -> {after}")
    _all_minutes_feasible(day, left, travel, after)
    single = all(len(s.windows) == 1 for s in stops if not s.fixed)
    # with lunch free to go before or after a visit (no gap given), the minutes bookable may
    # be two runs, one on each side of the break, and a slot is one run: the time given back
    # may move the slot to the other side of lunch, as with two start windows; so too when
    # the gap given has no room for lunch with every stop (the day then skips it, as the
    # planner does) and the time given back makes room for it there
    lunch_placed = day.lunch is None or (
        lunch_at is not None and _schedule(day, stops, travel, lunch_at)
    )
    if single and lunch_placed and all(w is not None for w in before):
        was = [w for i, w in enumerate(before) if i != k]
        for old, new in zip(was, after, strict=True):
            assert old is not None and new is not None
            assert new[0] <= old[0] and old[1] <= new[1], (old, new)


def test_lunch_goes_where_every_visit_keeps_a_whole_minute() -> None:
    """Found by the property above: with lunch free (no gap given), lunch before B sent B to
    its afternoon window, which opens at 13:00:01 and so holds no whole minute, although lunch
    after B brings the rep back as early and leaves B its 8:15 (A booked at 8:00, C at
    13:16, D to follow)."""
    lunch = Lunch(12 * H, 14 * H, H)
    day = Leg(8 * H, 18 * H, lunch)
    a = DayStop(1, 15 * M, fixed_s=8 * H)
    b = DayStop(2, 15 * M, ((8 * H, 8 * H + 15 * M), (13 * H + 1, 13 * H + 1)))
    c = DayStop(3, 15 * M, fixed_s=13 * H + 16 * M)
    d = DayStop(4, 15 * M, ((8 * H + 31 * M, 13 * H + 31 * M),))
    travel = [[0] * 5 for _ in range(5)]
    slots = open_slots(ReslotDay(day, start=0, end=0, stops=[a, b, c, d], travel=travel))
    assert slots == [
        (8 * H, 8 * H),
        (8 * H + 15 * M, 8 * H + 15 * M),
        (c.fixed_s,) * 2,
        (13 * H + 31 * M, 13 * H + 31 * M),
    ]
    _all_minutes_feasible(day, [a, b, c, d], travel, slots)
