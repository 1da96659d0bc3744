"""The slots recomputed for a booked day keep the planner's cap on driving, and none starts
before the earliest start given (now, on the day itself)."""

from __future__ import annotations

import itertools
import math
import random

from fieldcrm.routing.reslot import DayStop, ReslotDay, kept_stops, open_slots, unfit_cause
from fieldcrm.routing.schedule import Leg, over_driving_cap

H = 3600


def _driving(places: list[int], travel: list[list[int]]) -> int:
    return sum(travel[a][b] for a, b in itertools.pairwise(places))


def _generated(seed: int) -> tuple[list[DayStop], list[list[int]]]:
    """A long day: home (place 0), a far booked visit at 12:00, four open visits off the
    way to it (minutes of driving: kilometres at 60 km/h) with wide windows; everything fits when driving is not capped."""
    rng = random.Random(seed)
    n = 6
    points = [(0.0, 0.0), (120.0, 0.0)]
    points += [(rng.uniform(5, 30), rng.uniform(10, 30)) for _ in range(n - 2)]
    travel = [[round(math.dist(a, b) * 60) for b in points] for a in points]
    stops = [DayStop(p, 1800, ((8 * H, 17 * H),)) for p in (2, 3)]
    stops.append(DayStop(1, 1800, fixed_s=12 * H))
    stops += [DayStop(p, 1800, ((8 * H, 17 * H),)) for p in (4, 5)]
    return stops, travel


def test_the_cap_binds_on_generated_days_and_is_kept() -> None:
    bound = 0
    for seed in range(20):
        stops, travel = _generated(seed)
        free = Leg(6 * H, 23 * H)
        everything = open_slots(ReslotDay(free, start=0, end=0, stops=stops, travel=travel))
        assert all(w is not None for w in everything), seed
        route = [0, *(s.place for s in stops), 0]
        cap = _driving(route, travel) - 1  # the whole day drives one second too many
        capped = Leg(6 * H, 23 * H, max_driving_s=cap)
        found = open_slots(ReslotDay(capped, start=0, end=0, stops=stops, travel=travel))
        kept = [i for i, w in enumerate(found) if w is not None]
        assert kept == kept_stops(ReslotDay(capped, start=0, end=0, stops=stops, travel=travel))
        assert 2 in kept, "the booked visit stays"
        assert len(kept) < len(stops), seed
        assert _driving([0, *(stops[i].place for i in kept), 0], travel) <= cap
        bound += 1
        assert over_driving_cap(route, travel, cap)
        assert not over_driving_cap(route, travel, None)
    assert bound == 20


def test_a_visit_that_only_the_cap_keeps_out_is_said_to_be_kept_out_by_the_day() -> None:
    travel = [[0, 3000, 600], [3000, 0, 3000], [600, 3000, 0]]
    far = DayStop(1, 1800, fixed_s=10 * H)
    near = DayStop(2, 1800, ((8 * H, 16 * H),))
    day = Leg(8 * H, 18 * H, max_driving_s=6000 + 599)
    # home -> far -> home drives 6000 s; via the near visit 3000 + 3000 + 600 + 600
    found = open_slots(ReslotDay(day, start=0, end=0, stops=[far, near], travel=travel))
    assert found == [(10 * H, 10 * H), None]
    roomy = Leg(8 * H, 18 * H, max_driving_s=6000 + 600)
    assert (
        open_slots(ReslotDay(roomy, start=0, end=0, stops=[far, near], travel=travel))[1]
        is not None
    )
    cause = unfit_cause(
        ReslotDay(day, start=0, end=0, stops=[far, near], travel=travel), stop=1, suspects=[0]
    )
    assert cause.alone == (0,)  # without the far booking it would fit


def test_no_slot_starts_before_the_earliest_start() -> None:
    travel = [[0, 600, 600], [600, 0, 600], [600, 600, 0]]
    morning = DayStop(1, 1800, ((8 * H, 10 * H),))
    afternoon = DayStop(2, 1800, ((8 * H, 16 * H),))
    day = Leg(8 * H, 18 * H)
    before = open_slots(ReslotDay(day, start=0, end=0, stops=[morning, afternoon], travel=travel))
    assert before[0] is not None and before[0][0] < 9 * H + 17 * 60
    now = 9 * H + 17 * 60
    found = open_slots(
        ReslotDay(day, start=0, end=0, stops=[morning, afternoon], travel=travel, earliest_s=now)
    )
    assert found[0] is not None and found[0][0] == now
    assert found[1] is not None and found[1][0] >= now + 1800 + 600
    late = 10 * H + 60
    gone = open_slots(
        ReslotDay(day, start=0, end=0, stops=[morning, afternoon], travel=travel, earliest_s=late)
    )
    assert gone[0] is None and gone[1] is not None and gone[1][0] == late
    # a booked stop before the earliest start stays as booked
    booked = DayStop(1, 1800, fixed_s=8 * H + 600)
    kept = open_slots(
        ReslotDay(day, start=0, end=0, stops=[booked, afternoon], travel=travel, earliest_s=late)
    )
    assert kept == [(8 * H + 600, 8 * H + 600), (late, 16 * H)]
